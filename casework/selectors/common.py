"""Small reads the other casework readers share, and that other modules use: how many of the
child's concerns at a school are still open (`open_concern_count`), a plan's months in words
(`month_span`) and the latest answer to a contact with another agency (`current_response`).
"""

from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef

from casework.models import (
    AgencyContact,
    AgencyResponse,
)
from concerns.models import ConcernPupil, Decision, Outcome
from pupils.models import Pupil


def open_concern_count(*, school_id: UUID, pupil: Pupil) -> int:
    """Concerns about the child at the school not closed with no further action (no decision
    yet, or the current decision is anything but "no further action")."""
    closed = Exists(
        Decision.objects.filter(
            concern=OuterRef("concern"),
            superseded_by__isnull=True,
            outcome=Outcome.NO_FURTHER_ACTION,
        )
    )
    return (
        ConcernPupil.objects.filter(pupil=pupil, concern__school_id=school_id)
        .exclude(closed)
        .values("concern_id")
        .distinct()
        .count()
    )


def month_span(start: date, end: date | None) -> str:
    """ "Mar 2021 – Jan 2022", or "since Mar 2021" for a plan still open."""
    if end is None:
        return f"since {start:%b %Y}"
    return f"{start:%b %Y} – {end:%b %Y}"


def current_response(contact: AgencyContact) -> AgencyResponse | None:
    """The latest answer recorded for a contact (responses prefetched newest first)."""
    responses = list(contact.responses.all())
    return responses[0] if responses else None
