"""At a phone's width (390 CSS pixels) no page scrolls sideways, and every page passes axe.

Each persona opens the pages of their day: the DSL team their inbox, a front sheet, a chronology,
a concern, findings and actions; a member of staff the concern form and their own concerns; the
headteacher and governor their home pages and reports. With CAIRN_SCREENSHOTS set to a folder,
each page is saved there as a picture to look at.
"""

import os
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from concerns import services as concern_services
from concerns.tests.factories import make_concern, make_decision
from conftest import signed_in_client
from patterns.tests.factories import FindingFactory
from tests.browser.conftest import assert_accessible

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def casework(school, pupil, dsl, deputy_dsl, teacher):
    now = timezone.now()
    concern = make_concern(
        author=teacher,
        pupil=pupil,
        facts=(
            "Came in without a coat again and said there was no breakfast at home; "
            "hungry and tired all morning, asked for seconds at lunch."
        ),
        occurred_at=now - timedelta(days=2),
    )
    decision = make_decision(dsl=dsl, concern=concern)
    action = concern_services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=deputy_dsl,
        description="Telephone the school nurse about the child's weight and lunches",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    finding = FindingFactory(school=school, pupil=pupil)
    return {"concern": concern, "decision": decision, "action": action, "finding": finding}


def _open(page: Page, live_server, membership) -> Callable[[str], None]:
    client = signed_in_client(membership)
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    def visit(path: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        overflow = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const name = e => e.tagName.toLowerCase() + ':' +
                    (e.textContent || '').trim().slice(0, 30);
                const wide = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > width + 1).map(name);
                const scroll = document.documentElement.scrollWidth;
                return {scroll, width, wide: wide.slice(0, 5)};
            }"""
        )
        if shots := os.environ.get("CAIRN_SCREENSHOTS"):
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            page.screenshot(path=f"{shots}/phone-{membership.role}-{name}.png", full_page=True)
        assert overflow["scroll"] <= overflow["width"], (
            f"{path} scrolls sideways at {PHONE['width']} px: "
            f"{overflow['scroll']} > {overflow['width']}; too wide: {overflow['wide']}"
        )
        assert_accessible(page)

    return visit


def test_the_dsl_teams_pages_fit_a_phone(page: Page, live_server, dsl, pupil, casework):
    visit = _open(page, live_server, dsl)
    for path in (
        reverse("schools:home"),
        reverse("concerns:inbox"),
        reverse("concerns:actions"),
        reverse("pupils:search") + "?q=Ava",
        reverse("pupils:detail", args=[pupil.pk]),
        reverse("chronology:pupil", args=[pupil.pk]),
        reverse("concerns:detail", args=[casework["concern"].pk]),
        reverse("concerns:decide", args=[casework["concern"].pk]),
        reverse("concerns:assign_action", args=[casework["concern"].pk]),
        reverse("patterns:inbox"),
        reverse("patterns:detail", args=[casework["finding"].pk]),
        reverse("voice:pupil", args=[pupil.pk]),
        reverse("factors:pupil", args=[pupil.pk]),
        reverse("attendance:pupil", args=[pupil.pk]),
        reverse("analytics:school"),
    ):
        visit(path)
    # The header keeps to two lines of controls: the search box with its button, then "Hide
    # screen" and "Sign out" side by side.
    visit(reverse("schools:home"))
    tops = page.evaluate(
        """() => ['#header-search-q', '.cairn-header-search button', '[data-cairn-hide-screen]',
                  '.cairn-header-actions form button']
            .map(s => Math.round(document.querySelector(s).getBoundingClientRect().top))"""
    )
    assert abs(tops[0] - tops[1]) <= 4, tops  # one line (the button's shadow aside)
    assert abs(tops[2] - tops[3]) <= 4, tops
    assert tops[2] > tops[0] + 20, tops


def test_staff_pages_fit_a_phone(page: Page, live_server, teacher, pupil, casework):
    visit = _open(page, live_server, teacher)
    for path in (
        reverse("schools:home"),
        reverse("concerns:record"),
        reverse("concerns:mine"),
        reverse("concerns:detail", args=[casework["concern"].pk]),
        reverse("voice:record_choose"),
        reverse("accounts:account"),
    ):
        visit(path)


def test_leadership_pages_fit_a_phone(page: Page, live_server, headteacher, governor, casework):
    visit = _open(page, live_server, headteacher)
    for path in (reverse("schools:home"), reverse("analytics:school")):
        visit(path)
    page.context.clear_cookies()
    visit = _open(page, live_server, governor)
    for path in (reverse("schools:home"), reverse("analytics:school")):
        visit(path)


# -- Every page of the browser journeys (issue 22, item 11) -------------------------------------


@pytest.fixture
def more_casework(school, pupil, dsl, teacher, casework):
    from casework.tests.factories import AgencyContactFactory
    from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory

    household = HouseholdFactory()
    HouseholdMemberFactory(household=household, pupil=pupil)
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    mine = concern_services.action_assign(
        actor=dsl,
        concern=casework["concern"],
        assignee=teacher,
        description="Walk her to the office at the end of the day",
        due_on=timezone.localdate() + timedelta(days=1),
    )
    return {**casework, "household": household, "contact": contact, "teacher_action": mine}


def test_every_dsl_journey_page_fits_a_phone(page: Page, live_server, dsl, pupil, more_casework):
    visit = _open(page, live_server, dsl)
    concern = more_casework["concern"].pk
    category = dsl.school.concern_categories.first()
    for path in (
        reverse("concerns:record"),
        reverse("concerns:mine"),
        reverse("concerns:search") + "?child=Testchild",
        reverse("concerns:amend", args=[concern]),
        reverse("concerns:referral_outcome", args=[more_casework["decision"].pk]),
        reverse("concerns:complete_action", args=[more_casework["action"].pk]),
        reverse("concerns:categories"),
        reverse("concerns:category_edit", args=[category.pk]),
        reverse("concerns:encompass_add"),
        reverse("concerns:behaviour_import"),
        reverse("concerns:behaviour_add", args=[pupil.pk]),
        reverse("concerns:allegations"),
        reverse("pupils:access_log", args=[pupil.pk]),
        reverse("pupils:household", args=[more_casework["household"].pk]),
        reverse("pupils:suggestions"),
        reverse("pupils:import_upload"),
        reverse("patterns:pupil", args=[pupil.pk]),
        reverse("patterns:settings"),
        reverse("attendance:cohort"),
        reverse("attendance:summary"),
        reverse("attendance:upload"),
        reverse("attendance:mappings"),
        reverse("casework:pupil", args=[pupil.pk]),
        reverse("casework:contact_add", args=[pupil.pk]),
        reverse("casework:response_add", args=[more_casework["contact"].pk]),
        reverse("casework:plan_add", args=[pupil.pk]),
        reverse("casework:meeting_add", args=[pupil.pk]),
        reverse("casework:leaving", args=[pupil.pk]),
        reverse("casework:absence_add", args=[pupil.pk]),
        reverse("casework:household_child_add", args=[pupil.pk]),
        reverse("casework:engagement_add", args=[pupil.pk]),
        reverse("casework:note_add", args=[pupil.pk]),
        reverse("casework:stage_settings"),
        reverse("voice:record", args=[pupil.pk]),
        reverse("voice:plan", args=[pupil.pk]),
        reverse("voice:school_check_ins"),
        reverse("voice:settings"),
        reverse("analytics:actions"),
        reverse("accounts:password_change"),
    ):
        visit(path)


def test_every_staff_journey_page_fits_a_phone(page: Page, live_server, teacher, more_casework):
    visit = _open(page, live_server, teacher)
    for path in (
        reverse("concerns:complete_action", args=[more_casework["teacher_action"].pk]),
        reverse("voice:my_check_ins"),
        reverse("accounts:password_change"),
    ):
        visit(path)


def test_leadership_and_trust_pages_fit_a_phone(
    page: Page, live_server, headteacher, trust_lead, school_admin, casework
):
    visit = _open(page, live_server, headteacher)
    for path in (
        reverse("concerns:inbox"),
        reverse("concerns:search") + "?child=Testchild",
        reverse("concerns:allegations"),
    ):
        visit(path)
    page.context.clear_cookies()
    visit = _open(page, live_server, trust_lead)
    for path in (reverse("schools:home"), reverse("analytics:trust")):
        visit(path)
    page.context.clear_cookies()
    visit = _open(page, live_server, school_admin)
    for path in (
        reverse("schools:home"),
        reverse("schools:staff"),
        reverse("schools:invite"),
        reverse("schools:settings"),
    ):
        visit(path)


def test_the_signed_out_pages_fit_a_phone(page: Page, live_server):
    page.set_viewport_size(PHONE)
    for path in (
        reverse("accounts:sign_in"),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200
        width = page.evaluate("() => document.documentElement.clientWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
        if shots := os.environ.get("CAIRN_SCREENSHOTS"):
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
            page.screenshot(path=f"{shots}/phone-anonymous-{name}.png", full_page=True)
        assert_accessible(page)
