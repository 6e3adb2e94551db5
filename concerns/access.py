"""Who may open a concern and what hangs off it. Absent and forbidden get the same answer: 404.

- Staff and the attendance lead: only the concerns they recorded themselves (and what was
  added to them), never the safeguarding team's decisions.
- DSL, deputy DSL, headteacher: every concern at their school.
- Trust lead: concerns at the trust's schools, where the trust allows child-level access.
- Governors and school administrators: never.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from concerns.models import (
    Action,
    AllegationRecord,
    Attachment,
    Concern,
    Decision,
    EncompassNotification,
)
from schools.models import OWN_RECORD_ROLES, Membership, Role
from schools.reasons import reason_for

_SCHOOL_WIDE = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
# Who reads the safeguarding team's decisions and actions on a concern they may open.
_DECISION_READERS = _SCHOOL_WIDE | {Role.TRUST_LEAD}
# The restricted register of allegations about adults: the DSL and the headteacher (case manager).
_ALLEGATION_READERS = frozenset({Role.DSL, Role.HEADTEACHER})


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


def access_concern(*, viewer: Membership, concern_id: UUID) -> Concern:
    """The concern, if `viewer` may read it; otherwise Http404."""
    concern = concerns_visible_to(viewer=viewer).filter(pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern")
    # A trust lead says why before opening a record about any of the concern's children.
    reason_for(viewer=viewer, pupil_ids=concern.parts.values_list("pupil_id", flat=True))
    return concern


def can_triage(*, viewer: Membership, concern: Concern) -> bool:
    """Only the school's DSL team decides on concerns and assigns actions."""
    return viewer.is_dsl_team and viewer.school_id == concern.school_id


def access_concern_for_triage(*, viewer: Membership, concern_id: UUID) -> Concern:
    concern = access_concern(viewer=viewer, concern_id=concern_id)
    if not can_triage(viewer=viewer, concern=concern):
        raise Http404("No such concern")
    return concern


def sees_decisions(*, viewer: Membership) -> bool:
    """Staff see what they recorded and what was added to it, not the DSL's decisions; so does
    every other role not named here (deny by default)."""
    return viewer.role in _DECISION_READERS


def access_attachment(*, viewer: Membership, attachment_id: UUID) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=attachment_id, concern__in=concerns_visible_to(viewer=viewer))
        .select_related("concern")
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


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
