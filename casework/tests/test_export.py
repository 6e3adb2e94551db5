"""`export_history` writes a school's history in the import format; importing the file into a
school with the same children gives the same records, every field compared."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from casework import services
from casework.models import (
    AgencyContact,
    AgreedAbsence,
    DayNote,
    EngagementEvent,
    Escalation,
    HouseholdChild,
    Leaving,
    Meeting,
    Plan,
)
from concerns import services as concern_services
from concerns.importers.history import import_history, read_json_lines
from concerns.models import BehaviourIncident, Concern, Decision, Outcome
from concerns.tests.factories import make_concern, make_decision
from pupils.tests.factories import EnrolmentFactory
from schools.models import Role
from schools.tests.factories import MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _history(dsl, teacher, pupil) -> None:
    concern = make_concern(
        author=teacher, pupil=pupil, occurred_at=timezone.now() - timedelta(days=30)
    )
    make_decision(dsl=dsl, concern=concern, outcome=Outcome.SOCIAL_CARE)
    concern_services.behaviour_record(
        actor=dsl,
        pupil=pupil,
        occurred_at=timezone.now() - timedelta(days=3),
        incident_type="Disruption",
        description="Shouted in assembly.",
    )
    contact = services.contact_record(
        actor=dsl,
        pupil=pupil,
        agency="social_care",
        purpose="referral",
        contacted_on=D(2026, 2, 2),
        summary="Referral: neglect.",
    )
    answer = services.response_record(
        actor=dsl,
        contact=contact,
        kind="nfa",
        received_on=D(2026, 2, 4),
        school_agrees=False,
        agreement_reason="Months of small signs.",
    )
    escalation = services.escalation_open(
        actor=dsl,
        pupil=pupil,
        response=answer,
        reason="The threshold is met.",
        opened_on=D(2026, 2, 5),
        what_was_said="Phoned the social worker.",
    )
    services.stage_outcome_record(
        actor=dsl,
        stage=escalation.stages.get(),
        kind="next",
        decided_on=D(2026, 2, 9),
        what_was_said="Decision kept.",
    )
    services.plan_record(
        actor=dsl,
        pupil=pupil,
        kind="cp",
        cp_category="PHY",
        started_on=D(2021, 3, 8),
        ended_on=D(2022, 1, 17),
        end_reason="stepped_down",
        local_authority="Westshire",
        note="From the previous authority.",
    )
    services.plan_record(actor=dsl, pupil=pupil, kind="cin", started_on=D(2026, 2, 20))
    services.meeting_record(
        actor=dsl,
        pupil=pupil,
        kind="strategy",
        held_on=D(2026, 2, 12),
        agencies_present=["social_care", "police"],
        decisions="Section 47.",
        actions_for_school="Share the chronology.",
        preparation_minutes=30,
        meeting_minutes=45,
    )
    services.engagement_record(
        actor=dsl,
        pupil=pupil,
        kind="explanation",
        occurred_on=D(2026, 2, 3),
        adult="Dad",
        explained_event="injury",
        checked="inconsistent",
        details="Said she fell.",
    )
    services.day_note_record(
        actor=dsl, pupil=pupil, noted_on=D(2026, 3, 2), tone="good", text="Happy today."
    )
    services.household_child_record(
        actor=dsl,
        pupil=pupil,
        name="Baby Testchild",
        date_of_birth=D(2025, 6, 1),
        setting_kind="none",
        note="At home.",
        seen_on=D(2026, 1, 20),
        seen_by="Health visitor",
    )
    absence = services.absence_record(
        actor=dsl,
        pupil=pupil,
        starts_on=D(2026, 1, 5),
        expected_back_on=D(2026, 1, 16),
        reason="Funeral abroad.",
    )
    services.absence_return_record(actor=dsl, absence=absence, returned_on=D(2026, 1, 19))
    services.leaving_record(
        actor=dsl,
        pupil=pupil,
        left_on=D(2026, 3, 2),
        reason="moved_school",
        destination="Riverside Primary",
        note="Moved house.",
    )


def _records(school) -> dict[str, list[tuple]]:
    """Every exported kind's records at a school, as comparable tuples of their fields."""

    def contacts():
        for c in AgencyContact.objects.filter(school=school):
            r = c.responses.get()
            yield (
                c.pupil_id,
                c.agency,
                c.purpose,
                c.contacted_on,
                c.summary,
                r.kind,
                r.received_on,
                r.school_agrees,
                r.agreement_reason,
            )

    return {
        "escalation": sorted(
            (
                e.pupil_id,
                e.opened_on,
                e.reason,
                e.response.kind if e.response else None,
                tuple(
                    (
                        st.position,
                        st.name,
                        st.contact,
                        st.started_on,
                        st.due_on,
                        st.what_was_said,
                        getattr(getattr(st, "outcome", None), "kind", None),
                        getattr(getattr(st, "outcome", None), "what_was_said", None),
                    )
                    for st in e.stages.order_by("position")
                ),
            )
            for e in Escalation.objects.filter(school=school)
        ),
        "leaving": sorted(
            (
                x.pupil_id,
                x.left_on,
                x.reason,
                x.destination,
                x.note,
                x.enrolment.end_date,
                x.enrolment.end_reason,
            )
            for x in Leaving.objects.filter(school=school)
        ),
        "absence": sorted(
            (
                a.pupil_id,
                a.starts_on,
                a.expected_back_on,
                a.reason,
                a.return_or_none.returned_on if a.return_or_none else None,
            )
            for a in AgreedAbsence.objects.filter(school=school)
        ),
        "concern": sorted(
            (
                c.parts.get().pupil_id,
                c.occurred_at,
                c.written_at,
                c.author_name,
                c.versions.get().facts,
                c.versions.get().child_words,
                tuple(sorted(x.code for x in c.versions.get().categories.all())),
            )
            for c in Concern.objects.filter(school=school)
        ),
        "decision": sorted(
            (
                d.outcome,
                d.rationale,
                d.decided_at,
                d.review_date,
                d.referral_reference,
                d.decided_by_name,
            )
            for d in Decision.objects.filter(concern__school=school)
        ),
        "behaviour": sorted(
            (b.pupil_id, b.occurred_at, b.incident_type, b.description)
            for b in BehaviourIncident.objects.filter(school=school)
        ),
        "contact": sorted(contacts()),
        "plan": sorted(
            (
                p.pupil_id,
                p.kind,
                p.cp_category,
                p.started_on,
                p.local_authority,
                p.note,
                p.ending_or_none.ended_on if p.ending_or_none else None,
            )
            for p in Plan.objects.filter(school=school).select_related("ending")
        ),
        "meeting": sorted(
            (
                m.pupil_id,
                m.kind,
                m.held_on,
                tuple(m.agencies_present),
                m.decisions,
                m.actions_for_school,
                m.preparation_minutes,
                m.meeting_minutes,
            )
            for m in Meeting.objects.filter(school=school)
        ),
        "engagement": sorted(
            (e.pupil_id, e.kind, e.occurred_on, e.adult, e.explained_event, e.checked, e.details)
            for e in EngagementEvent.objects.filter(school=school)
        ),
        "note": sorted(
            (n.pupil_id, n.noted_on, n.tone, n.text) for n in DayNote.objects.filter(school=school)
        ),
        "household_child": sorted(
            (
                h.pupil_id,
                h.name,
                h.date_of_birth,
                h.setting_kind,
                h.note,
                tuple((s.seen_on, s.seen_by) for s in h.sightings.all()),
            )
            for h in HouseholdChild.objects.filter(school=school)
        ),
    }


def test_export_then_import_into_another_school_loses_nothing(
    dsl, teacher, pupil, school, tmp_path: Path
):
    _history(dsl, teacher, pupil)
    path = tmp_path / "history.jsonl"
    call_command("export_history", school=school.urn, actor=dsl.user.email, output=path)
    text = path.read_text(encoding="utf-8")
    assert {json.loads(line)["kind"] for line in text.splitlines()} >= {
        "concern",
        "decision",
        "agency_contact",
        "plan",
        "meeting",
        "engagement",
        "day_note",
        "household_child",
        "agreed_absence",
        "leaving",
        "escalation",
    }
    exported = AuditEvent.objects.filter(action=AuditAction.HISTORY_EXPORTED)
    assert [e.pupil_id for e in exported] == [pupil.pk]

    elsewhere = SchoolFactory()
    EnrolmentFactory(pupil=pupil, school=elsewhere)
    other_dsl = MembershipFactory(school=elsewhere, role=Role.DSL)
    result = import_history(actor=other_dsl, lines=read_json_lines(text), source_system="Cairn")
    assert result.skipped == 1  # the child's enrolment: on that school's roll already
    before, after = _records(school), _records(elsewhere)
    assert before == after
    assert all(before.values())


def test_export_command_dry_run_stdout_and_refusal(dsl, teacher, pupil, school, capsys):
    from django.core.management import CommandError

    services.day_note_record(
        actor=dsl, pupil=pupil, noted_on=D(2026, 3, 2), tone="good", text="Happy today."
    )
    call_command("export_history", school=school.urn, actor=dsl.user.email, dry_run=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "Exported 1 day_note, 1 enrolment (dry run)." in err
    call_command("export_history", school=school.urn, actor=dsl.user.email)
    out, _err = capsys.readouterr()
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["enrolment", "day_note"]
    assert json.loads(out.splitlines()[1])["text"] == "Happy today."
    with pytest.raises(CommandError, match="is not a DSL or deputy DSL"):
        call_command("export_history", school=school.urn, actor=teacher.user.email)
