"""A teacher records a concern with a body-map mark; the DSL triages it, refers, and exports the
chronology to PDF. axe-core checks every page visited."""

import re
import time

from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from concerns.models import Concern, Decision
from conftest import signed_in_client
from tests.browser.conftest import assert_accessible


def _page_for(browser: Browser, live_server, membership) -> Page:
    """A browser signed in as `membership` (password and two-factor are tested elsewhere)."""
    client = signed_in_client(membership)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_concern_from_teacher_to_dsl_referral_and_pdf(
    browser: Browser, live_server, teacher, dsl, pupil
):
    page = _page_for(browser, live_server, teacher)
    started = time.monotonic()
    page.goto("/concerns/new/")
    expect(page.get_by_role("heading", name="Record a concern")).to_be_visible()
    assert_accessible(page)

    page.locator("#id_child_1-filter").fill("testch")  # narrows the list as the teacher types
    page.get_by_label("Child", exact=True).select_option(label=f"{pupil.display_name} (Year 4)")
    page.get_by_label("Where").fill("Classroom 3")
    page.get_by_label("What you saw or heard").fill(
        "Bruise on her left forearm, about 3cm, yellow-green, when she rolled up her sleeves."
    )
    page.get_by_label("The child's own words").fill("I fell off the trampoline.")
    page.get_by_label("Physical abuse").check()
    # The body map: select the left arm on the front drawing, describe the mark, add it.
    page.locator("svg[data-cairn-body-side='front'] [data-region='left_arm']").click()
    expect(page.get_by_text("Selected: front, left arm.")).to_be_visible()
    page.get_by_label("Description of the mark at the selected place").fill("Yellow-green bruise")
    page.get_by_role("button", name="Add mark").click()
    expect(page.get_by_text("front, left arm: Yellow-green bruise")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Concern about {pupil.display_name}"
    )
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"recording took {elapsed:.0f}s"
    expect(page.get_by_text("Front, left arm: Yellow-green bruise")).to_be_visible()
    assert_accessible(page)
    concern = Concern.objects.get()
    mark = concern.body_marks.get()
    assert (mark.side, mark.region) == ("front", "left_arm")
    assert mark.x is not None

    page = _page_for(browser, live_server, dsl)
    page.goto("/")
    page.get_by_role("link", name="Concerns inbox").click()
    expect(page.get_by_role("heading", name="Concerns inbox")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=pupil.display_name).click()
    expect(page.get_by_text("I fell off the trampoline.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a decision").click()
    expect(page.get_by_role("heading", name="Record a decision")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Referral to children's social care").check()
    page.get_by_label("Why (the rationale)").fill(
        "Injury with an explanation that does not fit; threshold met for a referral."
    )
    # Choosing the referral reveals its own questions only (GOV.UK conditional radios).
    expect(page.get_by_label("Review date")).to_be_hidden()
    page.get_by_label("Reference given by children's social care").fill("MASH-2026-0042")
    page.get_by_label("Date referred to children's social care").fill(time.strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    assert_accessible(page)
    assert Decision.objects.get().referral_reference == "MASH-2026-0042"

    page.get_by_role("link", name=pupil.display_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chronology")
    expect(
        page.get_by_text(re.compile(r"Referral to children's social care \(ref\. MASH-2026-0042\)"))
    ).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
