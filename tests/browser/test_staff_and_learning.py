"""Issue 20's journeys. The headteacher sees training compliance on the home page, opens who is
overdue, records a colleague's training, then records a low-level concern about a visiting
adult that may meet the harm threshold and is prompted to consult the LADO. The DSL records a
supervision session that discussed a child and opens the child from it. axe runs on every
page."""

import datetime

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from learning.models import SupervisionSession
from staffing.models import LowLevelConcern, TrainingRecord
from tests.browser.conftest import assert_accessible, sign_in_as


def _date(page: Page, legend: str, day: datetime.date) -> None:
    group: Locator = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_headteacher_training_compliance_and_a_low_level_concern(
    page: Page, live_server, headteacher, dsl, teacher
):
    day = timezone.localdate() - datetime.timedelta(days=3)
    sign_in_as(page, live_server, headteacher)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("0 of 3 people are up to date")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Who is overdue").click()
    expect(page.get_by_role("heading", name="Safeguarding training register")).to_be_visible()
    expect(page.get_by_role("link", name="teacher@oakfield.example")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record training").first.click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Choose who completed the training.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who completed the training").select_option(
        label="teacher@oakfield.example (member of staff)"
    )
    page.get_by_label("Training", exact=True).select_option(label="Annual safeguarding update")
    _date(page, "Date completed", day)
    page.get_by_label("Provider").fill("Local authority safeguarding team")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Annual safeguarding update recorded.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="teacher@oakfield.example's safeguarding training")
    ).to_be_visible()
    assert_accessible(page)
    assert TrainingRecord.objects.get().person == teacher

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Low-level concerns about adults").click()
    expect(page.get_by_role("heading", name="Low-level concerns about adults")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a low-level concern").click()
    page.get_by_label("Who is the concern about").select_option(label="Someone not listed")
    page.get_by_label("Their full name (someone not listed)").fill("Lee Marsh")
    page.get_by_label("Their role (someone not listed)").select_option(label="Contractor")
    _date(page, "When it happened", day)
    page.get_by_label("Who raised it").fill("A teaching assistant")
    page.get_by_label("What happened", exact=True).fill(
        "Was alone with a pupil in the changing area."
    )
    page.get_by_label("The harm threshold may be met").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Lee Marsh")).to_be_visible()
    expect(page.get_by_text("says the harm threshold may be met")).to_be_visible()
    expect(page.get_by_role("link", name="allegations register")).to_be_visible()
    assert_accessible(page)
    assert LowLevelConcern.objects.get().threshold_may_be_met


def test_dsl_records_supervision_with_a_linked_child(page: Page, live_server, dsl, pupil):
    day = timezone.localdate() - datetime.timedelta(days=1)
    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}/learning/supervision/")
    expect(page.get_by_role("heading", name="Safeguarding supervision")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a supervision session").click()
    _date(page, "Date of the session", day)
    page.get_by_label("Supervisor").fill("An external supervisor")
    page.get_by_label("Who attended").fill("The DSL and deputy")
    page.get_by_label(pupil.display_name).check()
    page.get_by_label("Reflections").fill("We asked whether we had got used to the worries.")
    page.get_by_label("Agreed actions (optional)").fill("Write the chronology before core group.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Supervision session recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Children discussed")).to_be_visible()
    assert_accessible(page)
    assert SupervisionSession.objects.get().supervisionchild_set.get().pupil == pupil
    page.get_by_role("link", name=pupil.display_name).click()
    expect(page.get_by_role("heading", name=pupil.display_name)).to_be_visible()
