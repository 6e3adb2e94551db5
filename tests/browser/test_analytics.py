"""The headteacher opens the trends dashboard, filters to a term, and downloads the governors'
report; axe-core on each page."""

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from analytics.tests.builders import build
from conftest import signed_in_client
from tests.browser.conftest import assert_accessible


@pytest.fixture
def head_page(page: Page, live_server, headteacher):
    client = signed_in_client(headteacher)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page


def test_headteacher_filters_to_a_term_and_downloads_the_governors_report(
    head_page: Page, live_server, school, dsl, tmp_path
):
    build(school, dsl, tmp_path)
    page = head_page
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Trends").first.click()
    expect(
        page.get_by_role("heading", level=1, name="Trends and patterns: Oakfield Primary")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Term").select_option("2025-autumn")
    page.get_by_role("button", name="Show this period").click()
    expect(
        page.get_by_text("Autumn term 2025/26 (1 Sep 2025 to 31 Dec 2025)").first
    ).to_be_visible()
    expect(
        page.get_by_role("img", name="Concerns each month, with neglect on its own line")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name="The safeguarding team's capacity (as at 31 Dec 2025)")
    ).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the governors' report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "cairn-governors-report-2025-09-01-2025-12-31.pdf"
    path = tmp_path / "report.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert_accessible(page)
