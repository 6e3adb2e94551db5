"""The trust lead opens the trust's trends, chooses a term, gets the dates wrong and is told so,
and downloads the schools-side-by-side table. No child is named anywhere. axe-core checks every
page."""

import csv
import io
import re

from playwright.sync_api import Page, expect

from analytics.tests.builders import build
from tests.browser.conftest import assert_accessible, sign_in_as


def test_trust_lead_compares_the_schools_for_a_term(
    page: Page, live_server, school, other_school, dsl, trust_lead, tmp_path
):
    built = build(school, dsl, tmp_path)
    sign_in_as(page, live_server, trust_lead)
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Trends").click()
    expect(
        page.get_by_role(
            "heading", level=1, name="Trends and patterns across Oakfield Learning Trust"
        )
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Term").select_option("2025-autumn")
    page.get_by_role("button", name="Show this period").click()
    expect(
        page.get_by_text("Autumn term 2025/26 (1 Sep 2025 to 31 Dec 2025)").first
    ).to_be_visible()
    side_by_side = page.locator("#table-schools-side-by-side")
    expect(side_by_side.get_by_role("rowheader", name="Oakfield Primary")).to_be_visible()
    expect(side_by_side.get_by_role("rowheader", name="Oakfield Secondary")).to_be_visible()
    expect(page.get_by_text("fewer than 5").first).to_be_visible()
    html = page.content()
    for child in built.pupils.values():
        assert child.display_name not in html
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("2025-10-31")
    page.get_by_label("To", exact=True).fill("2025-10-01")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The end date must be on or after the start date."
    )
    assert_accessible(page)

    page.get_by_label("Term").select_option("2025-autumn")
    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("To", exact=True).fill("")
    page.get_by_role("button", name="Show this period").click()
    with page.expect_download() as download_info:
        page.get_by_role(
            "link",
            name=re.compile(r"^Download this table as CSV\W+The trust.s schools side by side"),
        ).click()
    download = download_info.value
    path = tmp_path / "side-by-side.csv"
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    schools = {row[0] for row in rows if row}
    assert {"Oakfield Primary", "Oakfield Secondary"} <= schools
