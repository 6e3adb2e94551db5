"""Reads about schools and staff."""

from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from schools.models import Invitation, Membership


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
