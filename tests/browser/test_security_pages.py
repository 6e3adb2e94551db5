"""Issue 14 in a browser: the governor's attendance summary shows "fewer than 5" (axe), and the
second factor does not follow an off-site `next`."""

from datetime import UTC, date, datetime

import pyotp
from django.conf import settings
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from attendance.tests.factories import import_text, weeks_csv
from conftest import signed_in_client
from tests.browser.conftest import assert_accessible


def test_the_governors_attendance_summary_suppresses_small_numbers(
    page: Page, live_server, tmp_path, school, pupil, governor
):
    weeks = ["/\\/\\/\\/\\/\\"] * 2 + ["N" * 10] * 2 + ["/\\IINN/\\OO"] * 4
    import_text(tmp_path, weeks_csv(pupil, school, date(2025, 9, 1), weeks))
    cookie = signed_in_client(governor).cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/attendance/summary/?period=year&as_of=2025-10-24")
    expect(page.get_by_role("heading", level=1, name="Attendance summary")).to_be_visible()
    total = page.get_by_role("row", name="All pupils")
    expect(total).to_contain_text("fewer than 5")
    expect(total).not_to_contain_text("(100.0%)")
    assert_accessible(page)


def test_signing_in_never_ends_on_another_site(page: Page, live_server, dsl):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
    TOTPDevice.objects.create(
        user=dsl.user, secret=secret, confirmed_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    page.goto(f"{live_server.url}/sign-in/?next=https://evil.example/")
    page.get_by_label("Email address").fill("dsl@oakfield.example")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in/two-factor/")
    assert_accessible(page)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button").first.click()
    assert page.url.startswith(live_server.url)
    assert "evil.example" not in page.url
