"""Writes about schools, staff and roles. Each takes the acting membership and audits itself."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit import services as audit
from audit.models import AuditAction
from schools.models import Invitation, Membership, Role, School

INVITATION_DAYS = 7


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(
    *, actor: Membership, email: str, full_name: str, role: Role, request: HttpRequest | None = None
) -> Invitation:
    """Invite someone to the actor's school; the email carries a single-use link."""
    if actor.school is None:
        raise ValidationError("Only a school's administrator can invite staff to it.")
    if role == Role.TRUST_LEAD:
        raise ValidationError("Trust leads are appointed by the trust, not invited by a school.")
    email = email.strip().lower()
    if Membership.objects.filter(
        user__email=email, school=actor.school, role=role, is_active=True
    ).exists():
        raise ValidationError(f"{email} already has that role at {actor.school}.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        school=actor.school,
        email=email,
        full_name=full_name.strip(),
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit.record(
        actor=actor,
        action=AuditAction.INVITATION_SENT,
        target=invitation,
        request=request,
        details={"email": email, "role": str(role)},
    )
    link = settings.CAIRN_BASE_URL + reverse("schools:accept_invitation", args=[token])
    school_name = actor.school.name
    role_label = Role(role).label
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to Cairn at {school_name}",
            message=(
                f"{actor.user.full_name} has invited you to Cairn, {school_name}'s safeguarding "
                f"record system, as {role_label}.\n\nTo accept, open this link within "
                f"{INVITATION_DAYS} days and choose a password:\n{link}\n"
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this token opens, if it is still open."""
    return (
        Invitation.objects.select_related("school")
        .filter(
            token_hash=invitation_token_hash(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str, request: HttpRequest | None = None
) -> Membership:
    """Create the account (or reuse it, for someone already at another school) and the role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has been used already.")
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=invitation.full_name
        )
    membership = Membership.objects.create(
        user=user, school=invitation.school, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        actor=membership, action=AuditAction.INVITATION_ACCEPTED, target=invitation, request=request
    )
    return membership


@transaction.atomic
def invitation_revoke(
    *, actor: Membership, invitation: Invitation, request: HttpRequest | None = None
) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor, action=AuditAction.INVITATION_REVOKED, target=invitation, request=request
    )


@transaction.atomic
def membership_change_role(
    *, actor: Membership, membership: Membership, role: Role, request: HttpRequest | None = None
) -> Membership:
    """End the old role and start the new one, so the history of who held what is kept."""
    if membership.pk == actor.pk:
        raise ValidationError("You cannot change your own role. Ask another administrator.")
    if role == Role.TRUST_LEAD:
        raise ValidationError("Trust leads are appointed by the trust.")
    if role == membership.role:
        return membership
    old_role = membership.role
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    new = Membership.objects.create(user=membership.user, school=membership.school, role=role)
    audit.record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ROLE_CHANGED,
        target=new,
        request=request,
        details={"from": old_role, "to": str(role), "user": membership.user.email},
    )
    return new


@transaction.atomic
def membership_end(
    *, actor: Membership, membership: Membership, request: HttpRequest | None = None
) -> None:
    """Remove someone's role at the school; their records and the history stay."""
    if membership.pk == actor.pk:
        raise ValidationError("You cannot remove your own role. Ask another administrator.")
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    audit.record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ENDED,
        target=membership,
        request=request,
        details={"role": membership.role, "user": membership.user.email},
    )


@transaction.atomic
def school_update_settings(
    *,
    actor: Membership,
    school: School,
    idle_timeout_minutes: int | None,
    request: HttpRequest | None = None,
) -> School:
    before = school.idle_timeout_minutes
    school.idle_timeout_minutes = idle_timeout_minutes
    school.save(update_fields=["idle_timeout_minutes"])
    audit.record(
        actor=actor,
        action=AuditAction.SCHOOL_SETTINGS_CHANGED,
        target=school,
        request=request,
        details={"idle_timeout_minutes": {"from": before, "to": idle_timeout_minutes}},
    )
    return school
