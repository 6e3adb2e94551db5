"""How a record app offers its facts (ADR 17): the window one detector run reads (`FactWindow`),
the `PupilFacts` fields one app fills for one child (`FactParts`) and the shape of an app's fact
source named in `settings.PATTERN_FACT_SOURCES` (`FactsFor`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

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
)
from sources.facts.records import (
    ActionFact,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    HouseholdFactorFact,
    VoiceFact,
)
from sources.facts.subjects import PupilFacts


@dataclass(frozen=True, slots=True)
class FactWindow:
    """What one detector run reads: records from `start` (the look-back) up to the cut `end`
    (the end of `as_of` at the school), each as it stood at the cut."""

    as_of: date
    start: date
    end: datetime


@dataclass(slots=True)
class FactParts:
    """What one record app knows about one child, for the detectors: the `PupilFacts` fields it
    fills. The pattern engine's loader puts every app's parts together (`patterns.db_loader`)."""

    concerns: list[ConcernFact] = field(default_factory=list)
    decisions: list[DecisionFact] = field(default_factory=list)
    actions: list[ActionFact] = field(default_factory=list)
    attendance: list[AttendanceDayFact] = field(default_factory=list)
    voice: list[VoiceFact] = field(default_factory=list)
    cadences: list[CadenceFact] = field(default_factory=list)
    factors: list[HouseholdFactorFact] = field(default_factory=list)
    history: list[DecisionFact] = field(default_factory=list)
    contacts: list[ContactFact] = field(default_factory=list)
    plans: list[PlanFact] = field(default_factory=list)
    meetings: list[MeetingFact] = field(default_factory=list)
    escalation_stages: list[EscalationStageFact] = field(default_factory=list)
    leavings: list[LeavingFact] = field(default_factory=list)
    absences: list[AbsenceFact] = field(default_factory=list)
    household_children: list[HouseholdChildFact] = field(default_factory=list)
    engagement: list[EngagementFact] = field(default_factory=list)
    notes: list[NoteFact] = field(default_factory=list)


class FactsFor(Protocol):
    """A record app's fact source (`settings.PATTERN_FACT_SOURCES`): for the children given (their
    identity, school and roll already known, as `PupilFacts` with no records), the app's facts
    over the window, by pupil id. A fixed number of queries, whatever the number of children."""

    def __call__(
        self, *, pupils: Mapping[str, PupilFacts], window: FactWindow
    ) -> Mapping[str, FactParts]: ...
