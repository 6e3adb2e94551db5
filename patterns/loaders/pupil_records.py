"""Readers for the facts about a child and their household, one per fact `type`: the pupil and
household themselves, concerns, decisions, actions, attendance (a day or a run of weekdays),
roll entries, the child's voice, review cadences and household or known factors. Each reads one
JSON object into the store's records for that child; `patterns.loaders.store` dispatches to them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from patterns.facts import (
    SCHOOL_TZ,
    ActionFact,
    ActionKind,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    DecisionKind,
    HouseholdFactorFact,
    LeavingReason,
    Part,
    PupilFacts,
    RollFact,
    VoiceFact,
)
from patterns.indicators import indicator_for_cin, indicators_for
from patterns.loaders.reader import DATE_ONLY_TIME, _Reader

if TYPE_CHECKING:
    from patterns.loaders.store import FactStore


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
