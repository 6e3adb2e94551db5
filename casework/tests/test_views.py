"""Casework over HTTP: the DSL's journey from a referral to a plan, the forms' errors beside
their fields, the audited reads, the report download, and what other people get."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from casework.models import AgencyContact, AgencyResponse, Escalation, Meeting, Plan
from casework.tests.factories import AgencyContactFactory, AgencyResponseFactory
from conftest import with_access_reason
from pupils.models import Pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _d(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _page(pupil: Pupil) -> str:
    return reverse("casework:pupil", args=[pupil.pk])


def test_a_dsl_records_a_referral_answer_escalation_meeting_and_plan(client_for, dsl, pupil):
    client = client_for(dsl)
    response = client.post(
        reverse("casework:contact_add", args=[pupil.pk]),
        {
            "agency": "social_care",
            "purpose": "referral",
            "summary": "Bruises on both arms.",
            **_d("contacted_on", datetime.date(2026, 2, 2)),
        },
    )
    assert response.status_code == 302
    contact = AgencyContact.objects.get()
    response = client.post(
        reverse("casework:response_add", args=[contact.pk]),
        {
            "kind": "nfa",
            "school_agrees": "no",
            "agreement_reason": "Third injury this term.",
            **_d("received_on", datetime.date(2026, 2, 4)),
        },
    )
    assert response.status_code == 302
    answer = AgencyResponse.objects.get()
    page = client.get(_page(pupil)).content.decode()
    assert "No further action" in page
    assert reverse("casework:escalate", args=[answer.pk]) in page
    response = client.post(
        reverse("casework:escalate", args=[answer.pk]),
        {
            "reason": "The explanation does not fit the injuries.",
            **_d("opened_on", datetime.date(2026, 2, 5)),
        },
    )
    assert response.status_code == 302
    assert Escalation.objects.get().stages.get().due_on == datetime.date(2026, 2, 10)
    response = client.post(
        reverse("casework:meeting_add", args=[pupil.pk]),
        {
            "kind": "strategy",
            "agencies_present": ["social_care", "police"],
            "decisions": "Section 47 enquiry.",
            "preparation_minutes": "30",
            "meeting_minutes": "45",
            **_d("held_on", datetime.date(2026, 2, 12)),
            "report": SimpleUploadedFile("report.pdf", b"%PDF-1.4 the school's report"),
        },
    )
    assert response.status_code == 302
    report = Meeting.objects.get().reports.get()
    response = client.post(
        reverse("casework:plan_add", args=[pupil.pk]),
        {"kind": "cp", "cp_category": "NEG", **_d("started_on", datetime.date(2026, 2, 26))},
    )
    assert response.status_code == 302
    assert Plan.objects.get().label == "Child protection plan (neglect)"
    sheet = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert (
        "Open to children&#x27;s social care: child protection plan (neglect) since 26 Feb 2026"
        in sheet
    )
    assert "Never known" not in sheet
    download = client.get(reverse("casework:report", args=[report.pk]))
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 the school's report"
    assert AuditEvent.objects.filter(action=AuditAction.MEETING_REPORT_OPENED).count() == 1


def test_errors_go_beside_their_fields(client_for, dsl, pupil):
    contact = AgencyContactFactory(
        pupil=pupil, recorded_by=dsl, contacted_on=datetime.date(2026, 2, 10)
    )
    response = client_for(dsl).post(
        reverse("casework:response_add", args=[contact.pk]),
        {"kind": "nfa", "school_agrees": "yes", **_d("received_on", datetime.date(2026, 2, 9))},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_received_on_day"' in page
    assert "The answer cannot come before the contact, made on 10 February 2026." in page
    assert not AgencyResponse.objects.exists()


def test_a_report_that_is_not_a_pdf_is_refused_and_nothing_is_kept(client_for, dsl, pupil):
    response = client_for(dsl).post(
        reverse("casework:meeting_add", args=[pupil.pk]),
        {
            "kind": "core_group",
            "decisions": "Plan continues.",
            "preparation_minutes": "0",
            "meeting_minutes": "60",
            **_d("held_on", datetime.date(2026, 2, 12)),
            "report": SimpleUploadedFile("report.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "report.pdf: the file&#x27;s contents are not a .pdf." in response.content.decode()
    assert not Meeting.objects.exists()


def test_reading_casework_is_audited(client_for, dsl, pupil):
    AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    assert client_for(dsl).get(_page(pupil)).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.CASEWORK_VIEWED)
    assert (event.pupil_id, event.details["records"]) == (pupil.pk, 1)


def test_a_trust_lead_reads_with_a_reason_and_never_records(
    client_for, trust, trust_lead, dsl, pupil
):
    trust.trust_lead_child_access = True
    trust.save()
    AgencyResponseFactory(contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl))
    client = with_access_reason(client_for(trust_lead), pupil)
    page = client.get(_page(pupil)).content.decode()
    assert "No further action" in page
    assert reverse("casework:contact_add", args=[pupil.pk]) not in page
    assert client.get(reverse("casework:contact_add", args=[pupil.pk])).status_code == 403


def test_another_schools_dsl_sees_nothing(client_for, dsl, other_school_dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    client = client_for(other_school_dsl)
    assert client.get(_page(pupil)).status_code == 404
    assert client.get(reverse("casework:response_add", args=[contact.pk])).status_code == 404


def test_headteacher_front_sheet_has_no_casework_panel_but_shows_the_status(
    client_for, dsl, headteacher, pupil
):
    from casework.tests.factories import PlanFactory

    PlanFactory(pupil=pupil, recorded_by=dsl, kind="cin", started_on=datetime.date(2025, 11, 3))
    page = client_for(headteacher).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert "Open to children&#x27;s social care: child in need plan since 3 Nov 2025" in page
    assert 'id="casework"' not in page
    dsl_page = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert 'id="casework"' in dsl_page


def test_stage_settings_page_saves_and_refuses_a_bad_line(client_for, dsl):
    client = client_for(dsl)
    url = reverse("casework:stage_settings")
    assert "Practitioner to practitioner" in client.get(url).content.decode()
    bad = client.post(url, {"stages": "Manager | Team manager | five"})
    assert bad.status_code == 400
    assert "Line 1: write it as name | whom to contact | days." in bad.content.decode()
    assert (
        client.post(url, {"stages": "Team manager | Duty | 3\nHead of service | | 7"}).status_code
        == 302
    )
    assert "Head of service" in client.get(url).content.decode()


def test_leaving_with_open_concerns_prompts_the_file_transfer(client_for, dsl, teacher, pupil):
    from concerns.tests.factories import make_concern

    make_concern(author=teacher, pupil=pupil)
    client = client_for(dsl)
    response = client.post(
        reverse("casework:leaving", args=[pupil.pk]),
        {
            "reason": "moved_school",
            "destination": "Riverside Primary",
            **_d("left_on", datetime.date(2026, 2, 27)),
        },
    )
    assert response.status_code == 302
    page = client.get(_page(pupil)).content.decode()
    assert (
        "1 concern open when the child left: transfer the child protection file to Riverside "
        "Primary" in page
    )
    assert "tell the local authority" in page


def test_the_roll_household_engagement_and_note_forms(client_for, dsl, pupil):
    from casework.models import (
        AgreedAbsence,
        DayNote,
        EngagementEvent,
        HouseholdChild,
        Leaving,
        PlanEnding,
    )
    from casework.tests.factories import PlanFactory

    client = client_for(dsl)

    def post(name, key, data):
        response = client.post(reverse(f"casework:{name}", args=[key]), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    post(
        "absence_add",
        pupil.pk,
        {
            "reason": "Funeral abroad.",
            **_d("starts_on", datetime.date(2026, 2, 2)),
            **_d("expected_back_on", datetime.date(2026, 2, 13)),
        },
    )
    absence = AgreedAbsence.objects.get()
    post("absence_return", absence.pk, _d("returned_on", datetime.date(2026, 2, 16)))
    post(
        "household_child_add",
        pupil.pk,
        {
            "name": "Baby Testchild",
            "setting_kind": "none",
            **_d("date_of_birth", datetime.date(2025, 6, 1)),
        },
    )
    other = HouseholdChild.objects.get()
    post(
        "sighting_add",
        other.pk,
        {"seen_by": "Health visitor", **_d("seen_on", datetime.date(2026, 1, 20))},
    )
    post(
        "engagement_add",
        pupil.pk,
        {
            "kind": "refused",
            "adult": "Dad",
            "details": "Would not let the social worker in.",
            **_d("occurred_on", datetime.date(2026, 2, 18)),
        },
    )
    post(
        "note_add",
        pupil.pk,
        {
            "tone": "good",
            "text": "Read aloud to the class, proudly.",
            **_d("noted_on", datetime.date(2026, 2, 19)),
        },
    )
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    post("plan_end", plan.pk, {"reason": "needs_met", **_d("ended_on", datetime.date(2026, 2, 20))})
    post("leaving", pupil.pk, {"reason": "ehe", **_d("left_on", datetime.date(2026, 2, 27))})
    assert absence.returned.returned_on == datetime.date(2026, 2, 16)
    assert other.sightings.get().seen_by == "Health visitor"
    assert EngagementEvent.objects.get().kind == "refused"
    assert DayNote.objects.get().tone == "good"
    assert PlanEnding.objects.get().reason == "needs_met"
    assert Leaving.objects.get().reason == "ehe"
    page = client.get(_page(pupil)).content.decode()
    for words in (
        "Back 16 Feb 2026",
        "Baby Testchild",
        "Health visitor",
        "Would not let the social worker in.",
        "Read aloud to the class, proudly.",
        "Left on 27 February 2026: elective home education",
    ):
        assert words in page


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        (
            "absence_add",
            {
                "reason": "x",
                **_d("starts_on", datetime.date(2026, 2, 9)),
                **_d("expected_back_on", datetime.date(2026, 2, 2)),
            },
            "The child cannot be expected back before the absence starts.",
        ),
        (
            "household_child_add",
            {
                "name": "Sam",
                "setting_kind": "school",
                **_d("date_of_birth", datetime.date(2019, 1, 1)),
            },
            "Enter the name of the setting.",
        ),
        (
            "engagement_add",
            {
                "kind": "missed",
                "adult": "Mum",
                "details": "Missed.",
                **_d("occurred_on", datetime.date(2026, 2, 3)),
            },
            "Choose the appointment.",
        ),
        (
            "note_add",
            {"tone": "good", "text": "Fine.", **_d("noted_on", datetime.date(2026, 3, 9))},
            "The date must be today or in the past.",
        ),
        (
            "leaving",
            {"reason": "moved_school", **_d("left_on", datetime.date(2026, 2, 27))},
            "Enter the name of the school the child moved to.",
        ),
        (
            "plan_add",
            {"kind": "cp", **_d("started_on", datetime.date(2026, 2, 2))},
            "Choose the category of the plan.",
        ),
    ],
)
def test_each_form_says_what_is_wrong_beside_the_field(client_for, dsl, pupil, name, data, error):
    response = client_for(dsl).post(reverse(f"casework:{name}", args=[pupil.pk]), data)
    assert response.status_code == 400
    assert error in response.content.decode().replace("&#x27;", "'")


def test_outcome_of_a_stage_over_http(client_for, dsl, pupil):
    from casework.tests.factories import EscalationStageFactory

    stage = EscalationStageFactory(
        escalation__response__contact__pupil=pupil, escalation__response__contact__recorded_by=dsl
    )
    url = reverse("casework:stage_outcome", args=[stage.pk])
    client = client_for(dsl)
    early = client.post(
        url,
        {
            "kind": "changed",
            "what_was_said": "Agreed to assess.",
            **_d("decided_on", datetime.date(2025, 10, 1)),
        },
    )
    assert early.status_code == 400
    done = client.post(
        url,
        {
            "kind": "changed",
            "what_was_said": "Agreed to assess.",
            **_d("decided_on", datetime.date(2025, 10, 13)),
        },
    )
    assert done.status_code == 302
    assert stage.outcome.kind == "changed"


def test_a_contact_from_a_referral_is_offered_and_linked(client_for, dsl, teacher, pupil):
    from concerns.models import Outcome
    from concerns.tests.factories import make_concern, make_decision

    decision = make_decision(
        dsl=dsl, concern=make_concern(author=teacher, pupil=pupil), outcome=Outcome.SOCIAL_CARE
    )
    client = client_for(dsl)
    url = reverse("casework:contact_add", args=[pupil.pk])
    assert (
        "Referral to children&#x27;s social care, decided 2 Mar 2026"
        in client.get(url).content.decode()
    )
    response = client.post(
        url,
        {
            "referral": str(decision.pk),
            "agency": "social_care",
            "purpose": "asked",
            **_d("contacted_on", datetime.date(2026, 3, 2)),
        },
    )
    assert response.status_code == 302
    contact = AgencyContact.objects.get()
    assert (contact.referral_id, contact.purpose) == (decision.pk, "referral")
