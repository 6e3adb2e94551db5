"""Reads: the training register and its compliance figures, and the low-level concerns
register (through staffing.access, which decides who sees which adult)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet

from schools.models import Membership, Role
from staffing.models import ConcernedAdult, LowLevelConcern, TrainingRecord, TrainingType
from staffing.training import Requirement, requirements


@dataclass(frozen=True, slots=True)
class PersonTraining:
    person: Membership
    requirements: list[Requirement]
    records: list[TrainingRecord]

    @property
    def needing_action(self) -> list[Requirement]:
        return [r for r in self.requirements if r.standing.needs_action]

    @property
    def up_to_date(self) -> bool:
        return not self.needing_action


def people_in_register(*, school_id: UUID) -> QuerySet[Membership]:
    """Everyone at the school whose role needs safeguarding training."""
    return Membership.objects.filter(
        school_id=school_id,
        is_active=True,
        ended_at__isnull=True,
        role__in=list(settings.CAIRN_TRAINING_REQUIRED),
    ).select_related("user")


def training_of(person: Membership, *, as_of: date) -> PersonTraining:
    records = list(person.training_records.all())
    return PersonTraining(person, requirements(person.role, records, as_of=as_of), records)


def register_for(*, school_id: UUID, as_of: date) -> list[PersonTraining]:
    people = list(people_in_register(school_id=school_id))
    records: dict[UUID, list[TrainingRecord]] = defaultdict(list)
    for record in TrainingRecord.objects.filter(person__in=people):
        records[record.person_id].append(record)
    return [
        PersonTraining(p, requirements(p.role, records[p.pk], as_of=as_of), records[p.pk])
        for p in people
    ]


@dataclass(frozen=True, slots=True)
class RoleCompliance:
    role: str
    people: int
    up_to_date: int

    @property
    def needing_action(self) -> int:
        return self.people - self.up_to_date


def compliance_by_role(register: Iterable[PersonTraining]) -> list[RoleCompliance]:
    """People per role, and how many are up to date with everything their role needs."""
    people: dict[str, int] = defaultdict(int)
    current: dict[str, int] = defaultdict(int)
    for entry in register:
        people[entry.person.role] += 1
        current[entry.person.role] += int(entry.up_to_date)
    return [
        RoleCompliance(Role(role).label, people[role], current[role])
        for role in Role
        if people.get(role)
    ]


@dataclass(frozen=True, slots=True)
class TypeCompliance:
    label: str
    needed: int
    up_to_date: int


@dataclass(frozen=True, slots=True)
class Compliance:
    """Aggregate training compliance for one or more schools: counts of people, no names."""

    people: int
    up_to_date: int
    by_role: list[RoleCompliance]
    by_type: list[TypeCompliance]


def compliance_for(*, school_ids: Iterable[UUID], as_of: date) -> Compliance:
    register = [e for sid in school_ids for e in register_for(school_id=sid, as_of=as_of)]
    needed: dict[str, int] = defaultdict(int)
    current: dict[str, int] = defaultdict(int)
    for entry in register:
        for req in entry.requirements:
            needed[req.training_type] += 1
            current[req.training_type] += int(not req.standing.needs_action)
    by_type = [
        TypeCompliance(t.label, needed[t], current[t]) for t in TrainingType if needed.get(t)
    ]
    return Compliance(
        people=len(register),
        up_to_date=sum(int(e.up_to_date) for e in register),
        by_role=compliance_by_role(register),
        by_type=by_type,
    )


# --- Low-level concerns ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdultSummary:
    """One adult in the register: how many concerns, over what time, and whether they form a
    pattern to consider or call for the LADO prompt."""

    adult: ConcernedAdult
    concerns: list[LowLevelConcern]
    as_of: date

    @property
    def count(self) -> int:
        return len(self.concerns)

    @property
    def first(self) -> date | None:
        return min((c.happened_on for c in self.concerns), default=None)

    @property
    def latest(self) -> date | None:
        return max((c.happened_on for c in self.concerns), default=None)

    @property
    def recent(self) -> list[LowLevelConcern]:
        since = self.as_of - timedelta(days=int(settings.CAIRN_LOW_LEVEL_PATTERN_DAYS))
        return [c for c in self.concerns if since <= c.happened_on <= self.as_of]

    @property
    def pattern(self) -> bool:
        """Several concerns within the window: a pattern to consider, not a finding about
        the adult (Cairn's default of three in a year [U], a setting)."""
        return len(self.recent) >= int(settings.CAIRN_LOW_LEVEL_PATTERN_COUNT)

    @property
    def threshold_flagged(self) -> bool:
        return any(c.threshold_may_be_met for c in self.concerns)

    @property
    def consult_lado(self) -> bool:
        return self.pattern or self.threshold_flagged


def summaries(adults: Iterable[ConcernedAdult], *, as_of: date) -> list[AdultSummary]:
    adults = list(adults)
    by_adult: dict[UUID, list[LowLevelConcern]] = defaultdict(list)
    for concern in LowLevelConcern.objects.filter(adult__in=adults):
        by_adult[concern.adult_id].append(concern)
    return [AdultSummary(a, by_adult[a.pk], as_of) for a in adults]
