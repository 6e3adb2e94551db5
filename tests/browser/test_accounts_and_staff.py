"""A new member of staff enrols an authenticator; the administrator manages staff and settings.
axe-core checks every page visited."""

import re

import pyotp
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from tests.browser.conftest import assert_accessible


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_teacher_enrols_an_authenticator(page: Page, live_server, teacher):
    teacher.user.set_password("teacher-long-passphrase")
    teacher.user.save()
    _sign_in(page, live_server.url, "teacher@oakfield.example", "teacher-long-passphrase")
    expect(page).to_have_url(re.compile(r"/account/two-factor/set-up/$"))
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    assert_accessible(page)

    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert_accessible(page)
    assert TOTPDevice.objects.get(user=teacher.user).confirmed_at is not None

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_text("Set up", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1, name="Change your password")).to_be_visible()
    assert_accessible(page)


def test_admin_invites_staff_and_changes_settings(page: Page, live_server, school_admin, teacher):
    school_admin.user.set_password("admin-long-passphrase")
    school_admin.user.save()
    _sign_in(page, live_server.url, "admin@oakfield.example", "admin-long-passphrase")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert_accessible(page)

    page.get_by_role("link", name="Staff", exact=True).click()
    expect(
        page.get_by_role("cell", name="teacher@oakfield.example", exact=True).first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Robin Example")
    page.get_by_label("Email address").fill("robin@oakfield.example")
    page.get_by_label("Deputy designated safeguarding lead").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to robin@oakfield.example")).to_be_visible()
    expect(page.get_by_role("cell", name="robin@oakfield.example", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Change.*role")).first.click()
    expect(page.get_by_role("heading", level=1, name="Change role")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="School settings").click()
    page.get_by_label("Sign people out after this many idle minutes").fill("20")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("School settings saved.")).to_be_visible()
    assert_accessible(page)
