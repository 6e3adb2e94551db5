"""Reads: the school's transfer ledger, overdue transfers, files waiting and received."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from pupils.access import children_within_reach
from schools.models import Membership, School
from transfer.models import ReceivedTransfer, Status, TermDates, Transfer

# Matches no school: for a viewer with none.
_NOWHERE = UUID(int=0)


def is_overdue(transfer: Transfer, *, today: date | None = None) -> bool:
    """Not confirmed, and past the last day allowed."""
    today = today or timezone.localdate()
    return transfer.status != Status.CONFIRMED and today > transfer.due_on


@dataclass(frozen=True)
class Ledger:
    outgoing: list[Transfer]
    overdue_ids: frozenset[object]
    # Direct transfers from a school of the trust whose child is on the viewer's roll, and how
    # many more wait for a child not on the roll yet (shown without the child's name).
    incoming: list[Transfer]
    incoming_not_on_roll: int
    received: list[ReceivedTransfer]

    @property
    def children(self) -> int:
        return len(
            {t.pupil_id for t in self.outgoing}
            | {t.pupil_id for t in self.incoming}
            | {r.pupil_id for r in self.received}
        )


def ledger_for(*, viewer: Membership, today: date | None = None) -> Ledger:
    school_id = viewer.school_id or _NOWHERE
    outgoing = list(
        Transfer.objects.filter(school_id=school_id).select_related("pupil", "to_school")
    )
    waiting = Transfer.objects.filter(to_school_id=school_id, status=Status.SENT).select_related(
        "pupil", "school"
    )
    reach = set(
        children_within_reach(viewer=viewer)
        .filter(pk__in=waiting.values("pupil_id"))
        .values_list("pk", flat=True)
    )
    waiting_list = list(waiting)
    return Ledger(
        outgoing=outgoing,
        overdue_ids=frozenset(t.pk for t in outgoing if is_overdue(t, today=today)),
        incoming=[t for t in waiting_list if t.pupil_id in reach],
        incoming_not_on_roll=len([t for t in waiting_list if t.pupil_id not in reach]),
        received=list(ReceivedTransfer.objects.filter(school_id=school_id).select_related("pupil")),
    )


def overdue_for(*, viewer: Membership, today: date | None = None) -> QuerySet[Transfer]:
    today = today or timezone.localdate()
    return (
        Transfer.objects.filter(school_id=viewer.school_id or _NOWHERE, due_on__lt=today)
        .exclude(status=Status.CONFIRMED)
        .select_related("pupil")
        .order_by("due_on")
    )


def term_dates_for(*, school_id: UUID | None) -> QuerySet[TermDates]:
    return TermDates.objects.filter(school_id=school_id or _NOWHERE)


def trust_schools(*, viewer: Membership) -> QuerySet[School]:
    """The other schools of the viewer's school's trust (a direct transfer's destinations)."""
    school = viewer.school
    if school is None or school.trust_id is None:
        return School.objects.none()
    return School.objects.filter(trust_id=school.trust_id).exclude(pk=school.pk).order_by("name")
