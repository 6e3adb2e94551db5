"""The DSL opens a child's front sheet, follows the known factors link, records a factor (first
forgetting to choose one, then correctly) and withdraws another; axe runs on every page."""

import datetime

from django.conf import settings
from playwright.sync_api import Page, expect

from conftest import signed_in_client
from factors.models import KnownFactor, KnownFactorWithdrawal
from factors.tests.factories import KnownFactorFactory
from tests.browser.conftest import assert_accessible


def _sign_in(page: Page, live_server, membership) -> None:
    """Reuse a signed-in session (the sign-in journey itself is tested in test_sign_in)."""
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


def test_dsl_records_and_withdraws_known_factors(page: Page, live_server, dsl, pupil):
    mistaken = KnownFactorFactory(
        pupil=pupil, recorded_by=dsl, code="1B", known_from=datetime.date(2026, 1, 5)
    )
    _sign_in(page, live_server, dsl)
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/")
    panel = page.locator("#known-factors")
    expect(panel).to_contain_text("Alcohol misuse")
    assert_accessible(page)

    panel.get_by_role("link", name="Read and record").click()
    expect(page.get_by_role("heading", name="Known factors", level=1)).to_be_visible()
    assert_accessible(page)

    # Forgetting to choose the factor names the problem, and keeps what was typed.
    page.get_by_label("The family told us").check()
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record the factor").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the factor.")
    expect(page.locator("#id_code-error")).to_be_visible()
    expect(page.get_by_label("Day")).to_have_value("12")
    assert_accessible(page)

    page.get_by_label("Factor", exact=True).select_option("4B")
    page.get_by_label("Note (optional)").fill("Mum told the class teacher about her depression.")
    page.get_by_role("button", name="Record the factor").click()
    expect(page.get_by_text("Recorded: 4B Mental health")).to_be_visible()
    expect(
        page.get_by_role(
            "heading",
            name="4B: Mental health: concerns about the mental health of the parent(s)/carer(s)",
        )
    ).to_be_visible()
    assert_accessible(page)

    # Withdraw the factor recorded in error, with the reason.
    card = page.locator(f"#factor-{mistaken.pk}")
    card.get_by_text("Withdraw this factor").click()
    card.get_by_label("Why is this factor withdrawn?").fill(
        "Recorded in error: the assessment found drug misuse (2B), not alcohol."
    )
    assert_accessible(page)
    card.get_by_role("button", name="Withdraw 1B").click()
    expect(page.get_by_text("Withdrawn: 1B Alcohol misuse")).to_be_visible()
    withdrawn = page.get_by_role("table", name="Withdrawn factors")
    expect(withdrawn).to_contain_text("the assessment found drug misuse (2B)")
    expect(withdrawn).to_contain_text(dsl.user.full_name)
    assert_accessible(page)

    page.get_by_role("link", name=f"Back to {pupil.display_name}").click()
    panel = page.locator("#known-factors")
    expect(panel).to_contain_text("Mental health")
    expect(panel).not_to_contain_text("Alcohol misuse")
    assert_accessible(page)
    page.wait_for_load_state("networkidle")  # nothing left in flight when the test's data goes

    assert KnownFactor.objects.get(code="4B").note.startswith("Mum told")
    assert KnownFactorWithdrawal.objects.get().factor_id == mistaken.pk
