"""The trust lead opens a child's record at one of the trust's schools, saying why first."""

import pyotp
from playwright.sync_api import Page, expect

from accounts.models import TOTPDevice
from tests.browser.conftest import assert_accessible

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def test_trust_lead_gives_a_reason_then_reads(page: Page, live_server, trust_lead, pupil, dsl):
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    trust_lead.user.set_password("lead-long-passphrase")
    trust_lead.user.save()
    TOTPDevice.objects.create(user=trust_lead.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("lead@oakfield.example")
    page.get_by_label("Password").fill("lead-long-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Pupils").first.click()
    # Asked why before any child is listed (ADR 14), then the search.
    expect(page.get_by_role("heading", name="Say why you are looking for children")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need to find children at the trust's schools?").fill(
        "A school asked for advice about a family at two of our schools."
    )
    page.get_by_role("button", name="Search for a child").click()
    page.get_by_role("link", name="Ava Testchild").click()
    expect(page.get_by_role("heading", name="Say why you need this record")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why you need to open")
    assert_accessible(page)
    page.get_by_label("Why do you need to open this child's record?").fill(
        "The school asked the trust for advice on this child."
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Ava Testchild", level=1)).to_be_visible()
    assert_accessible(page)
