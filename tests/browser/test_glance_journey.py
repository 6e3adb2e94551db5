"""The DSL's day at a glance (issue 22): the inbox, grouped by kind and naming each child; the
header search forgiving a slip of a letter; the front sheet's summary above everything else; a
finding read in the records' own words, and decided. Then the front sheet at a phone's width.
Every page passes axe. With CAIRN_SCREENSHOTS set to a folder, each page is saved there."""

import os
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from concerns import services as concern_services
from concerns.models import Decision, Outcome
from concerns.tests.factories import make_concern, make_decision
from patterns.models import FindingSeverity
from patterns.tests.factories import FindingFactory
from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory
from tests.browser.conftest import assert_accessible, sign_in_as


def _shot(page: Page, name: str) -> None:
    if shots := os.environ.get("CAIRN_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/glance-{name}.png", full_page=True)


def test_the_dsl_sees_a_child_at_a_glance_and_decides_on_a_finding(
    page: Page, live_server, school, dsl, deputy_dsl, teacher, pupil
):
    from concerns.tests.factories import enrolled_pupil

    murphy = enrolled_pupil(school=school, legal_forename="Aoife", legal_surname="Murphy")
    concern = make_concern(
        author=teacher,
        pupil=murphy,
        facts="Came in without a coat again and said there was no breakfast at home.",
        occurred_at=timezone.now() - timedelta(days=3),
    )
    make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    Decision.objects.filter(concern=concern).update(
        review_date=timezone.localdate() - timedelta(days=1)
    )
    concern_services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=deputy_dsl,
        description="Telephone the school nurse about lunches",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    make_concern(author=teacher, pupil=pupil, facts="Said she was scared to go home.")
    home = HouseholdFactory()
    HouseholdMemberFactory(household=home, pupil=murphy)
    HouseholdMemberFactory(household=home, pupil=pupil)
    finding = FindingFactory(
        school=school,
        pupil=murphy,
        severity=FindingSeverity.REVIEW,
        detail="2 signs of neglect (neglect_sign, hunger).",
        evidence=[
            {"kind": "concern", "id": str(concern.pk), "date": str(timezone.localdate())},
        ],
    )

    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}{reverse('concerns:inbox')}")
    expect(page.get_by_role("heading", name="Due and overdue")).to_be_visible()
    page.get_by_text("Monitoring reviews due: 1").click()
    reviews = page.locator("#reviews-due")
    expect(reviews.get_by_role("link", name="Aoife Murphy")).to_be_visible()
    expect(reviews.get_by_text("Overdue")).to_be_visible()
    page.get_by_text("Overdue actions: 1").click()
    expect(
        page.locator("#overdue-actions").get_by_text("Telephone the school nurse")
    ).to_be_visible()
    assert_accessible(page)
    _shot(page, "inbox")

    # The header search forgives a slip of a letter.
    page.get_by_label("Look up a pupil").fill("Murpy")
    page.get_by_role("button", name="Find a pupil").click()
    row = page.get_by_role("row", name=re.compile("Aoife Murphy"))
    expect(row.get_by_text("1 open concern")).to_be_visible()
    expect(row.get_by_text("1 open finding")).to_be_visible()
    assert_accessible(page)
    _shot(page, "search")

    row.get_by_role("link", name="Aoife Murphy").click()
    glance = page.locator(".cairn-glance")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(glance.get_by_text("1 open concern (being monitored)")).to_be_visible()
    expect(glance.get_by_text("1 open action (1 overdue)")).to_be_visible()
    expect(glance.get_by_text("Not heard in Cairn yet")).to_be_visible()
    # The front sheet's summary is above the fold on a laptop screen.
    box = page.get_by_role("heading", name="At a glance").bounding_box()
    assert box is not None
    assert box["y"] < 400
    assert_accessible(page)
    _shot(page, "front-sheet")

    glance.get_by_role("link", name="Several small signs of neglect").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Several small signs of neglect")
    expect(page.get_by_text("a sign of neglect, hunger")).to_be_visible()
    expect(page.get_by_text("By the member of staff")).to_be_visible()
    expect(page.get_by_text("“Came in without a coat again")).to_be_visible()
    assert_accessible(page)
    _shot(page, "finding")
    page.get_by_role("radio", name="Acted on").check()
    page.get_by_label("If acted on: what was done").fill("Breakfast club place offered.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Your decision has been recorded.")).to_be_visible()
    assert_accessible(page)

    # The front sheet at a phone's width: no sideways scroll, and still accessible.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('pupils:detail', args=[murphy.pk])}")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    width = page.evaluate("() => document.documentElement.clientWidth")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width
    assert_accessible(page)
    _shot(page, "front-sheet-phone")
    page.goto(f"{live_server.url}{reverse('concerns:inbox')}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    _shot(page, "inbox-phone")
    assert finding.pk
