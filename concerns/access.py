"""Who may open a concern and what hangs off it. Absent and forbidden get the same answer: 404.

- Staff and the attendance lead: only the concerns they recorded themselves (and what was
  added to them), never the safeguarding team's decisions.
- DSL, deputy DSL, headteacher: every concern at their school.
- Trust lead: concerns at the trust's schools, where the trust allows child-level access.
- Governors and school administrators: never.
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from concerns.models import (
    Action,
    AllegationRecord,
    Attachment,
    Concern,
    ConcernDraft,
    Decision,
    EncompassNotification,
)
from pupils.access import child_level, pupils_on_roll_for
from schools.models import CHILD_RECORD_ROLES, OWN_RECORD_ROLES, Membership, Role

_SCHOOL_WIDE = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
# Who reads the safeguarding team's decisions and actions on a concern they may open.
_DECISION_READERS = _SCHOOL_WIDE | {Role.TRUST_LEAD}
# The restricted register of allegations about adults: the DSL and the headteacher (case manager).
_ALLEGATION_READERS = frozenset({Role.DSL, Role.HEADTEACHER})
# Who may be given an action on a concern: the school's roles that read children's records, and
# so can open the action and the child it is about (`access_action`). Never a governor or the
# school administrator, who can open neither.
ACTION_ASSIGNEE_ROLES = CHILD_RECORD_ROLES - {Role.TRUST_LEAD}


def _concern_children(concern: Concern) -> list[UUID]:
    return list(concern.parts.values_list("pupil_id", flat=True))


def _children_of_its_concern(item: Attachment | Decision | Action) -> list[UUID]:
    return _concern_children(item.concern)


def concerns_visible_to(*, viewer: Membership) -> QuerySet[Concern]:
    """Every concern `viewer` may open."""
    if viewer.role in _SCHOOL_WIDE and viewer.school_id is not None:
        return Concern.objects.filter(school_id=viewer.school_id)
    if viewer.role in OWN_RECORD_ROLES and viewer.school_id is not None:
        return Concern.objects.filter(school_id=viewer.school_id, recorded_by=viewer)
    if viewer.role == Role.TRUST_LEAD and viewer.trust is not None:
        if not viewer.trust.trust_lead_child_access:
            return Concern.objects.none()
        return Concern.objects.filter(school__trust=viewer.trust)
    return Concern.objects.none()


@child_level(_concern_children)
def access_concern(*, viewer: Membership, concern_id: UUID) -> Concern:
    """The concern, if `viewer` may read it; otherwise Http404. A trust lead says why before
    opening a record about each of the concern's children (the gate, `pupils.access`)."""
    concern = concerns_visible_to(viewer=viewer).filter(pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern")
    return concern


def reads_every_concern_at_school(*, viewer: Membership) -> bool:
    """The DSL team and the headteacher read every concern at their school, so they may list
    them (the inbox, search); only the DSL team decides on them (`can_triage`)."""
    return viewer.role in _SCHOOL_WIDE and viewer.school_id is not None


def can_triage(*, viewer: Membership, concern: Concern) -> bool:
    """Only the school's DSL team decides on concerns and assigns actions."""
    return viewer.is_dsl_team and viewer.school_id == concern.school_id


@child_level(_concern_children)
def access_concern_for_triage(*, viewer: Membership, concern_id: UUID) -> Concern:
    concern = access_concern(viewer=viewer, concern_id=concern_id)
    if not can_triage(viewer=viewer, concern=concern):
        raise Http404("No such concern")
    return concern


def sees_decisions(*, viewer: Membership) -> bool:
    """Staff see what they recorded and what was added to it, not the DSL's decisions; so does
    every other role not named here (deny by default)."""
    return viewer.role in _DECISION_READERS


@child_level(_children_of_its_concern)
def access_attachment(*, viewer: Membership, attachment_id: UUID) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=attachment_id, concern__in=concerns_visible_to(viewer=viewer))
        .select_related("concern")
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def may_be_assigned(*, membership: Membership, concern: Concern) -> bool:
    """Whether `membership` may be given an action on `concern`: current, at its school, in a
    role that reads children's records."""
    if not membership.is_active:
        return False
    if membership.school_id != concern.school_id:
        return False
    return membership.role in ACTION_ASSIGNEE_ROLES


def action_assignees_for(*, concern: Concern) -> QuerySet[Membership]:
    """Everyone who may be given an action on `concern` (see `may_be_assigned`)."""
    return (
        Membership.objects.filter(
            school_id=concern.school_id, is_active=True, role__in=ACTION_ASSIGNEE_ROLES
        )
        .select_related("user")
        .order_by("user__full_name")
    )


@child_level(_children_of_its_concern)
def access_decision_for_triage(*, viewer: Membership, decision_id: UUID) -> Decision:
    if viewer.school is None:
        raise Http404("No such decision")
    decision = (
        Decision.objects.filter(pk=decision_id, concern__school=viewer.school)
        .select_related("concern")
        .first()
    )
    if decision is None:
        raise Http404("No such decision")
    if not can_triage(viewer=viewer, concern=decision.concern):
        raise Http404("No such decision")
    return decision


@child_level(_children_of_its_concern)
def access_action(*, viewer: Membership, action_id: UUID) -> Action:
    """An action its assignee, or the school's DSL team, may complete."""
    action = Action.objects.filter(pk=action_id).select_related("concern").first()
    if action is None:
        raise Http404("No such action")
    if action.assigned_to_id == viewer.pk:
        return action
    if viewer.is_dsl_team and viewer.school_id == action.concern.school_id:
        return action
    raise Http404("No such action")


def sees_allegations(*, viewer: Membership) -> bool:
    return viewer.role in _ALLEGATION_READERS and viewer.school_id is not None


def allegations_visible_to(*, viewer: Membership) -> QuerySet[AllegationRecord]:
    if not sees_allegations(viewer=viewer) or viewer.school is None:
        return AllegationRecord.objects.none()
    return AllegationRecord.objects.filter(school=viewer.school)


def sees_encompass(*, viewer: Membership) -> bool:
    """Operation Encompass notifications are need-to-know: the DSL team only.

    Source: records-and-access.md §8, "need-to-know only" [P].
    """
    return viewer.is_dsl_team and viewer.school_id is not None


def encompass_visible_to(*, viewer: Membership) -> QuerySet[EncompassNotification]:
    if not sees_encompass(viewer=viewer) or viewer.school is None:
        return EncompassNotification.objects.none()
    return EncompassNotification.objects.filter(school=viewer.school)


def _draft_child(draft: ConcernDraft | None) -> list[UUID]:
    return [draft.pupil_id] if draft is not None and draft.pupil_id is not None else []


@child_level(_draft_child)
def access_draft(*, viewer: Membership) -> ConcernDraft | None:
    """The viewer's own draft concern, if they have one: a draft is seen by its author only,
    and only while the child it is about is still on the roll they record for (the gate,
    `pupils.access`, checks the child again). None when there is no such draft."""
    on_roll = pupils_on_roll_for(viewer=viewer).values("pk")
    return (
        ConcernDraft.objects.filter(author=viewer)
        .filter(Q(pupil__isnull=True) | Q(pupil__in=on_roll))
        .first()
    )
