"""The fact store: `FactStore` keeps the facts read from JSON, grouped by child and household,
checks that every record names a child and household the facts define, and serves the engine as
a `FactSource`. `store_from_items` builds one from a scenario's fact list and `store_from_jsonl`
from a JSON Lines file; `_READERS` names the reader for each fact `type`.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from patterns.engine import FactSource
from patterns.facts import (
    HouseholdFactorFact,
    HouseholdFacts,
    PupilFacts,
)
from patterns.loaders.casework_records import (
    _CASEWORK_ORDER,
    _agreed_absence,
    _contact,
    _engagement,
    _escalation_stage,
    _household_child,
    _leaving,
    _meeting,
    _note,
    _plan,
)
from patterns.loaders.pupil_records import (
    _action,
    _attendance,
    _attendance_days,
    _cadence,
    _concern,
    _decision,
    _household,
    _household_factor,
    _known_factor,
    _pupil,
    _roll,
    _voice,
)
from patterns.loaders.reader import FactFileError, _Reader


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
