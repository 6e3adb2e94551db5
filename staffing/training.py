"""When each person's training falls due, and who is overdue: pure date arithmetic over the
records, with the intervals and requirements the settings give (records-and-access.md §5)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings

from staffing.models import TrainingRecord, TrainingType


class Standing(StrEnum):
    """Where one person stands on one kind of training."""

    NOT_RECORDED = "not_recorded"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UP_TO_DATE = "up_to_date"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def needs_action(self) -> bool:
        return self in {Standing.NOT_RECORDED, Standing.OVERDUE}


_LABELS = {
    Standing.NOT_RECORDED: "Not recorded",
    Standing.OVERDUE: "Overdue",
    Standing.DUE_SOON: "Due soon",
    Standing.UP_TO_DATE: "Up to date",
}


def add_months(day: date, months: int) -> date:
    """`day` moved on by `months` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def interval_months(training_type: str) -> int:
    return int(settings.CAIRN_TRAINING_INTERVAL_MONTHS.get(training_type, 0))


def next_due(training_type: str, completed_on: date) -> date | None:
    """When training of this type completed on `completed_on` is due again (None: once only)."""
    months = interval_months(training_type)
    return add_months(completed_on, months) if months > 0 else None


def required_for(role: str) -> list[TrainingType]:
    return [TrainingType(t) for t in settings.CAIRN_TRAINING_REQUIRED.get(role, [])]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One kind of training one person needs, with the latest record of it and when it is due."""

    training_type: TrainingType
    latest: TrainingRecord | None
    due_on: date | None
    standing: Standing

    @property
    def label(self) -> str:
        return self.training_type.label


def requirement(
    training_type: TrainingType, records: list[TrainingRecord], *, as_of: date
) -> Requirement:
    """Where someone stands on `training_type`, given their records of it (any order), on
    `as_of`. Training completed after `as_of` does not count yet."""
    done = [r for r in records if r.training_type == training_type and r.completed_on <= as_of]
    if not done:
        return Requirement(training_type, None, None, Standing.NOT_RECORDED)
    latest = max(done, key=lambda r: (r.completed_on, r.recorded_at))
    due = next_due(training_type, latest.completed_on)
    if due is None:
        return Requirement(training_type, latest, None, Standing.UP_TO_DATE)
    if due < as_of:
        return Requirement(training_type, latest, due, Standing.OVERDUE)
    if due <= as_of + timedelta(days=int(settings.CAIRN_TRAINING_DUE_SOON_DAYS)):
        return Requirement(training_type, latest, due, Standing.DUE_SOON)
    return Requirement(training_type, latest, due, Standing.UP_TO_DATE)


def requirements(role: str, records: list[TrainingRecord], *, as_of: date) -> list[Requirement]:
    return [requirement(t, records, as_of=as_of) for t in required_for(role)]
