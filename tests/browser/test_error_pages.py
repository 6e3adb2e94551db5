"""The refused and missing pages in the browser: styled, accessible, with a way back (ADR 14)."""

import uuid

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import signed_in_client
from tests.browser.conftest import assert_accessible


def _sign_in(page: Page, live_server, membership) -> None:
    client = signed_in_client(membership)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_headteacher_refused_page_leads_back_home(page: Page, live_server, headteacher):
    _sign_in(page, live_server, headteacher)
    response = page.goto(f"{live_server.url}{reverse('concerns:actions')}")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Go to your home page").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_missing_page_is_accessible(page: Page, live_server, dsl):
    _sign_in(page, live_server, dsl)
    response = page.goto(f"{live_server.url}{reverse('pupils:detail', args=[uuid.uuid4()])}")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    assert_accessible(page)


def test_headteacher_opens_the_concerns_inbox(page: Page, live_server, headteacher):
    _sign_in(page, live_server, headteacher)
    page.goto(f"{live_server.url}{reverse('concerns:inbox')}")
    expect(page.get_by_role("heading", name="Concerns inbox", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Open actions")).to_have_count(0)
    assert_accessible(page)
