"""What the kinds of records held by other apps (pupils, factors, voice) share in the history
import and export: a line's head, a moment from a date, the school's roll on a day, a choice or a
number read from a line."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from concerns.importers.common import BadLine, LineError
from concerns.importers.history_values import (
    read_moment,
)
from pupils.models import Enrolment, Pupil
from schools.models import Membership

MAX_TEXT = 50_000


def iso_value(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def compact(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if v not in ("", None, [])}


def line_head(kind: str, pupil: Pupil, occurred: Any, written: Any, author: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "upn": pupil.upn,
        "occurred_at": iso_value(occurred),
        "written_at": iso_value(written),
        "author": author,
    }


def as_moment(value: date | datetime) -> datetime:
    """A date as the moment the file gives it (midnight, UK time), for `occurred_at`."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


def school_of(actor: Membership) -> UUID:
    assert actor.school_id is not None  # import_history runs for a school
    return actor.school_id


def on_roll_check(pupil: Pupil, school_id: UUID, day: date, field: str = "occurred_at") -> None:
    """ValidationError unless the child was on the school's roll on `day`."""
    held = Enrolment.objects.filter(pupil=pupil, school_id=school_id, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    if not held.exists():
        raise ValidationError(
            {field: f"the child was not on the school's roll on {day.day} {day:%B %Y}"}
        )


def ever_on_roll_check(pupil: Pupil, school_id: UUID) -> None:
    """ValidationError unless the child was ever on the school's roll: a factor or a support
    status may be known from before the child came (as a plan from another authority may)."""
    if not Enrolment.objects.filter(pupil=pupil, school_id=school_id).exists():
        raise ValidationError({"upn": "the child has never been on the school's roll"})


def written_at(raw: dict[str, Any], line: int) -> datetime:
    occurred = read_moment(raw.get("occurred_at"), line, "occurred_at")
    if raw.get("written_at"):
        return read_moment(raw["written_at"], line, "written_at")
    return occurred


def read_choice(
    raw: dict[str, Any], line: int, name: str, choices: Any, *, default: str = "", where: str = ""
) -> str:
    value = raw.get(name) or default
    if value not in choices.values:
        name = f"{where}.{name}" if where else name
        raise BadLine(LineError(line, name, f"must be one of {', '.join(choices.values)}"))
    return str(value)


def read_int_between(
    raw: dict[str, Any], line: int, name: str, *, low: int, high: int
) -> int | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise BadLine(LineError(line, name, "must be a whole number")) from exc
    if not low <= number <= high:
        raise BadLine(LineError(line, name, f"must be from {low} to {high}"))
    return number
