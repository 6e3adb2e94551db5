"""Facts from the database: each record app's own facts, put together for the engine (ADR 17).

`DatabaseFacts(...).source()` is the engine's `FactSource` for real records (the JSON Lines loader
in `patterns.loaders` is the other one; it stays free of Django so `make evaluate` needs no
database). It only reads. Children are loaded in chunks of `CHUNK` with a fixed number of queries
per chunk (about thirty, whatever the chunk's size): never a query per child.

Where the facts come from: the pupils app gives each child's identity, school, rolls and
households (`pupils.facts`); every app named in `settings.PATTERN_FACT_SOURCES` gives its own
records about those children (`concerns.facts`, `attendance.facts`, `voice.facts`,
`factors.facts`: a `sources.facts.FactsFor`), so the knowledge of a table stays in the app that
owns it. What only the detectors know is applied here: a record's categories read as indicators
and an action's words as its kind (`patterns/data/indicators.json`), and which known factors
they read, as which indicator.

"As of" (docs/adr/0006): the engine hides whatever had not happened *and* been written by the end
of the day asked for; each app gives it both moments for every record and picks what was in force
at the cut (a concern's latest version written by then, a superseded decision, a register week
re-imported later).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from patterns.engine import FactSource, cutoff
from patterns.facts import (
    ActionFact,
    ActionKind,
    ConcernFact,
    FactParts,
    FactsFor,
    FactWindow,
    HouseholdFactorFact,
    HouseholdFacts,
    PupilFacts,
)
from patterns.indicators import action_kind_for, indicator_for_cin, indicators_for
from pupils import facts as pupil_facts

CHUNK = 500
# The casework parts (`casework.facts`), passed on to the detectors as they come.
CASEWORK_PARTS = (
    "contacts",
    "plans",
    "meetings",
    "escalation_stages",
    "leavings",
    "absences",
    "household_children",
    "engagement",
    "notes",
)
# How far back records are read for a run: the longest detector window (a year of closures and
# referrals, casework.py) plus room for a review date or cadence set before it.
LOOKBACK_DAYS = 400
# An action's summary as the evidence shows it.
SUMMARY_CHARS = 80


@cache
def fact_sources() -> tuple[FactsFor, ...]:
    """Every source named in settings.PATTERN_FACT_SOURCES, imported once."""
    return tuple(import_string(path) for path in settings.PATTERN_FACT_SOURCES)


def _concern(fact: ConcernFact) -> ConcernFact:
    return dataclasses.replace(fact, indicators=indicators_for(fact.categories))


def _action(fact: ActionFact) -> ActionFact:
    kind = action_kind_for(fact.summary)
    return dataclasses.replace(
        fact,
        kind=ActionKind(kind) if kind else ActionKind.OTHER,
        summary=fact.summary[:SUMMARY_CHARS],
    )


def _factors(facts: Iterable[HouseholdFactorFact]) -> list[HouseholdFactorFact]:
    """The known factors the detectors read, each with its indicator."""
    named = []
    for fact in facts:
        indicator = indicator_for_cin(fact.cin_code)
        if indicator is not None:
            named.append(dataclasses.replace(fact, indicator=indicator))
    return named


class DatabaseFacts:
    """The database as a fact source for one run as of `as_of`.

    `school_ids` limits a batch run (`pupils(None, ...)`) to children on those schools' rolls
    (None: every child on any roll). The children of the last call are kept, so a child loaded
    for a run is not loaded again for their household.
    """

    def __init__(self, *, as_of: date, school_ids: Collection[str] | None = None) -> None:
        self.as_of = as_of
        self.school_ids = None if school_ids is None else sorted(school_ids)
        self.end = cutoff(as_of)
        self.start = as_of - timedelta(days=LOOKBACK_DAYS)
        self.window = FactWindow(as_of=as_of, start=self.start, end=self.end)
        self._pupils: dict[str, PupilFacts] = {}
        # Household memberships as of the cut, once read: each child's households, and the
        # children of each household whose members were all read.
        self._households_of: dict[str, set[str]] = {}
        self._members_of: dict[str, set[str]] = {}
        self._complete: set[str] = set()
        # Each loaded child's recorded factors about the household, for their households.
        self._household_factors: dict[str, list[HouseholdFactorFact]] = {}
        self.queries_by_chunk: list[int] = []

    def source(self) -> FactSource:
        return FactSource(pupils=self.load_pupils, households=self.load_households)

    # ---- which children -------------------------------------------------------------------

    def pupil_ids(self) -> list[str]:
        """Every child on a roll (of the schools asked for) on the as-of date, as ids."""
        return pupil_facts.pupils_on_roll(window=self.window, school_ids=self.school_ids)

    def load_pupils(self, pupil_ids: Collection[str] | None, as_of: date) -> list[PupilFacts]:
        """The children asked for (None: see `pupil_ids`), as they stood at `as_of`."""
        if as_of != self.as_of:
            raise ValueError(f"this source loads facts as of {self.as_of}, not {as_of}")
        wanted = self.pupil_ids() if pupil_ids is None else sorted(set(pupil_ids))
        missing = [pid for pid in wanted if pid not in self._pupils]
        loaded = {pid: self._pupils[pid] for pid in wanted if pid in self._pupils}
        if missing and len(missing) <= CHUNK:
            # The engine asks for these children's households next: load the other children of
            # those households in the same pass (one query here saves a second round).
            self._know_memberships(missing, self._memberships(pupil_id__in=missing))
            households = sorted({h for p in missing for h in self._households_of[p]})
            if households:
                # Every membership of every member of those households, in one query.
                members = pupil_facts.household_member_pupils(households)
                rows = self._memberships(pupil_id__in=members)
                self._know_memberships({p for _, p in rows}, rows)
                self._complete.update(households)
                siblings = {p for h in households for p in self._members_of.get(h, ())}
                missing = sorted(set(missing) | (siblings - set(self._pupils)))
        for i in range(0, len(missing), CHUNK):
            for facts in self._load_chunk(missing[i : i + CHUNK]):
                loaded[facts.pupil_id] = facts
        # Keep only the last call's children: the engine asks for a chunk, then for its
        # households (whose children are mostly the same), so memory stays one chunk deep.
        self._pupils = loaded
        return [loaded[pid] for pid in wanted if pid in loaded]

    def load_households(self, household_ids: Collection[str], as_of: date) -> list[HouseholdFacts]:
        """The households asked for: their member children (at any school) and adult count."""
        wanted = sorted(set(household_ids))
        if not wanted:
            return []
        members: dict[str, set[str]] = defaultdict(set)
        if all(h in self._complete for h in wanted):
            members.update({h: self._members_of[h] for h in wanted if self._members_of.get(h)})
        else:
            for household_id, pupil_id in self._memberships(household_id__in=wanted):
                members[household_id].add(pupil_id)
        children = {p.pupil_id: p for p in self.load_pupils(set().union(*members.values()), as_of)}
        adults = pupil_facts.adult_counts(members=members, window=self.window)
        return [
            HouseholdFacts(
                household_id=household_id,
                children=tuple(children[p] for p in sorted(members[household_id]) if p in children),
                factors=tuple(
                    dataclasses.replace(f, household_id=household_id)
                    for p in sorted(members[household_id])
                    if p in children
                    for f in self._household_factors.get(p, ())
                ),
                adult_count=adults.get(household_id, 0),
            )
            for household_id in wanted
            if household_id in members
        ]

    # ---- one chunk ------------------------------------------------------------------------

    def _know_memberships(self, pupil_ids: Iterable[str], rows: list[tuple[str, str]]) -> None:
        """Remember the memberships of `pupil_ids`, given every row of theirs (`rows`)."""
        for pid in pupil_ids:
            self._households_of[pid] = set()
        for household_id, pupil_id in rows:
            self._households_of[pupil_id].add(household_id)
            self._members_of.setdefault(household_id, set()).add(pupil_id)

    def _memberships(self, **lookup: Any) -> list[tuple[str, str]]:
        return pupil_facts.household_memberships(window=self.window, **lookup)

    def _load_chunk(self, pupil_ids: Sequence[str]) -> list[PupilFacts]:
        base = pupil_facts.pupil_facts(pupil_ids=pupil_ids, window=self.window)
        unknown = [pid for pid in pupil_ids if pid not in self._households_of]
        if unknown:
            self._know_memberships(unknown, self._memberships(pupil_id__in=unknown))
        merged: dict[str, FactParts] = defaultdict(FactParts)
        for source in fact_sources():
            for pid, parts in source(pupils=base, window=self.window).items():
                _add(merged[pid], parts)
        facts = []
        for pid, pupil in base.items():
            parts = merged.get(pid, FactParts())
            factors = _factors(parts.factors)
            self._household_factors[pid] = factors
            casework: dict[str, Any] = {
                name: tuple(getattr(parts, name)) for name in CASEWORK_PARTS
            }
            facts.append(
                dataclasses.replace(
                    pupil,
                    household_ids=frozenset(self._households_of[pid]),
                    concerns=tuple(_concern(c) for c in parts.concerns),
                    decisions=tuple(parts.decisions),
                    actions=tuple(_action(a) for a in parts.actions),
                    attendance=tuple(parts.attendance),
                    voice=tuple(parts.voice),
                    cadences=tuple(parts.cadences),
                    factors=tuple(factors),
                    history=tuple(parts.history),
                    **casework,
                )
            )
        return facts


def _add(into: FactParts, parts: FactParts) -> None:
    for name in (f.name for f in dataclasses.fields(FactParts)):
        getattr(into, name).extend(getattr(parts, name))


def database_source(*, as_of: date, school_ids: Collection[str] | None = None) -> FactSource:
    """The engine's fact source over the database, for one run as of `as_of`."""
    return DatabaseFacts(as_of=as_of, school_ids=school_ids).source()
