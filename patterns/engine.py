"""The engine: runs detectors over facts as of a date, for some children or a whole school or trust.

Facts come from a `FactSource`: two loader callables, one for children and one for households.
Selectors over the database, the JSON Lines loader (`patterns.loaders`) and tests all provide one,
so the engine never knows where facts come from. Whatever a loader returns, the engine keeps only
what had happened *and* been written by the end of `as_of` (Europe/London), so a detector cannot see
the future ("what did we know at the time": learning reviews and the scenario suite).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from patterns.facts import SCHOOL_TZ, HouseholdFacts, PupilFacts
from patterns.registry import Detector, Raised, SubjectKind, all_detectors

PupilLoader = Callable[[Collection[str] | None, date], list[PupilFacts]]
HouseholdLoader = Callable[[Collection[str], date], list[HouseholdFacts]]
# A school's settings: detector slug → its settings object, or None where the school turned it off.
ConfigFor = Callable[[str], Mapping[str, Any | None]]


@dataclass(frozen=True, slots=True)
class FactSource:
    """Where facts come from. `pupils(None, as_of)` returns every child the source holds."""

    pupils: PupilLoader
    households: HouseholdLoader


def default_configs(_school_id: str) -> Mapping[str, Any | None]:
    """Every detector on, with its documented defaults (no school has changed anything)."""
    return {entry.slug: entry.defaults() for entry in all_detectors()}


def cutoff(as_of: date) -> datetime:
    """The first instant after `as_of` at the school: facts at or after it are in the future."""
    return datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=SCHOOL_TZ)


def visible_as_of(pupil: PupilFacts, as_of: date) -> PupilFacts:
    """The child's facts as they stood at the end of `as_of`: records that had happened and been
    written by then, with parts written later (an outcome, a completion, a leaving date) hidden."""
    end = cutoff(as_of)
    decisions, history = (
        tuple(
            d
            if d.outcome_recorded_at is None or d.outcome_recorded_at < end
            else dataclasses.replace(d, outcome_recorded_at=None)
            for d in found
            if d.decided_at < end and d.recorded_at < end
        )
        for found in (pupil.decisions, pupil.history)
    )
    actions = tuple(
        a if a.done_at is None or a.done_at < end else dataclasses.replace(a, done_at=None)
        for a in pupil.actions
        if a.created_at < end and a.recorded_at < end
    )
    roll = tuple(
        r
        if r.end_date is None or (r.end_date <= as_of and r.recorded_at < end)
        else dataclasses.replace(r, end_date=None, end_reason=None)
        for r in pupil.roll
        if r.start_date <= as_of
    )
    return dataclasses.replace(
        pupil,
        concerns=tuple(c for c in pupil.concerns if c.occurred_at < end and c.recorded_at < end),
        decisions=decisions,
        actions=actions,
        attendance=tuple(a for a in pupil.attendance if a.day <= as_of and a.recorded_at < end),
        roll=roll,
        voice=tuple(v for v in pupil.voice if v.heard_at < end and v.recorded_at < end),
        cadences=tuple(
            c for c in pupil.cadences if c.effective_from <= as_of and c.recorded_at < end
        ),
        factors=tuple(f for f in pupil.factors if f.noted_at < end and f.recorded_at < end),
        history=history,
        **_casework_visible(pupil, as_of, end),
    )


def _casework_visible(pupil: PupilFacts, as_of: date, end: datetime) -> dict[str, Any]:
    """The casework records as they stood at the cut (the database source has already cut them;
    a fact file has not): records about a later day or written later are left out, and an
    answer, a plan's end, a stage's outcome, a return or a sighting written later is hidden."""

    def known(on: date, written: datetime) -> bool:
        return on <= as_of and written < end

    contacts = tuple(
        dataclasses.replace(
            c, responses=tuple(r for r in c.responses if known(r.received_on, r.recorded_at))
        )
        for c in pupil.contacts
        if known(c.contacted_on, c.recorded_at)
    )
    plans = tuple(
        p
        if p.ended_on is None or p.ended_on <= as_of
        else dataclasses.replace(p, ended_on=None, end_reason="")
        for p in pupil.plans
        if known(p.started_on, p.recorded_at)
    )
    stages = tuple(
        s
        if s.decided_on is None or s.decided_on <= as_of
        else dataclasses.replace(s, outcome=None, decided_on=None)
        for s in pupil.escalation_stages
        if known(s.started_on, s.recorded_at)
    )
    absences = tuple(
        a
        if a.returned_on is None or a.returned_on <= as_of
        else dataclasses.replace(a, returned_on=None)
        for a in pupil.absences
        if known(a.starts_on, a.recorded_at)
    )
    household_children = tuple(
        h
        if h.last_seen_on is None or h.last_seen_on <= as_of
        else dataclasses.replace(h, last_seen_on=None)
        for h in pupil.household_children
        if h.recorded_at < end
    )
    return {
        "contacts": contacts,
        "plans": plans,
        "meetings": tuple(m for m in pupil.meetings if known(m.held_on, m.recorded_at)),
        "escalation_stages": stages,
        "leavings": tuple(x for x in pupil.leavings if known(x.left_on, x.recorded_at)),
        "absences": absences,
        "household_children": household_children,
        "engagement": tuple(e for e in pupil.engagement if known(e.occurred_on, e.recorded_at)),
        "notes": tuple(n for n in pupil.notes if known(n.noted_on, n.recorded_at)),
    }


def household_visible_as_of(household: HouseholdFacts, as_of: date) -> HouseholdFacts:
    """The household as it stood at the end of `as_of` (see `visible_as_of`)."""
    end = cutoff(as_of)
    return dataclasses.replace(
        household,
        children=tuple(visible_as_of(child, as_of) for child in household.children),
        factors=tuple(f for f in household.factors if f.noted_at < end and f.recorded_at < end),
    )


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one run found, and what it looked at (so findings it did not raise can go stale)."""

    as_of: date
    raised: tuple[Raised, ...]
    pupil_ids: frozenset[str]
    household_ids: frozenset[str]
    detectors: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    # The schools the run was limited to (None: every school of the children it looked at).
    school_ids: frozenset[str] | None = None


def _stamp(raised: Iterable[Raised], entry: Detector, school_id: str) -> list[Raised]:
    return [
        dataclasses.replace(
            r, detector=entry.slug, version=entry.version, school_ids=frozenset({school_id})
        )
        for r in raised
    ]


def run(
    source: FactSource,
    *,
    as_of: date,
    pupil_ids: Collection[str] | None = None,
    school_ids: Collection[str] | None = None,
    configs: ConfigFor = default_configs,
    only: Collection[str] | None = None,
) -> RunResult:
    """Run the detectors as of `as_of`.

    - `pupil_ids`: the children a new or amended record touches (incremental run); their
      households are run too. None: every child the source holds (batch).
    - `school_ids`: keep only children on these schools' rolls (batch for a school or a trust).
    - `configs`: each school's detector settings; `only`: the detector slugs to run (all if None).
    """
    scope = None if school_ids is None else frozenset(school_ids)
    pupils = [
        visible_as_of(p, as_of)
        for p in source.pupils(pupil_ids, as_of)
        if scope is None or p.school_id in scope
    ]
    household_ids = frozenset(h for p in pupils for h in p.household_ids)
    households = [
        household_visible_as_of(h, as_of)
        for h in source.households(sorted(household_ids), as_of)
        if h.household_id in household_ids
    ]
    detectors = [d for d in all_detectors() if only is None or d.slug in only]
    cache: dict[str, Mapping[str, Any | None]] = {}

    def config(school_id: str, slug: str) -> Any | None:
        if school_id not in cache:
            cache[school_id] = configs(school_id)
        return cache[school_id].get(slug)

    raised: list[Raised] = []
    for entry in detectors:
        if entry.subject is SubjectKind.PUPIL:
            for pupil in pupils:
                settings = config(pupil.school_id, entry.slug)
                if settings is not None:
                    found = entry.func(pupil, as_of=as_of, config=settings)
                    raised.extend(_stamp(found, entry, pupil.school_id))
            continue
        for household in households:
            for school_id in sorted(household.school_ids):
                if scope is not None and school_id not in scope:
                    continue
                settings = config(school_id, entry.slug)
                if settings is not None:
                    found = entry.func(household, as_of=as_of, config=settings)
                    raised.extend(_stamp(found, entry, school_id))
    return RunResult(
        as_of=as_of,
        raised=tuple(raised),
        pupil_ids=frozenset(p.pupil_id for p in pupils),
        household_ids=frozenset(h.household_id for h in households),
        detectors=tuple((d.slug, d.version) for d in detectors),
        school_ids=scope,
    )


def run_incremental(
    source: FactSource,
    *,
    pupil_ids: Collection[str],
    as_of: date,
    configs: ConfigFor = default_configs,
) -> RunResult:
    """After a new or amended record: the children it touches, and their households."""
    return run(source, as_of=as_of, pupil_ids=pupil_ids, configs=configs)
