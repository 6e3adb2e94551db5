"""Casework in `import_history`: each kind imported through the same rules as the forms, dated as
written in the old system, skipped when held already, and refused whole with the line and field
named when any line is wrong."""

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.facts import facts_for
from casework.models import (
    AgencyContact,
    AgencyResponse,
    DayNote,
    EngagementEvent,
    HouseholdChild,
    Meeting,
    Plan,
)
from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_csv, read_json_lines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _line(pupil, kind, ref, occurred, text, **fields):
    return {
        "kind": kind,
        "upn": pupil.upn,
        "occurred_at": occurred,
        "written_at": occurred + "T16:00:00+00:00" if len(occurred) == 10 else occurred,
        "author": {"name": "D. Oldlead", "role": "DSL"},
        "text": text,
        "source_ref": ref,
        **fields,
    }


def _file(pupil) -> str:
    lines = [
        _line(
            pupil,
            "agency_contact",
            "C-1",
            "2025-10-06",
            "Referral: bruising.",
            agency="social_care",
            purpose="referral",
            response_kind="nfa",
            response_on="2025-10-08",
            school_agrees=False,
            agreement_reason="Third injury this term.",
        ),
        _line(
            pupil,
            "plan",
            "P-1",
            "2021-03-08",
            "From Westshire.",
            plan_kind="cp",
            cp_category="PHY",
            ended_on="2022-01-17",
            end_reason="stepped_down",
        ),
        _line(pupil, "plan", "P-2", "2025-11-03", "After the assessment.", plan_kind="cin"),
        _line(
            pupil,
            "meeting",
            "M-1",
            "2025-10-10",
            "Section 47 enquiry.",
            meeting_kind="strategy",
            agencies_present=["social_care", "police"],
            preparation_minutes=30,
            meeting_minutes=60,
        ),
        _line(
            pupil,
            "engagement",
            "E-1",
            "2025-11-12",
            "Dental appointment missed.",
            engagement_kind="missed",
            adult="Mum",
            appointment_kind="health",
        ),
        _line(pupil, "day_note", "N-1", "2025-11-14", "Happy and settled.", tone="good"),
        _line(
            pupil,
            "household_child",
            "H-1",
            "2026-01-20",
            "Baby brother.",
            name="Baby Testchild",
            date_of_birth="2025-06-01",
            setting_kind="none",
            seen_by="Health visitor",
        ),
    ]
    return "\n".join(json.dumps(line) for line in lines)


def _run(dsl, text, *, fmt="jsonl"):
    lines = read_csv(text) if fmt == "csv" else read_json_lines(text)
    return import_history(actor=dsl, lines=lines, source_system="OldSys")


def test_every_casework_kind_is_imported_as_written_then(dsl, pupil):
    result = _run(dsl, _file(pupil))
    assert result.created == {
        "agency_contact": 1,
        "plan": 2,
        "meeting": 1,
        "engagement": 1,
        "day_note": 1,
        "household_child": 1,
    }
    contact = AgencyContact.objects.get()
    assert (contact.source_ref, contact.recorded_at.date()) == ("C-1", date(2025, 10, 6))
    answer = AgencyResponse.objects.get()
    assert (answer.kind, answer.school_agrees) == ("nfa", False)
    assert Plan.objects.get(source_ref="P-1").ending.ended_on == date(2022, 1, 17)
    assert Meeting.objects.get().minutes_spent == 90
    assert EngagementEvent.objects.get().appointment_kind == "health"
    assert DayNote.objects.get().text == "Happy and settled."
    child = HouseholdChild.objects.get()
    assert child.sightings.get().seen_on == date(2026, 1, 20)
    # Written in the old system on those days: the facts "as of" then see them.
    facts = facts_for([pupil.pk], date(2025, 10, 9))[pupil.pk]
    assert [c.latest.kind for c in facts.contacts if c.latest] == ["nfa"]


def test_running_the_same_file_twice_skips_what_is_held(dsl, pupil):
    _run(dsl, _file(pupil))
    again = _run(dsl, _file(pupil))
    assert (again.total, again.skipped) == (0, 7)
    assert Plan.objects.count() == 2


def test_a_wrong_line_refuses_the_whole_file_naming_line_and_field(dsl, pupil):
    text = (
        _file(pupil)
        + "\n"
        + json.dumps(
            _line(
                pupil,
                "agency_contact",
                "C-2",
                "2025-10-06",
                "Asked the GP.",
                agency="gp",
                purpose="asked",
                response_kind="information",
                response_on="2025-10-01",
                school_agrees=True,
            )
        )
        + "\n"
        + json.dumps(_line(pupil, "plan", "P-9", "2025-01-01", "x", plan_kind="cp"))
    )
    with pytest.raises(ImportFailed) as excinfo:
        _run(dsl, text)
    messages = [str(e) for e in excinfo.value.errors]
    assert any(
        m.startswith("line 8, field 'received_on': The answer cannot come before") for m in messages
    )
    assert "line 9, field 'cp_category': Choose the category of the plan." in messages
    assert not AgencyContact.objects.exists()
    assert not Plan.objects.exists()


def test_casework_lines_need_a_source_ref(dsl, pupil):
    line = _line(pupil, "day_note", "", "2025-11-14", "Settled.", tone="good")
    with pytest.raises(ImportFailed) as excinfo:
        _run(dsl, json.dumps(line))
    assert str(excinfo.value.errors[0]) == "line 1, field 'source_ref': is required for this kind"


def test_csv_carries_casework_columns(dsl, pupil):
    text = (
        "kind,upn,occurred_at,author_name,text,source_ref,tone,meeting_kind,agencies_present\n"
        f"day_note,{pupil.upn},2025-11-14,D. Oldlead,Happy.,N-1,good,,\n"
        f"meeting,{pupil.upn},2025-10-10,D. Oldlead,Plan continues.,M-1,,core_group,"
        "social_care;health_visitor\n"
    )
    result = _run(dsl, text, fmt="csv")
    assert result.created == {"day_note": 1, "meeting": 1}
    assert Meeting.objects.get().agencies_present == ["social_care", "health_visitor"]


def test_an_escalation_keeps_its_stages_and_refuses_bad_ones(dsl, pupil):
    from casework.models import Escalation

    contact = _line(
        pupil,
        "agency_contact",
        "C-1",
        "2025-10-06",
        "Referral.",
        agency="social_care",
        purpose="referral",
        response_kind="nfa",
        response_on="2025-10-08",
        school_agrees=False,
        agreement_reason="Third injury.",
    )
    stages = [
        {
            "name": "Team manager",
            "started_on": "2025-10-09",
            "due_on": "2025-10-12",
            "outcome": "next",
            "decided_on": "2025-10-12",
            "outcome_said": "Kept.",
        },
        {"name": "Head of service", "started_on": "2025-10-12", "due_on": "2025-10-22"},
    ]
    escalation = _line(
        pupil,
        "escalation",
        "X-1",
        "2025-10-09",
        "Threshold met.",
        response_ref="C-1",
        stages=stages,
    )
    bad = _line(
        pupil,
        "escalation",
        "X-2",
        "2025-10-09",
        "Again.",
        response_ref="C-1",
        stages=[{"name": "One", "started_on": "2025-10-09", "due_on": "2025-10-01"}],
    )
    with pytest.raises(ImportFailed) as excinfo:
        _run(dsl, "\n".join(json.dumps(x) for x in (contact, escalation, bad)))
    assert [str(e) for e in excinfo.value.errors] == [
        "line 3, field 'stages[1]': needs started_on and a due_on not before it"
    ]
    _run(dsl, "\n".join(json.dumps(x) for x in (contact, escalation)))
    imported = Escalation.objects.get()
    names = [(s.name, s.due_on) for s in imported.stages.order_by("position")]
    assert names == [("Team manager", date(2025, 10, 12)), ("Head of service", date(2025, 10, 22))]
    assert imported.stages.get(position=1).outcome.kind == "next"


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10_000, max_value=10_000),
    st.sampled_from(
        [
            "",
            "2025-10-06",
            "2025-02-30",
            "2031-01-01",
            "social_care",
            "cp",
            "NEG",
            "nfa",
            "no_answer",
            "next",
            "missed",
            "health",
            "good",
            "moved_school",
            "C-1",
            "x" * 300,
        ]
    ),
    st.text(max_size=20),
    st.lists(st.sampled_from(["social_care", "police", "aliens", ""]), max_size=3),
    st.lists(
        st.dictionaries(
            st.sampled_from(["name", "started_on", "due_on", "outcome"]),
            st.sampled_from(["", "2025-10-09", "2025-10-01", "next", "x"]),
            max_size=4,
        ),
        max_size=3,
    ),
)
_fields = [
    "agency",
    "purpose",
    "response_kind",
    "response_on",
    "school_agrees",
    "agreement_reason",
    "answer_expected_by",
    "plan_kind",
    "cp_category",
    "ended_on",
    "end_reason",
    "meeting_kind",
    "agencies_present",
    "preparation_minutes",
    "meeting_minutes",
    "engagement_kind",
    "adult",
    "appointment_kind",
    "explained_event",
    "checked",
    "tone",
    "name",
    "date_of_birth",
    "setting_kind",
    "setting_name",
    "seen_by",
    "expected_back_on",
    "returned_on",
    "leaving_reason",
    "destination",
    "response_ref",
    "stages",
]
_kinds = [
    "agency_contact",
    "plan",
    "meeting",
    "engagement",
    "day_note",
    "household_child",
    "agreed_absence",
    "escalation",
    "leaving",
]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_kinds),
            st.sampled_from(["2025-10-06", "2025-10-09", "2019-01-01", "2027-01-01"]),
            st.dictionaries(st.sampled_from(_fields), _values, max_size=8),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_casework_line_either_imports_or_fails_cleanly(dsl, pupil, lines):
    """Whatever a casework line holds, the import either writes it or refuses the whole file
    with errors naming real lines; it never crashes and never leaves half a file behind."""
    text = "\n".join(
        json.dumps(
            {**_line(pupil, kind, f"R-{n}", on, "Something happened."), **fields}, default=str
        )
        for n, (kind, on, fields) in enumerate(lines)
    )
    counts = [m.objects.count() for m in (AgencyContact, Plan, Meeting, DayNote, HouseholdChild)]
    errors = []
    try:
        _run(dsl, text)
    except ImportFailed as failed:
        errors = failed.errors
        assert errors, "a refused file names at least one problem"
        after = [m.objects.count() for m in (AgencyContact, Plan, Meeting, DayNote, HouseholdChild)]
        assert after == counts  # nothing half-written
    assert all(1 <= e.line <= len(lines) for e in errors)
