"""The trusted adult sees a due check-in, records it in the child's words, and it appears on the
child's voice page and in the chronology source; every page passes axe."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from chronology.entries import Window
from conftest import signed_in_client
from schools.models import Role
from schools.tests.factories import MembershipFactory
from tests.browser.conftest import assert_accessible
from voice.chronology import voice_entries
from voice.models import SupportLevel
from voice.services import check_in_schedule_set, support_status_record


@pytest.fixture
def trusted_adult(school):
    return MembershipFactory(
        school=school,
        role=Role.STAFF,
        user__email="trusted@oakfield.example",
        user__full_name="Tess Trusted",
    )


@pytest.fixture
def due_check_in(pupil, dsl, trusted_adult, settings, tmp_path):
    """A child on a CP plan for three weeks, never yet heard: the fortnightly check-in is due."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    today = timezone.localdate()
    support_status_record(
        actor=dsl,
        pupil=pupil,
        level=SupportLevel.CP_PLAN,
        starts_on=today - datetime.timedelta(days=21),
    )
    check_in_schedule_set(actor=dsl, pupil=pupil, trusted_adult=trusted_adult, cadence_days=None)
    return pupil


def _sign_in(page: Page, live_server, membership) -> None:
    """Reuse a signed-in session (the sign-in journey itself is tested in test_sign_in)."""
    client = signed_in_client(membership)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_trusted_adult_records_a_due_check_in(
    page: Page, live_server, trusted_adult, dsl, due_check_in
):
    _sign_in(page, live_server, trusted_adult)
    page.goto(f"{live_server.url}/")
    expect(
        page.get_by_text("1 of the children you check in with is due or overdue")
    ).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Ava Testchild")).to_contain_text(
        "Overdue by 7 days"
    )
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My check-ins").click()
    expect(page.get_by_role("heading", name="My check-ins")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Ava Testchild"))
    expect(row).to_contain_text("Overdue by 7 days")
    assert_accessible(page)

    row.get_by_role("link", name="Ava Testchild").click()
    expect(page.get_by_role("heading", name="Record the child's voice")).to_be_visible()
    assert_accessible(page)

    # Submitting without the child's words names the problem.
    page.get_by_label("Where you talked").fill("the nurture room")
    page.get_by_role("button", name="Save the child's voice").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    expect(page.locator("#id_words-error")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("What the child said, in their own words").fill(
        "Dad shouts when he's been out. I hide in my room with my headphones."
    )
    page.get_by_label("Talking").check()
    page.get_by_text("Prompts you can use").click()
    page.get_by_label("House of worries").fill("Dad shouting")
    page.get_by_label("House of dreams (wishes)").fill("A quiet house")
    page.get_by_label("Your reflection").fill("Evenings at home sound frightening for him.")
    page.get_by_role("button", name="Save the child's voice").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("The child's voice")
    expect(page.get_by_text("I hide in my room with my headphones.")).to_be_visible()
    expect(page.get_by_text("A quiet house")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="All of Ava Testchild's voice").click()
    expect(page.get_by_text("I hide in my room with my headphones.")).to_be_visible()
    expect(page.get_by_text("Last heard from")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My check-ins").click()
    row = page.get_by_role("row", name=re.compile("Ava Testchild"))
    expect(row).not_to_contain_text("Overdue")
    assert_accessible(page)

    # The entry is on the child's chronology, in the child's words.
    (line,) = voice_entries(viewer=dsl, pupil_ids=[due_check_in.pk], window=Window())
    assert "I hide in my room" in line.summary


def test_dsl_sees_who_is_not_heard_from_and_sets_check_ins(
    page: Page, live_server, dsl, trusted_adult, due_check_in
):
    _sign_in(page, live_server, dsl)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Check-ins", exact=True).click()
    expect(
        page.get_by_role("heading", name="Not heard from in longer than their cadence")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ava Testchild"))).to_contain_text(
        "Child protection plan"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Ava Testchild").click()
    expect(page.get_by_text("No one has recorded this child's voice yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Set status and check-ins").click()
    expect(page.get_by_role("heading", level=1, name="Status and check-ins")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Child in need").check()
    page.get_by_label("Days between check-ins (optional)").fill("7")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Check-ins for Ava Testchild saved.")).to_be_visible()
    expect(page.get_by_text("7 days (set for this child)")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/voice/settings/")
    expect(page.get_by_role("heading", name="Time between check-ins")).to_be_visible()
    assert_accessible(page)
