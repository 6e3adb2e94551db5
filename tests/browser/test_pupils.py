"""The DSL finds a child, reads the front sheet and the household, and imports a file with a
dry-run preview first. axe-core runs on every page visited."""

import datetime
import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from pupils.models import Pupil, RelationshipKind
from pupils.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
    PupilFactory,
    RelationshipFactory,
)
from tests.browser.conftest import assert_accessible

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


@pytest.fixture
def family(dsl, pupil, other_school, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    dsl.user.set_password("correct horse battery staple")
    dsl.user.save()
    TOTPDevice.objects.create(user=dsl.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")
    brother = PupilFactory(legal_forename="Ben", legal_surname="Testchild", year_group="8")
    EnrolmentFactory(school=other_school, pupil=brother)
    household = HouseholdFactory(trust=other_school.trust, name="Testchild household")
    HouseholdMemberFactory(household=household, pupil=pupil)
    HouseholdMemberFactory(household=household, pupil=brother)
    RelationshipFactory(
        pupil=pupil,
        person=PersonFactory(
            forename="Kim", surname="Testchild", phones=[{"type": "M", "number": "07700 900123"}]
        ),
        contact_priority=1,
        valid_from=datetime.date(2025, 2, 1),
    )
    RelationshipFactory(
        pupil=pupil,
        person=PersonFactory(forename="Pat", surname="Worker", organisation="Children's Services"),
        kind=RelationshipKind.PROFESSIONAL,
        parental_responsibility=False,
        lives_with_pupil=False,
    )
    return dsl


def _sign_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("dsl@oakfield.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/$"))
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_search_front_sheet_household_and_import(page: Page, live_server, family, tmp_path):
    _sign_in(page, live_server)
    page.get_by_role("link", name="Pupils").first.click()
    expect(page.get_by_role("heading", name="Find a pupil")).to_be_visible()
    page.get_by_label("Name or UPN").fill("Testchild")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Ava Testchild")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ava Testchild").click()
    expect(page.get_by_role("heading", name="Ava Testchild")).to_be_visible()
    expect(page.get_by_role("table", name="Parental responsibility")).to_contain_text("Kim")
    expect(page.get_by_role("table", name="Professionals involved")).to_contain_text("Pat Worker")
    expect(page.get_by_text("Ben Testchild, year 8, at Oakfield Secondary")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Testchild household")).click()
    expect(page.get_by_role("heading", name="Testchild household")).to_be_visible()
    expect(
        page.get_by_text("Kim Testchild (parent with parental responsibility) joined")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import pupils").click()
    expect(page.get_by_role("heading", name="Import pupils from the MIS")).to_be_visible()
    assert_accessible(page)
    csv_file = tmp_path / "roll.csv"
    csv_file.write_text(
        "upn,legal_forename,legal_surname,date_of_birth,year_group\n"
        "R999888825002,Dee,Newchild,2017-01-09,3\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV of pupils and contacts").check()
    page.get_by_label("Upload the file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="roll.csv")).to_be_visible()
    expect(page.get_by_role("cell", name="R999888825002")).to_be_visible()
    assert not Pupil.objects.filter(upn="R999888825002").exists()
    assert_accessible(page)

    page.get_by_role("button", name="Import these pupils").click()
    expect(page.get_by_text("Imported roll.csv.")).to_be_visible()
    assert Pupil.objects.filter(upn="R999888825002").exists()
    assert_accessible(page)
