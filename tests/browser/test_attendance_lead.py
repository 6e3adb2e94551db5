"""The attendance lead signs in, opens the persistent-absence list, then a child's attendance
from it; the child's front sheet and the concerns inbox are refused. axe on every page."""

from datetime import date

import pyotp
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from attendance.tests.factories import import_text, weeks_csv
from tests.browser.conftest import assert_accessible

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
PASSWORD = "a-long-test-password"  # schools.tests.factories.UserFactory


def test_attendance_lead_follows_a_persistently_absent_child(
    page: Page, live_server, tmp_path, attendance_lead, school, pupil
):
    # Ava misses one day in five: persistently absent (80% attendance), not severely.
    import_text(tmp_path, weeks_csv(pupil, school, date(2025, 9, 1), ["/\\/\\/\\/\\NN"] * 8))
    TOTPDevice.objects.create(
        user=attendance_lead.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z"
    )

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("attendance@oakfield.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=2, name="Attendance")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Pupils")).to_have_count(0)
    expect(menu.get_by_role("link", name="Concerns inbox")).to_have_count(0)
    assert_accessible(page)

    menu.get_by_role("link", name="Attendance").click()
    page.get_by_label("Period").select_option("year")
    page.get_by_label("As of (YYYY-MM-DD)").fill("2025-10-24")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1, name="Attendance")).to_be_visible()
    expect(page.get_by_role("link", name="Off roll while a record is open")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Persistent absence (1)").click()
    persistent = page.locator("#persistent + table")
    expect(persistent.get_by_role("cell", name="80.0%")).to_be_visible()
    persistent.get_by_role("link", name="Ava Testchild").click()

    expect(page.get_by_role("heading", level=1, name="Ava Testchild")).to_be_visible()
    expect(page.get_by_role("img", name="Register, 2025/26")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the attendance lists")).to_be_visible()
    expect(page.get_by_role("link", name="Back to Ava Testchild's record")).to_have_count(0)
    assert_accessible(page)

    front_sheet = page.goto(f"{live_server.url}/pupils/{pupil.pk}/")
    assert front_sheet is not None
    assert front_sheet.status == 403
    inbox = page.goto(f"{live_server.url}/concerns/inbox/")
    assert inbox is not None
    assert inbox.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("You cannot open this page")
    assert_accessible(page)

    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Back to the attendance lists").click()
    expect(
        page.get_by_role("heading", name="Persistent absence: missing 10% or more")
    ).to_be_visible()


def test_a_code_equivalent_is_withdrawn_with_a_reason(page: Page, live_server, attendance_lead):
    from django.conf import settings

    from conftest import signed_in_client

    cookie = signed_in_client(attendance_lead).cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/attendance/import/")
    page.get_by_role("link", name="Codes from your MIS").click()
    page.get_by_label("Code as your MIS writes it").fill("I02")
    page.get_by_label("The DfE code it stands for").select_option("I")
    page.get_by_role("button", name="Add equivalent").click()
    expect(page.get_by_text("I02 will be read as I.")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Withdraw I02 (read as I)").click()
    page.get_by_role("button", name="Withdraw I02").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter why you are withdrawing this equivalent.")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter why you are withdrawing this equivalent.").click()
    expect(page.get_by_label("Why are you withdrawing I02?")).to_be_focused()

    page.get_by_label("Why are you withdrawing I02?").fill("The MIS uses I02 for dental visits.")
    page.get_by_role("button", name="Withdraw I02").click()
    expect(page.get_by_text("I02 is no longer read as I.")).to_be_visible()
    withdrawn = page.get_by_role("table").filter(has_text="No longer read")
    expect(
        withdrawn.get_by_role("cell", name="The MIS uses I02 for dental visits.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw I02")).to_have_count(0)
    assert_accessible(page)
