"""The DSL signs in with a password and a TOTP code, reaches home, and every page passes axe."""

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from tests.browser.conftest import assert_accessible

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


@pytest.fixture
def dsl_with_authenticator(dsl, pupil, settings):
    # Browser tests sign in through the real form, with the real password hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    dsl.user.set_password("correct horse battery staple")
    dsl.user.save()
    TOTPDevice.objects.create(user=dsl.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")
    return dsl


def test_dsl_signs_in_with_two_factor(page: Page, live_server, dsl_with_authenticator):
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_role("heading", name="Sign in to Cairn")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Email address").fill("dsl@oakfield.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address")
    assert_accessible(page)

    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/$"))
    assert_accessible(page)

    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_text("Designated safeguarding lead, Oakfield Primary")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Pupils").first.click()
    expect(page.get_by_role("heading", name="Find a pupil")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ava Testchild").click()
    expect(page.get_by_role("heading", name="Ava Testchild")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Who has looked at this record").click()
    expect(page.get_by_role("cell", name="Child's record viewed")).to_be_visible()
    assert_accessible(page)


def test_hide_screen_blanks_the_page(page: Page, live_server, dsl_with_authenticator):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("link", name="Hide screen").click()
    expect(page).to_have_title("New tab")
    expect(page.get_by_text("Ava")).to_have_count(0)
    assert_accessible(page)
