"""The retention journey: the DSL finds a reached record in the retention review queue, forgets
the reason and is told, keeps another record for five years, proposes destroying the first; the
headteacher approves (first without confirming, then confirming); the queue lists the tombstone
and no longer names the child. axe runs on every page."""

from datetime import date

from playwright.sync_api import Page, expect

from pupils.models import Pupil
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from retention.models import Tombstone
from tests.browser.conftest import assert_accessible, sign_in_as


def _former_pupil(school, surname: str) -> Pupil:
    child = PupilFactory(
        legal_forename="Olwen", legal_surname=surname, date_of_birth=date(1990, 5, 4)
    )
    EnrolmentFactory(
        pupil=child, school=school, start_date=date(1995, 9, 1), end_date=date(2006, 7, 20)
    )
    return child


def test_the_dsl_and_the_headteacher_decide_a_reached_record(
    page: Page, live_server, browser, school, dsl, headteacher
):
    leaving = _former_pupil(school, "Formerpupil")
    _former_pupil(school, "Keptlonger")
    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}/retention/")
    expect(page.get_by_role("heading", name="Retention review", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Olwen Keptlonger")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Olwen Keptlonger").click()
    expect(page.get_by_role("heading", name="Retention of the record")).to_be_visible()
    assert_accessible(page)
    page.locator("summary", has_text="Keep for another period").click()
    page.get_by_label("Keep for how many more years?").fill("5")
    page.locator("#id_keep-reason").fill("Her brother's case is still open.")
    page.get_by_role("button", name="Keep for another period").click()
    expect(page.get_by_text("Kept for 5 more years.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/retention/pupils/{leaving.pk}/")
    page.locator("summary", has_text="Propose destruction").click()
    page.get_by_role("button", name="Propose destruction").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the reason.")
    assert_accessible(page)
    page.locator("#id_propose-reason").fill("Reached the retention date; no inquiry is known.")
    page.get_by_role("button", name="Propose destruction").click()
    expect(page.get_by_text("the headteacher must approve it")).to_be_visible()
    assert_accessible(page)

    head_page = browser.new_context().new_page()
    sign_in_as(head_page, live_server, headteacher)
    head_page.goto(f"{live_server.url}/retention/")
    expect(head_page.get_by_role("link", name="Olwen Formerpupil")).to_be_visible()
    head_page.get_by_role("link", name="Olwen Formerpupil").click()
    head_page.locator("summary", has_text="Approve destruction").click()
    head_page.get_by_role("button", name="Destroy the record").click()
    expect(head_page.get_by_role("alert")).to_contain_text("Confirm that no inquiry")
    assert_accessible(head_page)
    head_page.get_by_label("I know of no inquiry").check()
    head_page.get_by_role("button", name="Destroy the record").click()
    expect(head_page.get_by_text("The record was destroyed.")).to_be_visible()
    expect(head_page.get_by_role("link", name="Olwen Formerpupil")).to_have_count(0)
    expect(head_page.get_by_role("table").last).to_contain_text("Reached the retention date")
    assert_accessible(head_page)
    assert not Pupil.objects.filter(pk=leaving.pk).exists()
    assert Tombstone.objects.count() == 1
