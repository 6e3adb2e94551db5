from schools.models import Invitation
from schools.services import invitation_token_hash
from tests.access_table import SIGNED_IN, Case, allow, everyone


def _invitation(world) -> dict[str, object]:
    import datetime

    from django.utils import timezone

    invitation = Invitation.objects.create(
        school=world.school,
        email="new@oakfield.example",
        full_name="New Person",
        role="staff",
        token_hash=invitation_token_hash("secret-token"),
        invited_by=world.school_admin,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {"invitation_id": invitation.pk}


_admin_only = allow("school_admin")

CASES = {
    "schools:home": Case(allow(*SIGNED_IN)),
    # Choosing a role names a membership: only its own person may act in it.
    "schools:choose_role": Case(
        allow(*SIGNED_IN),
        post=lambda w: {"membership": str(w.dsl.pk)},
        only_writers=True,
    ),
    "schools:staff": Case(_admin_only),
    "schools:invite": Case(
        _admin_only,
        post=lambda w: {
            "full_name": "Posted Person",
            "email": "posted@oakfield.example",
            "role": "staff",
        },
        post_by="school_admin",
    ),
    # Revoking redirects back to the staff list; nobody else finds the invitation.
    "schools:invitation_revoke": Case(
        allow("school_admin", ok=302), kwargs=_invitation, method="post"
    ),
    "schools:membership_edit": Case(
        allow("school_admin"),
        kwargs=lambda w: {"membership_id": w.teacher.pk},
        post=lambda w: {"role": "attendance_lead"},
        post_by="school_admin",
    ),
    # An unknown token: the same page for everyone.
    "schools:accept_invitation": Case(everyone(404), kwargs=lambda w: {"token": "unknown"}),
    "schools:settings": Case(
        _admin_only, post=lambda w: {"idle_timeout_minutes": "20"}, post_by="school_admin"
    ),
}
