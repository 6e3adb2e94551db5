"""Reads about schools and staff."""

from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from schools.models import CHILD_RECORD_ROLES, Invitation, Membership


def staff_for_school(*, viewer: Membership) -> QuerySet[Membership]:
    if viewer.school_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(school_id=viewer.school_id, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def open_invitations_for_school(*, viewer: Membership) -> QuerySet[Invitation]:
    if viewer.school_id is None:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        school_id=viewer.school_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at")


def memberships_for_user(*, user_id: UUID) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user_id, is_active=True).select_related(
        "school", "trust"
    )


def holds_child_record_role(*, user_id: UUID) -> bool:
    """Whether the person acts in any role that opens children's records: such a person must use
    a second factor (accounts.middleware asks through settings.CAIRN_TWO_FACTOR_REQUIRED_FOR)."""
    return Membership.objects.filter(
        user_id=user_id, is_active=True, role__in=list(CHILD_RECORD_ROLES)
    ).exists()
