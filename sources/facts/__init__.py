"""The facts detectors read: frozen snapshots of records, built by selectors, never by detectors.

A detector never touches the ORM. Each record app turns its own records into these dataclasses
(`<app>/facts.py`, listed in `settings.PATTERN_FACT_SOURCES`; ADR 17), as does the JSON Lines
loader in `patterns.loaders` (the command line and the scenario suite); the engine then keeps
only the facts that had happened *and* been written by the date asked for (`engine.visible_as_of`).
The types live here, below the record apps, so a record app offers facts without importing
`patterns`; `patterns.facts` re-exports them for the detectors.

Every record-like fact carries both when it happened (`occurred_at` or its equivalent) and when it
was written (`recorded_at`): a record has both (records-and-access.md §2, "Minimum entry fields").
Datetimes are timezone-aware. Identifiers are strings (UUIDs as text) so facts read the same from
the database, a JSON file or a test.

The types are a package, one module per part: `kinds` (the schools' clock, the kinds a fact
names, category keys), `records` (the child's own records), `casework_records` (casework),
`subjects` (`PupilFacts`, `HouseholdFacts`) and `parts` (`FactWindow`, `FactParts`, `FactsFor`:
how a record app offers its facts). Everything is imported from `sources.facts`, as before the
split.
"""

from sources.facts.casework_records import (
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
from sources.facts.kinds import (
    BEHAVIOUR,
    BODY_MAP,
    ENCOMPASS,
    KNOWN_FACTOR,
    SCHOOL_TZ,
    ActionKind,
    DecisionKind,
    LeavingReason,
    Part,
    at_nine,
)
from sources.facts.parts import FactParts, FactsFor, FactWindow
from sources.facts.records import (
    ActionFact,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    HouseholdFactorFact,
    RollFact,
    VoiceFact,
)
from sources.facts.subjects import HouseholdFacts, PupilFacts

__all__ = [
    "BEHAVIOUR",
    "BODY_MAP",
    "ENCOMPASS",
    "KNOWN_FACTOR",
    "SCHOOL_TZ",
    "AbsenceFact",
    "ActionFact",
    "ActionKind",
    "AttendanceDayFact",
    "CadenceFact",
    "ConcernFact",
    "ContactFact",
    "DecisionFact",
    "DecisionKind",
    "EngagementFact",
    "EscalationStageFact",
    "FactParts",
    "FactWindow",
    "FactsFor",
    "HouseholdChildFact",
    "HouseholdFactorFact",
    "HouseholdFacts",
    "LeavingFact",
    "LeavingReason",
    "MeetingFact",
    "NoteFact",
    "Part",
    "PlanFact",
    "PupilFacts",
    "ResponseFact",
    "RollFact",
    "VoiceFact",
    "at_nine",
]
