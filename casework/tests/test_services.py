"""Recording casework: each kind's rules (dates in order, reasons present, the child on the
roll), the audit in the same transaction, and nothing half-written when refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditAction, AuditEvent
from casework import services
from casework.models import (
    AgencyContact,
    AgencyResponse,
    ContactPurpose,
    EngagementKind,
    Escalation,
    EscalationStage,
    Leaving,
    Meeting,
    Plan,
    PlanEnding,
    ResponseKind,
    StageOutcomeKind,
)
from casework.tests.factories import (
    AgencyContactFactory,
    AgencyResponseFactory,
    PlanFactory,
)
from concerns.models import Outcome
from concerns.tests.factories import make_concern, make_decision
from pupils.models import EnrolmentEndReason
from pupils.tests.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def _field_error(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Contacts and answers -------------------------------------------------------------------------


def test_contact_is_recorded_and_audited(dsl, pupil):
    contact = services.contact_record(
        actor=dsl,
        pupil=pupil,
        agency="social_care",
        purpose="referral",
        contacted_on=D(2026, 2, 10),
        summary="  Bruising to the arm.  ",
        agency_name="Northshire MASH",
        answer_expected_by=D(2026, 2, 13),
    )
    assert contact.summary == "Bruising to the arm."
    assert contact.agency_label == "Northshire MASH"
    [event] = _events(AuditAction.AGENCY_CONTACT_RECORDED)
    assert event.pupil_id == pupil.pk
    assert event.target_id == str(contact.pk)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"contacted_on": D(2026, 3, 3)}, "contacted_on", "today or in the past"),
        ({"contacted_on": D(2020, 1, 6)}, "contacted_on", "was not on the school's roll"),
        ({"summary": "  "}, "summary", "what was asked or shared"),
        ({"agency": "wizards"}, "agency", "Choose the agency"),
        ({"answer_expected_by": D(2026, 2, 1)}, "answer_expected_by", "before the contact"),
    ],
)
def test_contact_refusals_name_the_field(dsl, pupil, changes, field, words):
    values = {
        "agency": "police",
        "purpose": "shared",
        "contacted_on": D(2026, 2, 10),
        "summary": "Shared the attendance record.",
    }
    values.update(changes)
    with pytest.raises(ValidationError) as excinfo:
        services.contact_record(actor=dsl, pupil=pupil, **values)
    assert words in " ".join(_field_error(excinfo)[field])
    assert not AgencyContact.objects.exists()


def test_contact_from_a_referral_points_at_the_decision_and_only_once(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    decision = make_decision(dsl=dsl, concern=concern, outcome=Outcome.SOCIAL_CARE)
    assert services.referral_decisions(school_id=dsl.school_id, pupil=pupil) == [decision]
    contact = services.contact_record(
        actor=dsl,
        pupil=pupil,
        agency="social_care",
        purpose="asked",
        contacted_on=D(2026, 3, 2),
        summary="",
        referral=decision,
    )
    assert contact.referral == decision
    assert contact.purpose == ContactPurpose.REFERRAL
    assert contact.summary.startswith("Referral: Pattern of neglect")
    assert services.referral_decisions(school_id=dsl.school_id, pupil=pupil) == []
    with pytest.raises(ValidationError) as excinfo:
        services.contact_record(
            actor=dsl,
            pupil=pupil,
            agency="social_care",
            purpose="referral",
            contacted_on=D(2026, 3, 2),
            summary="again",
            referral=decision,
        )
    assert "referral" in _field_error(excinfo)


def test_only_the_safeguarding_team_records(teacher, headteacher, pupil):
    for actor in (teacher, headteacher):
        with pytest.raises(PermissionDenied):
            services.contact_record(
                actor=actor,
                pupil=pupil,
                agency="police",
                purpose="shared",
                contacted_on=D(2026, 2, 10),
                summary="x",
            )


def test_an_answer_cannot_precede_its_contact(dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl, contacted_on=D(2026, 2, 10))
    with pytest.raises(ValidationError) as excinfo:
        services.response_record(
            actor=dsl, contact=contact, kind="nfa", received_on=D(2026, 2, 9), school_agrees=True
        )
    assert "cannot come before the contact, made on 10 February 2026" in str(
        _field_error(excinfo)["received_on"]
    )
    assert not AgencyResponse.objects.exists()


def test_no_answer_yet_needs_the_date_one_is_expected(dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl, contacted_on=D(2026, 2, 10))
    with pytest.raises(ValidationError) as excinfo:
        services.response_record(
            actor=dsl, contact=contact, kind="no_answer", received_on=D(2026, 2, 11)
        )
    assert "answer_expected_by" in _field_error(excinfo)
    waiting = services.response_record(
        actor=dsl,
        contact=contact,
        kind="no_answer",
        received_on=D(2026, 2, 11),
        answer_expected_by=D(2026, 2, 14),
        school_agrees=False,
    )
    assert waiting.school_agrees is None  # nothing to agree with yet


def test_an_answer_says_whether_the_school_agrees_and_a_disagreement_why(dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl, contacted_on=D(2026, 2, 10))
    with pytest.raises(ValidationError) as excinfo:
        services.response_record(actor=dsl, contact=contact, kind="nfa", received_on=D(2026, 2, 12))
    assert "school_agrees" in _field_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.response_record(
            actor=dsl,
            contact=contact,
            kind="nfa",
            received_on=D(2026, 2, 12),
            school_agrees=False,
        )
    assert "agreement_reason" in _field_error(excinfo)
    answer = services.response_record(
        actor=dsl,
        contact=contact,
        kind=ResponseKind.NO_FURTHER_ACTION,
        received_on=D(2026, 2, 12),
        school_agrees=False,
        agreement_reason="Third injury.",
    )
    assert answer.school_agrees is False
    assert len(_events(AuditAction.AGENCY_RESPONSE_RECORDED)) == 1


def test_another_schools_team_cannot_answer_this_schools_contact(dsl, other_school_dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(ValidationError):
        services.response_record(
            actor=other_school_dsl,
            contact=contact,
            kind="nfa",
            received_on=D(2026, 2, 12),
            school_agrees=True,
        )


# --- Plans ----------------------------------------------------------------------------------------


def test_a_cp_plan_needs_its_category_and_only_a_cp_plan_has_one(dsl, pupil):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_record(actor=dsl, pupil=pupil, kind="cp", started_on=D(2026, 1, 5))
    assert "cp_category" in _field_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_record(
            actor=dsl, pupil=pupil, kind="cin", cp_category="NEG", started_on=D(2026, 1, 5)
        )
    assert "cp_category" in _field_error(excinfo)
    plan = services.plan_record(
        actor=dsl, pupil=pupil, kind="cp", cp_category="NEG", started_on=D(2026, 1, 5)
    )
    assert plan.label == "Child protection plan (neglect)"
    assert len(_events(AuditAction.PLAN_RECORDED)) == 1


def test_a_past_plan_from_before_the_child_came_is_recorded_with_its_end(dsl, pupil):
    plan = services.plan_record(
        actor=dsl,
        pupil=pupil,
        kind="cp",
        cp_category="PHY",
        started_on=D(2021, 3, 8),
        ended_on=D(2022, 1, 17),
        end_reason="stepped_down",
    )
    assert plan.ending.ended_on == D(2022, 1, 17)
    assert len(_events(AuditAction.PLAN_ENDED)) == 1


def test_a_plan_cannot_end_before_it_starts_and_nothing_is_kept(dsl, pupil):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_record(
            actor=dsl,
            pupil=pupil,
            kind="cin",
            started_on=D(2025, 3, 8),
            ended_on=D(2025, 3, 1),
            end_reason="needs_met",
        )
    assert "cannot end before it started (8 March 2025)" in str(_field_error(excinfo)["ended_on"])
    assert not Plan.objects.exists()


def test_a_second_open_plan_of_a_kind_is_refused_and_an_end_is_once(dsl, pupil):
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_record(actor=dsl, pupil=pupil, kind="cin", started_on=D(2026, 1, 5))
    assert "already open, from 3 November 2025" in str(_field_error(excinfo)["kind"])
    services.plan_end(actor=dsl, plan=plan, ended_on=D(2026, 2, 2), reason="needs_met")
    with pytest.raises(ValidationError):
        services.plan_end(actor=dsl, plan=plan, ended_on=D(2026, 2, 3), reason="needs_met")
    assert PlanEnding.objects.count() == 1


def test_an_end_needs_a_reason(dsl, pupil):
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_end(actor=dsl, plan=plan, ended_on=D(2026, 2, 2), reason="")
    assert "end_reason" in _field_error(excinfo)


# --- Meetings -------------------------------------------------------------------------------------


def test_a_meeting_is_recorded_with_agencies_and_time(dsl, pupil):
    meeting = services.meeting_record(
        actor=dsl,
        pupil=pupil,
        kind="icpc",
        held_on=D(2026, 2, 20),
        agencies_present=["social_care", "police", "social_care"],
        decisions="Child protection plan under neglect.",
        preparation_minutes=90,
        meeting_minutes=120,
    )
    assert meeting.agencies_present == ["social_care", "police"]
    assert meeting.minutes_spent == 210
    assert meeting.agency_labels == ["Children's social care or the MASH", "Police"]
    [event] = _events(AuditAction.MEETING_RECORDED)
    assert event.details["minutes"] == 210


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decisions": ""}, "decisions"),
        ({"held_on": D(2026, 3, 9)}, "held_on"),
        ({"agencies_present": ["aliens"]}, "agencies_present"),
        ({"meeting_minutes": 5000}, "meeting_minutes"),
        ({"preparation_minutes": -1}, "preparation_minutes"),
    ],
)
def test_meeting_refusals_name_the_field(dsl, pupil, changes, field):
    values = {"kind": "core_group", "held_on": D(2026, 2, 20), "decisions": "Keep the plan."}
    values.update(changes)
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_record(actor=dsl, pupil=pupil, **values)
    assert field in _field_error(excinfo)
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_come_before_the_contact_it_follows(dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl, contacted_on=D(2026, 2, 10))
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_record(
            actor=dsl,
            pupil=pupil,
            kind="strategy",
            held_on=D(2026, 2, 9),
            decisions="Section 47.",
            contact=contact,
        )
    assert "held_on" in _field_error(excinfo)


# --- Escalation -----------------------------------------------------------------------------------


def test_escalation_opens_at_the_first_default_stage_and_climbs(dsl, pupil):
    answer = AgencyResponseFactory(
        contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl, contacted_on=D(2026, 2, 2)),
        received_on=D(2026, 2, 4),
    )
    escalation = services.escalation_open(
        actor=dsl,
        pupil=pupil,
        response=answer,
        reason="The threshold is met.",
        opened_on=D(2026, 2, 5),
    )
    first = escalation.stages.get()
    assert (first.name, first.due_on) == ("Practitioner to practitioner", D(2026, 2, 10))
    services.stage_outcome_record(
        actor=dsl,
        stage=first,
        kind=StageOutcomeKind.NEXT,
        decided_on=D(2026, 2, 10),
        what_was_said="The social worker kept the decision.",
    )
    second = escalation.stages.get(position=2)
    assert (second.name, second.started_on, second.due_on) == (
        "Manager",
        D(2026, 2, 10),
        D(2026, 2, 15),
    )
    assert len(_events(AuditAction.ESCALATION_OPENED)) == 1
    assert len(_events(AuditAction.ESCALATION_STAGE_RECORDED)) == 1


def test_escalation_only_from_an_answer_the_school_disagrees_with(dsl, pupil):
    agreed = AgencyResponseFactory(
        contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl),
        school_agrees=True,
        agreement_reason="",
    )
    with pytest.raises(ValidationError):
        services.escalation_open(
            actor=dsl, pupil=pupil, response=agreed, reason="x", opened_on=D(2026, 2, 5)
        )
    with pytest.raises(ValidationError):
        services.escalation_open(actor=dsl, pupil=pupil, reason="x", opened_on=D(2026, 2, 5))
    assert not Escalation.objects.exists()


def test_escalation_from_a_finding(dsl, pupil):
    import uuid

    finding = uuid.uuid4()
    escalation = services.escalation_open(
        actor=dsl,
        pupil=pupil,
        finding_id=finding,
        reason="Neglect is accumulating.",
        opened_on=D(2026, 2, 5),
    )
    assert escalation.finding_id == finding


def test_the_school_sets_its_partnerships_stages(dsl, pupil):
    rules = [
        services.StageRule("Team manager", "Duty manager", 3),
        services.StageRule("Head of service", "", 7),
    ]
    assert services.escalation_stages_set(actor=dsl, stages=rules) == rules
    answer = AgencyResponseFactory(contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl))
    escalation = services.escalation_open(
        actor=dsl, pupil=pupil, response=answer, reason="x", opened_on=D(2026, 2, 5)
    )
    stage = escalation.stages.get()
    assert (stage.name, stage.contact, stage.due_on) == (
        "Team manager",
        "Duty manager",
        D(2026, 2, 8),
    )
    services.stage_outcome_record(
        actor=dsl, stage=stage, kind="next", decided_on=D(2026, 2, 6), what_was_said="No change."
    )
    last = escalation.stages.get(position=2)
    with pytest.raises(ValidationError) as excinfo:
        services.stage_outcome_record(
            actor=dsl, stage=last, kind="next", decided_on=D(2026, 2, 9), what_was_said="No."
        )
    assert "last stage" in str(_field_error(excinfo)["kind"])
    with pytest.raises(ValidationError):
        services.escalation_stages_set(actor=dsl, stages=[services.StageRule("x", "", 0)])


def test_a_stage_outcome_cannot_precede_the_stage(dsl, pupil):
    answer = AgencyResponseFactory(contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl))
    escalation = services.escalation_open(
        actor=dsl, pupil=pupil, response=answer, reason="x", opened_on=D(2026, 2, 5)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.stage_outcome_record(
            actor=dsl,
            stage=escalation.stages.get(),
            kind="changed",
            decided_on=D(2026, 2, 4),
            what_was_said="They agreed to assess.",
        )
    assert "decided_on" in _field_error(excinfo)
    assert EscalationStage.objects.count() == 1


# --- Leaving the roll and returning ---------------------------------------------------------------


def test_leaving_ends_the_enrolment_and_counts_open_concerns(dsl, teacher, pupil):
    make_concern(author=teacher, pupil=pupil)
    leaving = services.leaving_record(
        actor=dsl,
        pupil=pupil,
        left_on=D(2026, 2, 27),
        reason="moved_school",
        destination="Riverside Primary",
    )
    enrolment = leaving.enrolment
    enrolment.refresh_from_db()
    assert enrolment.end_date == D(2026, 2, 27)
    assert enrolment.end_reason == EnrolmentEndReason.MOVED_SCHOOL
    assert leaving.open_concerns == 1
    [event] = _events(AuditAction.ENROLMENT_ENDED)
    assert event.details["destination"] == "Riverside Primary"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "moved_school", "destination": ""}, "destination"),
        ({"reason": "other", "note": ""}, "note"),
        ({"left_on": D(2022, 9, 1)}, "left_on"),
        ({"left_on": D(2026, 3, 3)}, "left_on"),
    ],
)
def test_leaving_refusals_name_the_field(dsl, pupil, changes, field):
    values = {"left_on": D(2026, 2, 27), "reason": "ehe"}
    values.update(changes)
    with pytest.raises(ValidationError) as excinfo:
        services.leaving_record(actor=dsl, pupil=pupil, **values)
    assert field in _field_error(excinfo)
    assert not Leaving.objects.exists()
    assert pupil.enrolments.get().end_date is None


def test_agreed_absence_and_return(dsl, pupil):
    with pytest.raises(ValidationError) as excinfo:
        services.absence_record(
            actor=dsl,
            pupil=pupil,
            starts_on=D(2026, 2, 9),
            expected_back_on=D(2026, 2, 1),
            reason="Funeral.",
        )
    assert "expected_back_on" in _field_error(excinfo)
    absence = services.absence_record(
        actor=dsl,
        pupil=pupil,
        starts_on=D(2026, 2, 9),
        expected_back_on=D(2026, 2, 20),
        reason="Funeral abroad.",
    )
    with pytest.raises(ValidationError):
        services.absence_return_record(actor=dsl, absence=absence, returned_on=D(2026, 2, 8))
    services.absence_return_record(actor=dsl, absence=absence, returned_on=D(2026, 2, 23))
    assert absence.returned.returned_on == D(2026, 2, 23)


# --- Household, engagement, notes -----------------------------------------------------------------


def test_household_child_with_a_sighting(dsl, pupil):
    child = services.household_child_record(
        actor=dsl,
        pupil=pupil,
        name="Baby Testchild",
        date_of_birth=D(2025, 8, 1),
        setting_kind="none",
        seen_on=D(2026, 1, 20),
        seen_by="Health visitor",
    )
    assert child.sightings.get().seen_by == "Health visitor"
    with pytest.raises(ValidationError) as excinfo:
        services.sighting_record(actor=dsl, child=child, seen_on=D(2025, 7, 1), seen_by="GP")
    assert "seen_on" in _field_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.household_child_record(
            actor=dsl,
            pupil=pupil,
            name="Sam",
            date_of_birth=D(2019, 1, 1),
            setting_kind="school",
        )
    assert "setting_name" in _field_error(excinfo)


def test_engagement_requires_the_appointment_or_the_check(dsl, pupil):
    with pytest.raises(ValidationError) as excinfo:
        services.engagement_record(
            actor=dsl,
            pupil=pupil,
            kind="missed",
            occurred_on=D(2026, 2, 3),
            adult="Mum",
            details="Dental appointment missed.",
        )
    assert "appointment_kind" in _field_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.engagement_record(
            actor=dsl,
            pupil=pupil,
            kind="explanation",
            occurred_on=D(2026, 2, 3),
            adult="Dad",
            details="Said she fell off a bike.",
            explained_event="injury",
        )
    assert "checked" in _field_error(excinfo)
    event = services.engagement_record(
        actor=dsl,
        pupil=pupil,
        kind=EngagementKind.EXPLANATION,
        occurred_on=D(2026, 2, 3),
        adult="Dad",
        details="Said she fell off a bike.",
        explained_event="injury",
        checked="inconsistent",
        appointment_kind="health",
    )
    assert event.appointment_kind == ""  # only an appointment names one
    assert len(_events(AuditAction.ENGAGEMENT_RECORDED)) == 1


def test_a_note_must_be_dated_while_on_roll(dsl, school):
    newcomer = PupilFactory()
    EnrolmentFactory(pupil=newcomer, school=school, start_date=D(2026, 1, 5))
    with pytest.raises(ValidationError) as excinfo:
        services.day_note_record(
            actor=dsl, pupil=newcomer, noted_on=D(2025, 12, 1), tone="good", text="Settled."
        )
    assert "was not on the school's roll on 1 December 2025" in str(
        _field_error(excinfo)["noted_on"]
    )
    note = services.day_note_record(
        actor=dsl, pupil=newcomer, noted_on=D(2026, 2, 1), tone="neutral", text="Quiet day."
    )
    assert len(_events(AuditAction.DAY_NOTE_RECORDED)) == 1
    assert note.tone == "neutral"
