"""The DSL confirms a proposed household link between two children at one address, then reads
and exports their household chronology. axe-core checks every page."""

import datetime
import re

from playwright.sync_api import Page, expect

from concerns.tests.factories import make_concern
from pupils.models import Address, HouseholdMember, HouseholdSuggestion, PupilAddress
from pupils.services import household_suggestions_refresh
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from tests.browser.conftest import assert_accessible, sign_in_as

# The pair is named in the order the suggestion holds them, which is not always the same.
PAIR = re.compile(r"^(Ava Testchild and Ben Testchild|Ben Testchild and Ava Testchild)$")


def _lives_at_3_mill_lane(pupil) -> None:
    address, _ = Address.objects.get_or_create(
        match_key="ZZ11ZZ|3 MILL LANE",
        defaults={"paon": "3", "street": "Mill Lane", "postcode": "ZZ1 1ZZ"},
    )
    PupilAddress.objects.create(
        pupil=pupil,
        address=address,
        from_date=datetime.date(2024, 9, 1),
        to_date=None,
        source="manual",
    )


def test_dsl_confirms_a_household_then_reads_and_exports_its_chronology(
    page: Page, live_server, school, dsl, teacher, pupil, tmp_path
):
    brother = EnrolmentFactory(
        school=school,
        pupil=PupilFactory(legal_forename="Ben", legal_surname="Testchild", year_group="6"),
    ).pupil
    _lives_at_3_mill_lane(pupil)
    _lives_at_3_mill_lane(brother)
    assert household_suggestions_refresh(actor=None, school=school) == 1
    make_concern(author=teacher, pupil=pupil, facts="Came in without a coat in the snow.")
    make_concern(
        author=teacher, pupil=brother, facts="Fell asleep in assembly; said he minds his sister."
    )
    sign_in_as(page, live_server, dsl)

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Household links").click()
    expect(page.get_by_role("heading", level=1, name="Household links to check")).to_be_visible()
    expect(page.get_by_role("cell", name=PAIR)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Decide on (Ava|Ben) Testchild and")).click()
    expect(page.get_by_role("heading", level=1, name=PAIR)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()  # no answer chosen
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, link them as one household").check()
    page.get_by_label("Why (optional)").fill(
        "Their mother confirmed at pick-up that both live here."
    )
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Linked as one household")).to_be_visible()
    expect(page.get_by_text("Nothing to check.")).to_be_visible()
    assert HouseholdMember.objects.filter(pupil__in=[pupil, brother]).count() == 2
    assert HouseholdSuggestion.objects.get().status == "confirmed"
    assert_accessible(page)

    # The household chronology has no link on any page yet; the DSL opens it by its address.
    page.goto(f"{live_server.url}/chronology/household/?pupil={pupil.pk}&pupil={brother.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Chronology: Ava Testchild, Ben Testchild"
    )
    expect(page.get_by_text("Came in without a coat in the snow.")).to_be_visible()
    expect(page.get_by_text("said he minds his sister")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Words").fill("assembly")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="1 of 2 entries")).to_be_visible()
    expect(page.get_by_text("Came in without a coat in the snow.")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("chronology-household-")
    path = tmp_path / "household.csv"
    download.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert "Fell asleep in assembly" in text
    assert "Came in without a coat" not in text
