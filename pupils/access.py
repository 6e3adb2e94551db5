"""Access to a child's record, and the one gate every child-level read passes. Absent and
forbidden get the same answer: 404.

The gate (ADR 14): every `access_*` function in every app's `access.py` either yields something
about children and is wrapped in `@child_level(...)`, which sends what it found through
`child_read`, or says why it does not with `@not_child_level(...)`; lists of children go through
`child_list_read`. `tests/test_child_gate.py` enumerates every access function and every URL
pattern and fails on one that bypasses the gate. `child_read` checks, behind each function's own
rule, that the children are within the viewer's reach at all (their school's roll, or their
trust's where it allows it) and that a trust lead has said why for each child shown
(`schools.reasons`). Every response to a signed-in person is sent uncacheable
(`schools.middleware.AccessReasonMiddleware`).
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from pupils.models import Pupil
from schools.models import CHILD_RECORD_ROLES, Membership, Role
from schools.reasons import (
    CHILD_LEVEL,
    GATE_ATTRIBUTE,
    AccessReasonRequiredError,
    asks_reasons,
    list_reason,
    missing_reason,
    not_child_level,
)

if TYPE_CHECKING:
    from pupils.models import Household, HouseholdSuggestion, ImportBatch

P = ParamSpec("P")
T = TypeVar("T")

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


# --- The gate ----------------------------------------------------------------------------------


def children_within_reach(*, viewer: Membership) -> QuerySet[Pupil]:
    """Every child whose records `viewer`'s role could ever show: for a role at a school, the
    children who are or were on its roll; for a trust lead, the trust's children where the trust
    allows it; for governors and school administrators, none."""
    if viewer.role == Role.TRUST_LEAD:
        return pupils_visible_to(viewer=viewer)
    if viewer.role not in CHILD_RECORD_ROLES:
        return Pupil.objects.none()
    if viewer.school_id is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(enrolments__school_id=viewer.school_id)


def child_read(*, viewer: Membership, pupil_ids: Iterable[UUID]) -> None:
    """The gate for a read of child-level records about `pupil_ids`.

    Http404 unless at least one of the children is within the viewer's reach (a second line
    behind the access function's own rule). For a trust lead, AccessReasonRequiredError naming
    the first child within reach for whom no reason has been given: each child shown has the
    lead's reason on its access log. Something that names no child (a household finding whose
    household has no member on record) is left to its access function, except for a trust lead.
    """
    ids = list(dict.fromkeys(pupil_ids))
    if not ids:
        if asks_reasons(viewer):
            raise Http404("No such child")
        return
    reachable = set(
        children_within_reach(viewer=viewer).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if not reachable:
        raise Http404("No such child")
    missing = missing_reason(viewer=viewer, pupil_ids=[i for i in ids if i in reachable])
    if missing is not None:
        raise AccessReasonRequiredError(missing)


def child_list_read(
    *,
    viewer: Membership,
    listed: str,
    count: int,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """The gate for a page that lists children: a trust lead must have said why they are
    finding children (AccessReasonRequiredError(None) until then); the page view is audited as
    one event naming the list (`listed`, in words), how many it showed and what was asked for
    (`details`: the query, never a child's details)."""
    from audit import services as audit
    from audit.models import AuditAction

    reason = list_reason(viewer=viewer)
    audit.record(
        actor=viewer,
        action=AuditAction.CHILDREN_LISTED,
        request=request,
        reason=reason,
        details={"list": listed, "count": count, **(details or {})},
    )


def child_form_read(
    *,
    viewer: Membership,
    pupil_ids: Iterable[UUID],
    form: str,
    request: HttpRequest | None = None,
) -> None:
    """Audit the showing of a form that names a child or shows part of their record (adding to
    it, amending it, deciding on it): one event per child, naming the form (`form`, in words).
    The children have been through the gate already, by the access function that found them."""
    from audit import services as audit
    from audit.models import AuditAction

    for pupil_id in dict.fromkeys(pupil_ids):
        audit.record(
            actor=viewer,
            action=AuditAction.RECORD_FORM_OPENED,
            pupil_id=pupil_id,
            request=request,
            details={"form": form},
        )


def child_level(
    pupils_of: Callable[[Any], Iterable[UUID]],
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Mark an access function as yielding child-level records: what it finds is passed through
    `child_read`, with the children `pupils_of(found)` names, before the caller sees it."""

    def decorate(access: Callable[P, T]) -> Callable[P, T]:
        @wraps(access)
        def gated(*args: P.args, **kwargs: P.kwargs) -> T:
            found = access(*args, **kwargs)
            viewer = cast(Membership, kwargs["viewer"])
            child_read(viewer=viewer, pupil_ids=pupils_of(found))
            return found

        setattr(gated, GATE_ATTRIBUTE, CHILD_LEVEL)
        return gated

    return decorate


def _itself(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


def _each(pupils: list[Pupil]) -> list[UUID]:
    return [p.pk for p in pupils]


def _members(household: "Household") -> list[UUID]:
    return list(household.members.values_list("pupil_id", flat=True))


def _pair(suggestion: "HouseholdSuggestion") -> list[UUID]:
    return [suggestion.pupil_a_id, suggestion.pupil_b_id]


# --- Access functions ----------------------------------------------------------------------------


@child_level(_itself)
def access_pupil(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` may read this child's whole record; otherwise Http404.

    A trust lead must also have said why (schools.reasons); until then AccessReasonRequiredError.
    """
    pupil = pupils_visible_to(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil


@child_level(_each)
def access_pupils(*, viewer: Membership, pupil_ids: Iterable[UUID]) -> list[Pupil]:
    """The children among `pupil_ids` whose whole record `viewer` may read (others are dropped
    without a word); Http404 when there are none. A trust lead must have said why for each."""
    pupils = list(pupils_visible_to(viewer=viewer).filter(pk__in=list(pupil_ids)))
    if not pupils:
        raise Http404("No such children")
    return pupils


@child_level(_members)
def access_household(*, viewer: Membership, household_id: UUID) -> "Household":
    """The household, if `viewer` may open the record of a child who is or was in it. A trust
    lead must have said why for each child of it whom the trust's schools hold."""
    from pupils.models import Household

    visible = pupils_visible_to(viewer=viewer).values("pk")
    household = (
        Household.objects.filter(pk=household_id, members__pupil__in=visible).distinct().first()
    )
    if household is None:
        raise Http404("No such household")
    return household


@child_level(_pair)
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


@not_child_level(
    "An import's summary: what the school's own file would change, for the people who import it"
)
def access_import_batch(*, viewer: Membership, batch_id: UUID) -> "ImportBatch":
    """An import previewed or run at the viewer's school, for its admin and DSL team."""
    from pupils.models import ImportBatch

    if viewer.role not in _IMPORTERS or viewer.school_id is None:
        raise Http404("No such import")
    batch = ImportBatch.objects.filter(pk=batch_id, school_id=viewer.school_id).first()
    if batch is None:
        raise Http404("No such import")
    return batch
