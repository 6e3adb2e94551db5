"""What every casework write checks: the actor is of a school's safeguarding team, the child was
on that school's roll on the day, dates are not in the future, required words are present.
Each refusal is a ValidationError naming the field, so a form can put it beside that field."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from pupils.models import Enrolment, Pupil
from schools.models import DSL_TEAM_ROLES, Membership

TEXT_MAX_CHARS = 10_000


def team_school(actor: Membership) -> UUID:
    """The actor's school, if they are of its safeguarding team; otherwise PermissionDenied."""
    if actor.school_id is None or actor.role not in DSL_TEAM_ROLES:
        raise PermissionDenied("Only a school's safeguarding team records casework.")
    return actor.school_id


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def ever_on_roll(pupil: Pupil, school_id: UUID) -> None:
    if not Enrolment.objects.filter(pupil=pupil, school_id=school_id).exists():
        raise PermissionDenied("The child has never been on this school's roll.")


def on_roll(pupil: Pupil, school_id: UUID, day: date, field: str) -> Enrolment:
    """The enrolment covering `day` at the school; else a ValidationError on `field`."""
    enrolment = (
        Enrolment.objects.filter(pupil=pupil, school_id=school_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .first()
    )
    if enrolment is None:
        raise ValidationError(
            {field: f"{pupil.display_name} was not on the school's roll on {long_date(day)}."}
        )
    return enrolment


def not_future(day: date, field: str, what: str = "The date") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past."})


def not_before(day: date, earlier: date, field: str, message: str) -> None:
    if day < earlier:
        raise ValidationError({field: message})


def required(text: str, field: str, message: str, *, limit: int = TEXT_MAX_CHARS) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > limit:
        raise ValidationError({field: f"Write {limit:,} characters or fewer."})
    return text


def optional(text: str, field: str, *, limit: int = TEXT_MAX_CHARS) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"Write {limit:,} characters or fewer."})
    return text


def choice[T](kind: type[T], value: object, field: str, message: str) -> T:
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError as error:
        raise ValidationError({field: message}) from error


@dataclass(frozen=True, slots=True)
class Imported:
    """Where an imported record came from (import_history): its id in the old system and when it
    was written there, kept instead of the moment of the import."""

    source_ref: str
    written_at: datetime


def provenance(imported: Imported | None, *, with_ref: bool = True) -> dict[str, object]:
    """The written-at (and, for a record kind that keeps one, the source reference) to store."""
    if imported is None:
        return {"recorded_at": timezone.now()}
    if not with_ref:
        return {"recorded_at": imported.written_at}
    return {"recorded_at": imported.written_at, "source_ref": imported.source_ref}
