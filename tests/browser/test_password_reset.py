"""A member of staff who has forgotten their password asks for a link, follows it from the email,
chooses a new password and signs in with it; the used link then says it has expired. axe-core
checks every page, with and without errors on it."""

import re

import pyotp
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from tests.browser.conftest import assert_accessible

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
NEW_PASSWORD = "kettle-lantern-orchard-2026"


def test_forgotten_password_reset_by_email_then_sign_in(page: Page, live_server, teacher):
    TOTPDevice.objects.create(user=teacher.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page.get_by_role("heading", level=1, name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()  # no address given
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email", exact=True).fill("teacher@oakfield.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    assert_accessible(page)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["teacher@oakfield.example"]
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1, name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill("a-different-password-2026")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("didn’t match")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(
        page.get_by_role("heading", level=1, name="Your password has been changed")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email address").fill("teacher@oakfield.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.goto(link.group(0))  # the link works once
    expect(page.get_by_role("heading", level=1, name="This link has expired")).to_be_visible()
    assert_accessible(page)
