"""The DSL opens the findings inbox, reads a finding's evidence and records a decision."""

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from patterns.tests.factories import FindingFactory
from tests.browser.conftest import assert_accessible

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


@pytest.fixture
def dsl_with_a_finding(dsl, school, pupil):
    dsl.user.set_password("correct horse battery staple")
    dsl.user.save()
    TOTPDevice.objects.create(user=dsl.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")
    return FindingFactory(school=school, pupil=pupil)


def test_dsl_decides_on_a_finding(page: Page, live_server, dsl_with_a_finding):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("dsl@oakfield.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Findings").first.click()
    expect(page.get_by_role("heading", name="Findings")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Several small signs of neglect")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Several small signs of neglect")
    expect(page.get_by_role("cell", name="22 Jan 2025")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("radio", name="Not a concern now").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the reason")
    assert_accessible(page)

    page.get_by_role("radio", name="Not a concern now").check()
    page.get_by_label("If not a concern now: why").fill(
        "New baby; grandmother now helps each morning."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Your decision has been recorded.")).to_be_visible()
    expect(page.get_by_text("grandmother now helps each morning")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Findings", exact=True).click()
    page.get_by_role("link", name="Detector settings for this school").click()
    expect(page.get_by_role("heading", name="Detector settings")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Two or all three.*recorded in the household")).click()
    page.get_by_label("Min parts").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("cell", name="On, thresholds changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Two or all three.*recorded in the household")).click()
    page.get_by_label("Min parts").fill("-1")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_dsl_follows_a_findings_evidence_to_the_concern(
    page: Page, live_server, dsl, school, pupil
):
    from datetime import timedelta

    from django.utils import timezone

    from concerns.tests.factories import make_concern, staff_member
    from patterns.db_loader import database_source
    from patterns.services import findings_refresh_for_children

    dsl.user.set_password("correct horse battery staple")
    dsl.user.save()
    TOTPDevice.objects.create(user=dsl.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")
    authors = [staff_member(school=school), staff_member(school=school)]
    for n, days in enumerate((9, 5, 1)):
        make_concern(
            author=authors[n % 2],
            pupil=pupil,
            occurred_at=timezone.now() - timedelta(days=days),
            facts=f"Hungry again, {days} days ago.",
        )
    today = timezone.localdate()
    findings_refresh_for_children(
        actor=None, source=database_source(as_of=today), pupil_ids=[str(pupil.pk)], as_of=today
    )

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("dsl@oakfield.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Findings").first.click()
    page.get_by_role("link", name=re.compile("Several small signs of neglect")).click()
    links = page.get_by_role("link", name=re.compile(r"^Concern of "))
    expect(links).to_have_count(3)
    assert_accessible(page)
    links.first.click()
    expect(page.get_by_text("Hungry again, 9 days ago.")).to_be_visible()
    assert_accessible(page)


def test_dsl_opens_a_childs_findings_as_they_stood_on_a_date(
    page: Page, live_server, dsl_with_a_finding, pupil
):
    """From the finding to all the child's findings, then as they stood on a date: a plain GET
    form (no JavaScript needed), with the date's errors in the GOV.UK pattern."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("dsl@oakfield.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()

    page.goto(f"{live_server.url}/findings/{dsl_with_a_finding.pk}/")
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    page.get_by_role("link", name="all findings about this child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings")
    expect(
        page.get_by_role("link", name=re.compile("Several small signs of neglect"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Show findings on this date").click()
    expect(page.get_by_role("alert")).to_contain_text("The date must be a real date.")
    assert_accessible(page)

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Show findings on this date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Findings as they stood on 1 February 2025"
    )
    expect(
        page.get_by_text("Cairn had raised no findings about this child by then.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Day").fill("4")
    page.get_by_role("button", name="Show findings on this date").click()
    expect(page.get_by_text("not decided by then")).to_be_visible()
    assert_accessible(page)
