"""Facts from JSON: a JSON Lines file (`run_detectors --facts FILE`) or a scenario's fact list.

Each fact is one JSON object with a `type`:

    {"type": "pupil", "id": "p1", "upn": "A123...", "school_id": "s1",
     "date_of_birth": "2016-05-17", "households": ["h1"], "disability": false,
     "disadvantaged": true, "mobile": null}
    {"type": "household", "id": "h1", "adult_count": 2}
    {"type": "concern", "id": "c1", "pupil_id": "p1", "occurred_at": "2025-01-10",
     "recorded_at": "2025-01-10T15:30:00+00:00", "author_id": "m1", "categories": ["hunger"]}
    {"type": "decision", "id": "d1", "pupil_id": "p1", "case_id": "k1", "kind": "monitor", ...}
    {"type": "action" | "attendance" | "roll" | "voice" | "cadence" | "household_factor", ...}
    {"type": "known_factor", "id": "f1", "pupil_id": "p1", "cin_code": "4B",
     "noted_at": "2025-01-10"}   (a factor known for one child's family, no household needed)
    A concern may carry `text`, `child_words`, `body_regions` and `themes`; a voice entry
    `words` and `themes`. A concern or a decision may carry `transferred_from` (the school
    whose child protection file it came in; `recorded_at` is then when this school received
    it): a transferred decision is the child's history, as `transfer.facts` gives it.
    {"type": "attendance_days", "pupil_id": "p1", "from": "2025-01-06", "to": "2025-01-31",
     "unauthorised": 2, "unexplained": 2}   (the same marks on each weekday)

Casework (issue 17; the values are the casework models' choice values):

    {"type": "contact", "id": "a1", "pupil_id": "p1", "agency": "social_care",
     "purpose": "referral", "contacted_on": "2025-01-12", "referral_decision_id": "d1",
     "responses": [{"id": "r1", "kind": "nfa", "received_on": "2025-01-20",
                    "school_agrees": false}]}
    {"type": "plan", "id": "pl1", "pupil_id": "p1", "kind": "cp", "cp_category": "NEG",
     "started_on": "2021-03-01", "ended_on": "2022-01-10", "end_reason": "stepped_down"}
    {"type": "meeting", "id": "m1", "pupil_id": "p1", "kind": "strategy", "held_on": "..."}
    {"type": "escalation_stage", "id": "e1", "pupil_id": "p1", "escalation_id": "x1",
     "position": 1, "name": "Practitioner", "started_on": "...", "due_on": "...",
     "outcome": null, "decided_on": null}
    {"type": "leaving", "id": "l1", "pupil_id": "p1", "school_id": "s1", "left_on": "...",
     "reason": "ehe", "open_concerns": 1}
    {"type": "agreed_absence", "id": "aa1", "pupil_id": "p1", "starts_on": "...",
     "expected_back_on": "...", "returned_on": null}
    {"type": "household_child", "id": "hc1", "pupil_id": "p1", "date_of_birth": "...",
     "setting_kind": "none", "last_seen_on": null}
    {"type": "engagement", "id": "g1", "pupil_id": "p1", "kind": "missed",
     "occurred_on": "...", "appointment_kind": "health"}   (an explanation: "explained_event",
     "checked")
    {"type": "note", "id": "n1", "pupil_id": "p1", "tone": "good", "noted_on": "..."}

A date alone means 09:00 at the school (Europe/London); a datetime without an offset is read as
school time. `recorded_at` defaults to when the thing happened. A concern's `indicators` are its
`categories` mapped through `patterns/data/indicators.json`, plus any listed. A household factor
may give a CIN `cin_code` (mapped) or an `indicator`. Anything malformed raises `FactFileError`
naming the line and the field; nothing is half-loaded.

The database loader (selectors over the pupils, concerns, attendance and voice apps) is
`patterns.db_loader.DatabaseFacts`; it provides the same `FactSource`. It lives in its own module
so that this one, and `make evaluate`, need no Django.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from patterns.engine import FactSource
from patterns.facts import (
    SCHOOL_TZ,
    AbsenceFact,
    ActionFact,
    ActionKind,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    ContactFact,
    DecisionFact,
    DecisionKind,
    EngagementFact,
    EscalationStageFact,
    HouseholdChildFact,
    HouseholdFactorFact,
    HouseholdFacts,
    LeavingFact,
    LeavingReason,
    MeetingFact,
    NoteFact,
    Part,
    PlanFact,
    PupilFacts,
    ResponseFact,
    RollFact,
    VoiceFact,
)
from patterns.indicators import indicator_for_cin, indicators_for

DATE_ONLY_TIME = time(9, 0)


class FactFileError(ValueError):
    """A fact could not be read; the message names where (line or item) and the field."""


class _Reader:
    """Typed access to one JSON object's fields, with errors that say where and which field."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, dict):
            raise FactFileError(f"{where}: expected a JSON object")
        self.raw: dict[str, Any] = raw
        self.where = where

    def fail(self, key: str, problem: str) -> FactFileError:
        return FactFileError(f"{self.where}, field '{key}': {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or (default is None and not value):
            raise self.fail(key, "expected text")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "expected a whole number, 0 or more")
        return value

    def optional_integer(self, key: str) -> int | None:
        return None if self.raw.get(key) is None else self.integer(key, 0)

    def flag(self, key: str, default: bool | None = False) -> bool | None:
        value = self.raw.get(key, default)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, "expected true, false or null")
        return value

    def names(self, key: str) -> frozenset[str]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "expected a list of text")
        return frozenset(value)

    def day(self, key: str) -> date:
        value = self.text(key)
        try:
            return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
        except ValueError as error:
            raise self.fail(key, f"not a date (YYYY-MM-DD): {value!r}") from error

    def optional_day(self, key: str) -> date | None:
        return None if self.raw.get(key) is None else self.day(key)

    def moment(self, key: str, default: datetime | None = None) -> datetime:
        if self.raw.get(key) is None and default is not None:
            return default
        value = self.text(key)
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), DATE_ONLY_TIME, SCHOOL_TZ)
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            raise self.fail(key, f"not a date or ISO 8601 datetime: {value!r}") from error
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SCHOOL_TZ)

    def optional_moment(self, key: str) -> datetime | None:
        return None if self.raw.get(key) is None else self.moment(key)

    def choice[E: (Part, DecisionKind, ActionKind, LeavingReason)](
        self, key: str, enum: type[E], default: E | None = None
    ) -> E:
        value = self.raw.get(key, default.value if default is not None else None)
        try:
            return enum(str(value))
        except ValueError as error:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(key, f"{value!r} is not one of: {allowed}") from error


@dataclass
class FactStore:
    """Facts read from JSON, grouped by child and household; `source()` serves the engine."""

    pupils: dict[str, PupilFacts] = field(default_factory=dict)
    household_adults: dict[str, int] = field(default_factory=dict)
    records: dict[str, dict[str, list[Any]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    factors: dict[str, list[HouseholdFactorFact]] = field(default_factory=lambda: defaultdict(list))

    def add(self, raw: Any, where: str) -> None:
        """Add one fact; FactFileError if it is malformed."""
        fact = _Reader(raw, where)
        kind = fact.text("type")
        reader = _READERS.get(kind)
        if reader is None:
            raise fact.fail("type", f"unknown fact type {kind!r}")
        reader(self, fact)

    def check(self) -> None:
        """Every record names a child and every child a household that the facts define."""
        for pupil_id in self.records:
            if pupil_id not in self.pupils:
                raise FactFileError(f"records name child {pupil_id!r}, who has no 'pupil' fact")
        for pupil in self.pupils.values():
            for household_id in pupil.household_ids:
                if household_id not in self.household_adults:
                    raise FactFileError(
                        f"child {pupil.pupil_id!r} names household {household_id!r}, "
                        "which has no 'household' fact"
                    )
        for household_id in self.factors:
            if household_id not in self.household_adults:
                raise FactFileError(f"a factor names household {household_id!r}, which is unknown")

    def pupil_facts(self, pupil_id: str) -> PupilFacts:
        records = self.records.get(pupil_id, {})
        casework: dict[str, Any] = {
            name: tuple(sorted(records.get(name, ()), key=order))
            for name, order in _CASEWORK_ORDER.items()
        }
        return dataclasses.replace(
            self.pupils[pupil_id],
            concerns=tuple(records.get("concerns", ())),
            decisions=tuple(records.get("decisions", ())),
            actions=tuple(records.get("actions", ())),
            attendance=tuple(records.get("attendance", ())),
            roll=tuple(records.get("roll", ())),
            voice=tuple(records.get("voice", ())),
            cadences=tuple(records.get("cadences", ())),
            factors=tuple(records.get("factors", ())),
            history=tuple(records.get("history", ())),
            **casework,
        )

    def load_pupils(self, pupil_ids: Collection[str] | None, as_of: date) -> list[PupilFacts]:
        """The children asked for (all if None). The engine applies `as_of` itself."""
        wanted = sorted(self.pupils) if pupil_ids is None else sorted(set(pupil_ids))
        return [self.pupil_facts(pid) for pid in wanted if pid in self.pupils]

    def load_households(self, household_ids: Collection[str], as_of: date) -> list[HouseholdFacts]:
        households = []
        for household_id in sorted(set(household_ids)):
            if household_id not in self.household_adults:
                continue
            children = tuple(
                self.pupil_facts(pid)
                for pid in sorted(self.pupils)
                if household_id in self.pupils[pid].household_ids
            )
            households.append(
                HouseholdFacts(
                    household_id=household_id,
                    children=children,
                    factors=tuple(self.factors.get(household_id, ())),
                    adult_count=self.household_adults[household_id],
                )
            )
        return households

    def source(self) -> FactSource:
        return FactSource(pupils=self.load_pupils, households=self.load_households)


def _pupil(store: FactStore, f: _Reader) -> None:
    pupil_id = f.text("id")
    if pupil_id in store.pupils:
        raise f.fail("id", f"child {pupil_id!r} is defined twice")
    store.pupils[pupil_id] = PupilFacts(
        pupil_id=pupil_id,
        upn=f.text("upn", ""),
        school_id=f.text("school_id"),
        trust_id=f.raw.get("trust_id") if isinstance(f.raw.get("trust_id"), str) else None,
        date_of_birth=f.day("date_of_birth"),
        disability=bool(f.flag("disability")),
        disadvantaged=bool(f.flag("disadvantaged")),
        free_school_meals=bool(f.flag("free_school_meals")),
        mobile=f.flag("mobile", None),
        household_ids=f.names("households"),
    )


def _household(store: FactStore, f: _Reader) -> None:
    store.household_adults[f.text("id")] = f.integer("adult_count", 0)


def _concern(store: FactStore, f: _Reader) -> None:
    occurred = f.moment("occurred_at")
    categories = f.names("categories")
    store.records[f.text("pupil_id")]["concerns"].append(
        ConcernFact(
            id=f.text("id"),
            pupil_id=f.text("pupil_id"),
            occurred_at=occurred,
            recorded_at=f.moment("recorded_at", occurred),
            author_id=f.text("author_id"),
            author_role=f.text("author_role", "staff"),
            part=f.choice("part", Part, Part.SUBJECT),
            categories=categories,
            indicators=indicators_for(categories) | f.names("indicators"),
            explanation_suitable=f.flag("explanation_suitable", None),
            text=f.text("text", ""),
            child_words=f.text("child_words", ""),
            body_regions=f.names("body_regions"),
            themes=f.names("themes"),
            transferred_from=f.text("transferred_from", ""),
        )
    )


def _decision(store: FactStore, f: _Reader) -> None:
    decided = f.moment("decided_at")
    moved = f.text("transferred_from", "")
    store.records[f.text("pupil_id")]["history" if moved else "decisions"].append(
        DecisionFact(
            id=f.text("id"),
            pupil_id=f.text("pupil_id"),
            case_id=f.text("case_id"),
            kind=f.choice("kind", DecisionKind),
            decided_at=decided,
            recorded_at=f.moment("recorded_at", decided),
            author_id=f.text("author_id", ""),
            concern_ids=f.names("concern_ids"),
            review_date=f.optional_day("review_date"),
            outcome_due=f.optional_day("outcome_due"),
            outcome_recorded_at=f.optional_moment("outcome_recorded_at"),
            closes_case=bool(f.flag("closes_case")),
            transferred_from=moved,
        )
    )


def _action(store: FactStore, f: _Reader) -> None:
    created = f.moment("created_at")
    store.records[f.text("pupil_id")]["actions"].append(
        ActionFact(
            id=f.text("id"),
            pupil_id=f.text("pupil_id"),
            kind=f.choice("kind", ActionKind),
            created_at=created,
            recorded_at=f.moment("recorded_at", created),
            summary=f.text("summary", ""),
            concern_ids=f.names("concern_ids"),
            due=f.optional_day("due"),
            done_at=f.optional_moment("done_at"),
        )
    )


def _attendance_day(f: _Reader, pupil_id: str, day: date) -> AttendanceDayFact:
    possible = f.integer("possible", 2)
    absent = {key: f.integer(key, 0) for key in ("authorised", "unauthorised", "unexplained")}
    attended = f.integer("attended", possible - absent["authorised"] - absent["unauthorised"])
    late = f.integer("late", 0)
    if late > possible:
        raise f.fail("late", "more late sessions than possible sessions")
    if attended + absent["authorised"] + absent["unauthorised"] > possible:
        raise f.fail("possible", "attended + authorised + unauthorised exceed possible sessions")
    if absent["unexplained"] > absent["unauthorised"]:
        raise f.fail("unexplained", "more unexplained than unauthorised sessions")
    return AttendanceDayFact(
        pupil_id=pupil_id,
        day=day,
        recorded_at=f.moment("recorded_at", datetime.combine(day, time(17), SCHOOL_TZ)),
        possible=possible,
        attended=attended,
        late=late,
        **absent,
    )


def _attendance(store: FactStore, f: _Reader) -> None:
    pupil_id = f.text("pupil_id")
    store.records[pupil_id]["attendance"].append(_attendance_day(f, pupil_id, f.day("day")))


def _attendance_days(store: FactStore, f: _Reader) -> None:
    """The same marks on every weekday from `from` to `to` (a convenience for scenarios)."""
    pupil_id = f.text("pupil_id")
    first, last = f.day("from"), f.day("to")
    if last < first:
        raise f.fail("to", "ends before 'from'")
    day = first
    while day <= last:
        if day.weekday() < 5:  # Monday to Friday
            store.records[pupil_id]["attendance"].append(_attendance_day(f, pupil_id, day))
        day += timedelta(days=1)


def _roll(store: FactStore, f: _Reader) -> None:
    start = f.day("start_date")
    end = f.optional_day("end_date")
    written = datetime.combine(end or start, DATE_ONLY_TIME, SCHOOL_TZ)
    store.records[f.text("pupil_id")]["roll"].append(
        RollFact(
            id=f.text("id"),
            pupil_id=f.text("pupil_id"),
            school_id=f.text("school_id"),
            start_date=start,
            recorded_at=f.moment("recorded_at", written),
            end_date=end,
            end_reason=f.choice("end_reason", LeavingReason) if end else None,
        )
    )


def _voice(store: FactStore, f: _Reader) -> None:
    heard = f.moment("heard_at")
    store.records[f.text("pupil_id")]["voice"].append(
        VoiceFact(
            id=f.text("id"),
            pupil_id=f.text("pupil_id"),
            heard_at=heard,
            recorded_at=f.moment("recorded_at", heard),
            words=f.text("words", ""),
            themes=f.names("themes"),
        )
    )


def _cadence(store: FactStore, f: _Reader) -> None:
    start = f.day("effective_from")
    store.records[f.text("pupil_id")]["cadences"].append(
        CadenceFact(
            id=f.text("id"),
            pupil_id=f.text("pupil_id"),
            effective_from=start,
            recorded_at=f.moment("recorded_at", datetime.combine(start, time(0), SCHOOL_TZ)),
            days=f.optional_integer("days"),
            status=f.text("status", ""),
        )
    )


def _factor(f: _Reader, household_id: str, source_kind: str) -> HouseholdFactorFact:
    cin_code = f.text("cin_code", "")
    indicator = f.text("indicator", "") or (indicator_for_cin(cin_code) if cin_code else None)
    if not indicator:
        raise f.fail("cin_code", f"{cin_code!r} maps to no indicator; give 'indicator'")
    noted = f.moment("noted_at")
    return HouseholdFactorFact(
        id=f.text("id"),
        household_id=household_id,
        indicator=indicator,
        noted_at=noted,
        recorded_at=f.moment("recorded_at", noted),
        cin_code=cin_code,
        source_kind=f.text("source_kind", source_kind),
    )


def _household_factor(store: FactStore, f: _Reader) -> None:
    household_id = f.text("household_id")
    store.factors[household_id].append(_factor(f, household_id, "household"))


def _known_factor(store: FactStore, f: _Reader) -> None:
    """A factor the safeguarding team recorded as known for one child's family."""
    store.records[f.text("pupil_id")]["factors"].append(_factor(f, "", "known"))


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


_READERS: Mapping[str, Callable[[FactStore, _Reader], None]] = {
    "pupil": _pupil,
    "household": _household,
    "concern": _concern,
    "decision": _decision,
    "action": _action,
    "attendance": _attendance,
    "attendance_days": _attendance_days,
    "roll": _roll,
    "voice": _voice,
    "cadence": _cadence,
    "household_factor": _household_factor,
    "known_factor": _known_factor,
    "contact": _contact,
    "plan": _plan,
    "meeting": _meeting,
    "escalation_stage": _escalation_stage,
    "leaving": _leaving,
    "agreed_absence": _agreed_absence,
    "household_child": _household_child,
    "engagement": _engagement,
    "note": _note,
}


def store_from_items(items: Iterable[Any], *, origin: str = "fact") -> FactStore:
    """A store from parsed JSON objects (a scenario's `facts`); FactFileError names the item."""
    store = FactStore()
    for number, item in enumerate(items, start=1):
        store.add(item, f"{origin} {number}")
    store.check()
    return store


def store_from_jsonl(path: Path) -> FactStore:
    """A store from a JSON Lines file, one fact per line; FactFileError names the line."""
    store = FactStore()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as error:
                raise FactFileError(f"{path.name} line {number}: not JSON ({error.msg})") from error
            store.add(raw, f"{path.name} line {number}")
    store.check()
    return store
