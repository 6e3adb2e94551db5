"""The append-only audit trail. Only `audit.services.record` writes it."""

from typing import ClassVar

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """Every kind of event the trail records. Stored as text; the list lives in code only."""

    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_IN_LOCKED = "sign_in_locked", "Sign-in refused: locked out"
    SESSION_TIMED_OUT = "session_timed_out", "Signed out after being idle"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor authenticator set up"
    TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Recovery codes issued"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    MEMBERSHIP_SELECTED = "membership_selected", "Role chosen for this session"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    MEMBERSHIP_ROLE_CHANGED = "membership_role_changed", "Role changed"
    MEMBERSHIP_ENDED = "membership_ended", "Membership ended"
    SCHOOL_SETTINGS_CHANGED = "school_settings_changed", "School settings changed"
    TRUST_SETTINGS_CHANGED = "trust_settings_changed", "Trust settings changed"
    ACCESS_LOG_VIEWED = "access_log_viewed", "Access log viewed"
    PUPIL_VIEWED = "pupil_viewed", "Child's record viewed"
    DEMO_SEEDED = "demo_seeded", "Demo data created"
    PUPIL_ADDED_BY_IMPORT = "pupil_added_by_import", "Child added by an import"
    PUPIL_CHANGED_BY_IMPORT = "pupil_changed_by_import", "Child's details changed by an import"
    PUPILS_IMPORTED = "pupils_imported", "Pupil file imported"
    PUPILS_IMPORT_PREVIEWED = "pupils_import_previewed", "Pupil file previewed (dry run)"
    PUPILS_IMPORT_REFUSED = "pupils_import_refused", "Pupil file refused"
    HOUSEHOLD_VIEWED = "household_viewed", "Household viewed"
    HOUSEHOLD_SUGGESTIONS_MADE = "household_suggestions_made", "Household links proposed"
    HOUSEHOLD_SUGGESTION_CONFIRMED = "household_suggestion_confirmed", "Household link confirmed"
    HOUSEHOLD_SUGGESTION_REJECTED = "household_suggestion_rejected", "Household link rejected"
    SIBLING_SHOWN_ACROSS_SCHOOLS = (
        "sibling_shown_across_schools",
        "Shown to a sibling's school as having records",
    )


class AuditEvent(models.Model):
    """One thing that happened, sealed and chained to the event before it.

    `seq` numbers events without gaps; `seal` is an HMAC over the event's content and the seal
    of the event before it, so an edited, deleted or inserted row breaks the chain
    (`manage.py verify_audit`). On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=20, blank=True)
    school_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # The child the event concerns, when there is one: the child's access log reads this.
    pupil_id = models.UUIDField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_seal = models.CharField(max_length=64)
    seal = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["pupil_id", "at"], name="audit_pupil_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label or 'system'} at {self.at:%c}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
