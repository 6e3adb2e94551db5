"""Access to school administration objects. Absent and forbidden get the same answer: 404."""

from uuid import UUID

from django.http import Http404

from schools.models import Invitation, Membership, Role
from schools.reasons import not_child_level


@not_child_level("A colleague's role at the school: no child is named in it")
def access_staff_membership(*, viewer: Membership, membership_id: UUID) -> Membership:
    """A role at the viewer's school, if the viewer administers that school."""
    if viewer.role != Role.SCHOOL_ADMIN or viewer.school_id is None:
        raise Http404("No such role")
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, school_id=viewer.school_id, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404("No such role")
    return membership


@not_child_level("An invitation to join the school: no child is named in it")
def access_invitation(*, viewer: Membership, invitation_id: UUID) -> Invitation:
    """An open invitation to the viewer's school, if the viewer administers that school."""
    if viewer.role != Role.SCHOOL_ADMIN or viewer.school_id is None:
        raise Http404("No such invitation")
    invitation = Invitation.objects.filter(
        pk=invitation_id,
        school_id=viewer.school_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation
