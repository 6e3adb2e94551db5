"""The DSL records a referral to children's social care, the answer "no further action", says
the school disagrees (first forgetting why), opens an escalation, records the strategy discussion
and the child protection plan; the front sheet then shows the plan. axe runs on every page."""

import datetime

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from casework.models import AgencyResponse, Escalation, Meeting, Plan
from conftest import signed_in_client
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


def _date(page: Page, legend: str, day: datetime.date) -> None:
    group: Locator = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_dsl_records_a_referral_its_answer_an_escalation_a_meeting_and_a_plan(
    page: Page, live_server, dsl, pupil
):
    today = timezone.localdate()
    referred, answered = today - datetime.timedelta(days=20), today - datetime.timedelta(days=18)
    _sign_in(page, live_server, dsl)
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/")
    expect(page.locator("#social-care-status")).to_contain_text("Never known")
    page.locator("#casework").get_by_role("link", name="Read and record").click()
    expect(page.get_by_role("heading", name="Other agencies, plans and meetings")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a contact or referral").click()
    page.get_by_label("Agency contacted").select_option("social_care")
    page.get_by_label("A referral").check()
    _date(page, "Date of the contact", referred)
    page.get_by_label("What was asked or shared").fill("Bruises on both upper arms; says she fell.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Contact with Children's social care or the MASH recorded.")
    ).to_be_visible()

    page.get_by_role("link", name="Record answer").click()
    page.get_by_label("No further action").check()
    _date(page, "Date of the answer", answered)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save").click()
    # Disagreeing without saying why names the problem beside the field.
    expect(page.get_by_role("alert")).to_contain_text(
        "Say why the school does not agree with the answer."
    )
    assert_accessible(page)
    page.get_by_label("Why (required if the school does not agree)").fill(
        "Third injury this term; the explanation does not fit."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("recorded: No further action.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Escalate").click()
    _date(page, "Date", answered + datetime.timedelta(days=1))
    page.get_by_label("Why the school is challenging the decision").fill(
        "The chronology shows injuries accumulating; the threshold for assessment is met."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Escalation opened: practitioner to practitioner stage")
    ).to_be_visible()

    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Strategy discussion").check()
    _date(page, "Date of the meeting", answered + datetime.timedelta(days=5))
    page.get_by_label("Children's social care or the MASH").check()
    page.get_by_label("Police").check()
    page.get_by_label("What the meeting decided").fill("Section 47 enquiry; conference to follow.")
    page.get_by_label("Time preparing, in minutes").fill("40")
    page.get_by_label("Time in the meeting, in minutes").fill("60")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Strategy discussion recorded.")).to_be_visible()

    page.get_by_role("link", name="Record a plan").click()
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Category (child protection plans only)").select_option("NEG")
    _date(page, "Start date", today - datetime.timedelta(days=3))
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Child protection plan (neglect) recorded.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=f"Back to {pupil.display_name}").click()
    expect(page.locator("#social-care-status")).to_contain_text(
        "Open to children's social care: child protection plan (neglect) since"
    )
    expect(page.locator("#plans-now")).to_contain_text("Child protection plan (neglect)")
    assert_accessible(page)
    page.wait_for_load_state("networkidle")

    assert AgencyResponse.objects.get().school_agrees is False
    assert Escalation.objects.get().stages.count() == 1
    assert Meeting.objects.get().minutes_spent == 100
    assert Plan.objects.get().cp_category == "NEG"


def test_the_casework_pages_fit_a_phone(page: Page, live_server, dsl, pupil):
    from django.urls import reverse

    from casework.tests.factories import (
        AgencyContactFactory,
        AgencyResponseFactory,
        EscalationStageFactory,
        MeetingFactory,
        PlanFactory,
    )
    from tests.browser.test_phone_width import _open

    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    answer = AgencyResponseFactory(contact=contact)
    EscalationStageFactory(escalation__response=answer)
    PlanFactory(
        pupil=pupil,
        recorded_by=dsl,
        kind="cp",
        cp_category="NEG",
        lead_professional="Social worker, Northshire children's services",
    )
    MeetingFactory(pupil=pupil, recorded_by=dsl)
    visit = _open(page, live_server, dsl)
    for path in (
        reverse("casework:pupil", args=[pupil.pk]),
        reverse("casework:contact_add", args=[pupil.pk]),
        reverse("casework:response_add", args=[contact.pk]),
        reverse("casework:meeting_add", args=[pupil.pk]),
        reverse("casework:stage_settings"),
        reverse("pupils:detail", args=[pupil.pk]),
    ):
        visit(path)
