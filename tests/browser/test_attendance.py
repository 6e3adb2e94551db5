"""The DSL opens the attendance cohort list, then a pupil's attendance panel; axe on each page."""

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from attendance.tests.factories import import_text, weeks_csv
from conftest import signed_in_client
from tests.browser.conftest import assert_accessible


@pytest.fixture
def signed_in_page(page: Page, live_server, dsl):
    client = signed_in_client(dsl)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page


def test_dsl_opens_the_cohort_list_then_a_pupils_panel(
    signed_in_page: Page, live_server, tmp_path, school, pupil
):
    weeks = ["/\\/\\/\\/\\/\\"] * 2 + ["N" * 10] * 2 + ["/\\IINN/\\OO"] * 4
    import_text(tmp_path, weeks_csv(pupil, school, date(2025, 9, 1), weeks))
    page = signed_in_page
    page.goto(f"{live_server.url}/attendance/?period=year&as_of=2025-10-24")
    expect(page.get_by_role("heading", level=1, name="Attendance")).to_be_visible()
    expect(page.get_by_role("heading", name="Severe absence: missing half or more")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ava Testchild").first.click()
    expect(page.get_by_role("heading", level=1, name="Ava Testchild")).to_be_visible()
    expect(page.get_by_role("img", name="Register, 2025/26")).to_be_visible()
    expect(page.get_by_text("Notify the local authority")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("The data behind the charts").click()
    expect(page.get_by_role("cell", name="Mon 15 Sep 2025")).to_be_visible()
    assert_accessible(page)
