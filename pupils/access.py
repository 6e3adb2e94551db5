"""Access to a child's record. Absent and forbidden get the same answer: 404."""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pupils.models import Pupil
from schools.models import Membership, Role

# Roles that read every child on their school's roll.
_SCHOOL_WIDE_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def pupils_visible_to(*, viewer: Membership) -> QuerySet[Pupil]:
    """The children whose records `viewer` may open (the school's current and former roll)."""
    if viewer.role in _SCHOOL_WIDE_READERS and viewer.school_id is not None:
        return Pupil.objects.filter(enrolments__school_id=viewer.school_id).distinct()
    if viewer.role == Role.TRUST_LEAD and viewer.trust is not None and viewer.trust_id:
        if not viewer.trust.trust_lead_child_access:
            return Pupil.objects.none()
        return Pupil.objects.filter(enrolments__school__trust_id=viewer.trust_id).distinct()
    return Pupil.objects.none()


def pupils_on_roll_for(*, viewer: Membership) -> QuerySet[Pupil]:
    """Children currently on the roll of the viewer's school (for staff choosing a child)."""
    if viewer.school_id is None or viewer.role in {Role.GOVERNOR, Role.SCHOOL_ADMIN}:
        return Pupil.objects.none()
    today = timezone.localdate()
    return Pupil.objects.filter(
        Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=today),
        enrolments__school_id=viewer.school_id,
        enrolments__start_date__lte=today,
    ).distinct()


def access_pupil(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` may read this child's whole record; otherwise Http404."""
    pupil = pupils_visible_to(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil
