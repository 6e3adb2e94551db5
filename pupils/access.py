"""Access to a child's record. Absent and forbidden get the same answer: 404."""

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pupils.models import Pupil
from schools.models import Membership, Role
from schools.reasons import reason_for

if TYPE_CHECKING:
    from pupils.models import Household, HouseholdSuggestion, ImportBatch

# Roles that read every child on their school's roll.
_SCHOOL_WIDE_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
# Roles that bring pupil files in from the MIS (they see the import's summary, not the records).
_IMPORTERS = frozenset({Role.SCHOOL_ADMIN, Role.DSL, Role.DEPUTY_DSL})


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
    """The child, if `viewer` may read this child's whole record; otherwise Http404.

    A trust lead must also have said why (schools.reasons); until then AccessReasonRequiredError.
    """
    pupil = pupils_visible_to(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    reason_for(viewer=viewer, pupil_ids=[pupil.pk])
    return pupil


def access_household(*, viewer: Membership, household_id: UUID) -> "Household":
    """The household, if `viewer` may open the record of a child who is or was in it."""
    from pupils.models import Household

    visible = pupils_visible_to(viewer=viewer).values("pk")
    household = (
        Household.objects.filter(pk=household_id, members__pupil__in=visible).distinct().first()
    )
    if household is None:
        raise Http404("No such household")
    return household


def access_suggestion_to_decide(
    *, viewer: Membership, suggestion_id: UUID
) -> "HouseholdSuggestion":
    """A pending household suggestion that `viewer` (DSL team) may decide: one of its two
    children is on the viewer's school's records."""
    from pupils.models import HouseholdSuggestion, SuggestionStatus

    if not viewer.is_dsl_team:
        raise Http404("No such suggestion")
    visible = pupils_visible_to(viewer=viewer).values("pk")
    suggestion = (
        HouseholdSuggestion.objects.filter(pk=suggestion_id, status=SuggestionStatus.PENDING)
        .filter(Q(pupil_a__in=visible) | Q(pupil_b__in=visible))
        .select_related("pupil_a", "pupil_b")
        .first()
    )
    if suggestion is None:
        raise Http404("No such suggestion")
    return suggestion


def access_import_batch(*, viewer: Membership, batch_id: UUID) -> "ImportBatch":
    """An import previewed or run at the viewer's school, for its admin and DSL team."""
    from pupils.models import ImportBatch

    if viewer.role not in _IMPORTERS or viewer.school_id is None:
        raise Http404("No such import")
    batch = ImportBatch.objects.filter(pk=batch_id, school_id=viewer.school_id).first()
    if batch is None:
        raise Http404("No such import")
    return batch
