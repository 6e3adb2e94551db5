"""Who sees the training register and the low-level concerns register. Absent and forbidden get
the same answer: 404 (ADR 20).

Training (records-and-access.md §5): the headteacher, the safeguarding team and the school
administrator keep the school's register; everyone sees their own record.

Low-level concerns about adults (Keeping children safe in education, Part four): a register
apart from children's records, read by
- the headteacher (the case manager), about every adult but themselves;
- the DSL, and the deputy DSLs where the school's policy names them, about every adult except
  the safeguarding team: a concern about a DSL or deputy is for the headteacher only;
- the chair of governors, where the policy names them, about the headteacher only (a concern
  about the headteacher is read by the DSL and the chair);
and never by the adult it is about, whatever role they hold.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from schools.models import DSL_TEAM_ROLES, Membership, Role
from schools.reasons import not_child_level
from staffing.models import ConcernedAdult, LowLevelConcernPolicy, TrainingRecord

TRAINING_MANAGERS = frozenset({Role.HEADTEACHER, Role.DSL, Role.DEPUTY_DSL, Role.SCHOOL_ADMIN})
# Roles that may reach the low-level concerns pages at all; access below decides the rest.
LOW_LEVEL_ROLES = frozenset({Role.HEADTEACHER, Role.DSL, Role.DEPUTY_DSL, Role.GOVERNOR})


def manages_training(*, viewer: Membership) -> bool:
    return viewer.role in TRAINING_MANAGERS and viewer.school_id is not None


@not_child_level("A colleague's training: courses and dates, never anything about a child")
def access_training_person(*, viewer: Membership, membership_id: UUID) -> Membership:
    """Someone at the viewer's school whose training record the viewer may read: anyone, for
    those who keep the register; otherwise only the viewer themselves."""
    if viewer.school_id is None:
        raise Http404("No such person")
    person = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, school_id=viewer.school_id)
        .first()
    )
    if person is None:
        raise Http404("No such person")
    if not manages_training(viewer=viewer) and person.user_id != viewer.user_id:
        raise Http404("No such person")
    return person


@not_child_level("A training certificate: a colleague's course, never anything about a child")
def access_training_evidence(*, viewer: Membership, record_id: UUID) -> TrainingRecord:
    """A training record with evidence, for the register's keepers or the person it is about."""
    if viewer.school_id is None:
        raise Http404("No such record")
    record = (
        TrainingRecord.objects.select_related("person")
        .filter(pk=record_id, school_id=viewer.school_id)
        .exclude(evidence_stored_name="")
        .first()
    )
    if record is None:
        raise Http404("No such record")
    if not manages_training(viewer=viewer) and record.person.user_id != viewer.user_id:
        raise Http404("No such record")
    return record


# --- Low-level concerns ------------------------------------------------------------------------


def llc_policy(*, school_id: UUID) -> LowLevelConcernPolicy | None:
    return (
        LowLevelConcernPolicy.objects.filter(school_id=school_id)
        .select_related("chair__user")
        .order_by("-set_at")
        .first()
    )


def _is_chair(viewer: Membership, policy: LowLevelConcernPolicy | None) -> bool:
    if policy is None or policy.chair_id is None:
        return False
    return policy.chair_id == viewer.pk and viewer.role == Role.GOVERNOR and viewer.is_active


def _reads_as_dsl(viewer: Membership, policy: LowLevelConcernPolicy | None) -> bool:
    if viewer.role == Role.DSL:
        return True
    return viewer.role == Role.DEPUTY_DSL and policy is not None and policy.deputy_dsl_reads


def reads_low_level_register(*, viewer: Membership) -> bool:
    if viewer.school_id is None:
        return False
    if viewer.role == Role.HEADTEACHER:
        return True
    policy = llc_policy(school_id=viewer.school_id)
    return _reads_as_dsl(viewer, policy) or _is_chair(viewer, policy)


def records_low_level(*, viewer: Membership) -> bool:
    """The headteacher and the named safeguarding team record; the chair only reads."""
    return reads_low_level_register(viewer=viewer) and viewer.role != Role.GOVERNOR


def _holders(school_id: UUID, roles: frozenset[Role]) -> QuerySet[Membership]:
    return Membership.objects.filter(school_id=school_id, role__in=roles, is_active=True)


def adults_visible_to(*, viewer: Membership) -> QuerySet[ConcernedAdult]:
    """The adults in the register whose concerns `viewer` may read (ADR 20)."""
    if viewer.school_id is None:
        return ConcernedAdult.objects.none()
    own = ConcernedAdult.objects.filter(school_id=viewer.school_id).exclude(user_id=viewer.user_id)
    if viewer.role == Role.HEADTEACHER:
        return own
    policy = llc_policy(school_id=viewer.school_id)
    if _reads_as_dsl(viewer, policy):
        team = _holders(viewer.school_id, DSL_TEAM_ROLES).values("user_id")
        return own.exclude(user_id__in=team)
    if _is_chair(viewer, policy):
        heads = _holders(viewer.school_id, frozenset({Role.HEADTEACHER})).values("user_id")
        return own.filter(user_id__in=heads)
    return ConcernedAdult.objects.none()


@not_child_level("An adult in the low-level concerns register: about a colleague, not a child")
def access_concerned_adult(*, viewer: Membership, adult_id: UUID) -> ConcernedAdult:
    adult = adults_visible_to(viewer=viewer).filter(pk=adult_id).first()
    if adult is None:
        raise Http404("No such adult")
    return adult
