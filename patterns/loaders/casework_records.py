"""Readers for the casework facts (issue 17): contacts with other agencies and their answers,
plans, meetings, escalation stages, leavings, agreed absences, other children in the household,
missed or kept appointments and notes. `_CASEWORK_ORDER` names each kind of casework record and
the order the store keeps it in, as `casework.facts` keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from patterns.facts import (
    SCHOOL_TZ,
    AbsenceFact,
    ContactFact,
    EngagementFact,
    EscalationStageFact,
    HouseholdChildFact,
    LeavingFact,
    MeetingFact,
    NoteFact,
    PlanFact,
    ResponseFact,
)
from patterns.loaders.reader import DATE_ONLY_TIME, _Reader

if TYPE_CHECKING:
    from patterns.loaders.store import FactStore


def _written(f: _Reader, day: date) -> datetime:
    return f.moment("recorded_at", datetime.combine(day, DATE_ONLY_TIME, SCHOOL_TZ))


def _response(raw: Any, where: str) -> ResponseFact:
    f = _Reader(raw, where)
    received = f.day("received_on")
    agrees = f.flag("school_agrees", None)
    return ResponseFact(
        id=f.text("id"),
        kind=f.text("kind"),
        received_on=received,
        school_agrees=agrees,
        answer_expected_by=f.optional_day("answer_expected_by"),
        recorded_at=_written(f, received),
    )


def _contact(store: FactStore, f: _Reader) -> None:
    contacted = f.day("contacted_on")
    answers = f.raw.get("responses", [])
    if not isinstance(answers, list):
        raise f.fail("responses", "expected a list of answers")
    responses = [_response(r, f"{f.where}, answer {n}") for n, r in enumerate(answers, 1)]
    store.records[f.text("pupil_id")]["contacts"].append(
        ContactFact(
            id=f.text("id"),
            school_id=f.text("school_id", ""),
            agency=f.text("agency"),
            purpose=f.text("purpose", "referral"),
            contacted_on=contacted,
            referral_decision_id=f.text("referral_decision_id", "") or None,
            answer_expected_by=f.optional_day("answer_expected_by"),
            recorded_at=_written(f, contacted),
            responses=tuple(sorted(responses, key=lambda r: (r.received_on, r.recorded_at))),
        )
    )


def _plan(store: FactStore, f: _Reader) -> None:
    started = f.day("started_on")
    store.records[f.text("pupil_id")]["plans"].append(
        PlanFact(
            id=f.text("id"),
            kind=f.text("kind"),
            cp_category=f.text("cp_category", ""),
            started_on=started,
            ended_on=f.optional_day("ended_on"),
            end_reason=f.text("end_reason", ""),
            recorded_at=_written(f, started),
        )
    )


def _meeting(store: FactStore, f: _Reader) -> None:
    held = f.day("held_on")
    store.records[f.text("pupil_id")]["meetings"].append(
        MeetingFact(
            id=f.text("id"),
            kind=f.text("kind"),
            held_on=held,
            agencies_present=tuple(sorted(f.names("agencies_present"))),
            minutes_spent=f.integer("minutes_spent", 0),
            recorded_at=_written(f, held),
        )
    )


def _escalation_stage(store: FactStore, f: _Reader) -> None:
    started = f.day("started_on")
    outcome = f.text("outcome", "") or None
    store.records[f.text("pupil_id")]["escalation_stages"].append(
        EscalationStageFact(
            id=f.text("id"),
            escalation_id=f.text("escalation_id"),
            position=f.integer("position", 1),
            name=f.text("name", ""),
            started_on=started,
            due_on=f.day("due_on"),
            outcome=outcome,
            decided_on=f.day("decided_on") if outcome else None,
            recorded_at=_written(f, started),
        )
    )


def _leaving(store: FactStore, f: _Reader) -> None:
    left = f.day("left_on")
    store.records[f.text("pupil_id")]["leavings"].append(
        LeavingFact(
            id=f.text("id"),
            school_id=f.text("school_id", ""),
            left_on=left,
            reason=f.text("reason"),
            open_concerns=f.integer("open_concerns", 0),
            recorded_at=_written(f, left),
        )
    )


def _agreed_absence(store: FactStore, f: _Reader) -> None:
    starts = f.day("starts_on")
    store.records[f.text("pupil_id")]["absences"].append(
        AbsenceFact(
            id=f.text("id"),
            starts_on=starts,
            expected_back_on=f.day("expected_back_on"),
            returned_on=f.optional_day("returned_on"),
            recorded_at=_written(f, starts),
        )
    )


def _household_child(store: FactStore, f: _Reader) -> None:
    born = f.day("date_of_birth")
    store.records[f.text("pupil_id")]["household_children"].append(
        HouseholdChildFact(
            id=f.text("id"),
            date_of_birth=born,
            setting_kind=f.text("setting_kind", "none"),
            last_seen_on=f.optional_day("last_seen_on"),
            recorded_at=f.moment("recorded_at", datetime.combine(born, time(0), SCHOOL_TZ)),
        )
    )


def _engagement(store: FactStore, f: _Reader) -> None:
    occurred = f.day("occurred_on")
    store.records[f.text("pupil_id")]["engagement"].append(
        EngagementFact(
            id=f.text("id"),
            kind=f.text("kind"),
            occurred_on=occurred,
            appointment_kind=f.text("appointment_kind", ""),
            explained_event=f.text("explained_event", ""),
            checked=f.text("checked", ""),
            recorded_at=_written(f, occurred),
        )
    )


def _note(store: FactStore, f: _Reader) -> None:
    noted = f.day("noted_on")
    store.records[f.text("pupil_id")]["notes"].append(
        NoteFact(
            id=f.text("id"),
            tone=f.text("tone", "neutral"),
            noted_on=noted,
            recorded_at=_written(f, noted),
        )
    )


# The casework records and the order each is kept in (as `casework.facts` keeps them).
_CASEWORK_ORDER: Mapping[str, Callable[[Any], Any]] = {
    "contacts": lambda c: (c.contacted_on, c.recorded_at),
    "plans": lambda p: (p.started_on, p.recorded_at),
    "meetings": lambda m: (m.held_on, m.recorded_at),
    "escalation_stages": lambda s: (s.started_on, s.recorded_at),
    "leavings": lambda x: (x.left_on, x.recorded_at),
    "absences": lambda a: (a.starts_on, a.recorded_at),
    "household_children": lambda h: (h.date_of_birth, h.recorded_at),
    "engagement": lambda e: (e.occurred_on, e.recorded_at),
    "notes": lambda n: (n.noted_on, n.recorded_at),
}
