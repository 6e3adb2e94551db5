"""The append-only audit trail. Only `audit.services.record` (and `record_many`) write it."""

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
    VOICE_ENTRY_RECORDED = "voice_entry_recorded", "Child's voice recorded"
    VOICE_ENTRY_AMENDED = "voice_entry_amended", "Child's voice entry amended"
    VOICE_ENTRY_VIEWED = "voice_entry_viewed", "Child's voice entry viewed"
    VOICE_ENTRIES_LISTED = "voice_entries_listed", "Child's voice page viewed"
    VOICE_ATTACHMENT_VIEWED = "voice_attachment_viewed", "Child's voice attachment opened"
    SUPPORT_STATUS_RECORDED = "support_status_recorded", "Safeguarding status recorded"
    CHECK_IN_SCHEDULE_SET = "check_in_schedule_set", "Check-in schedule set"
    VOICE_SETTINGS_CHANGED = "voice_settings_changed", "Check-in cadences changed"
    FINDINGS_REFRESHED = "findings_refreshed", "Pattern findings refreshed"
    FINDING_DECIDED = "finding_decided", "Decision recorded on a pattern finding"
    DETECTOR_SETTINGS_CHANGED = "detector_settings_changed", "Pattern detector settings changed"
    FINDING_VIEWED = "finding_viewed", "Pattern finding viewed"
    CHILD_FINDINGS_VIEWED = "child_findings_viewed", "Child's pattern findings viewed"
    ATTENDANCE_IMPORTED = "attendance_imported", "Attendance registers imported"
    ATTENDANCE_CODE_MAPPED = "attendance_code_mapped", "Attendance code mapping set"
    ATTENDANCE_CODE_MAPPING_WITHDRAWN = (
        "attendance_code_mapping_withdrawn",
        "Attendance code mapping withdrawn",
    )
    ATTENDANCE_VIEWED = "attendance_viewed", "Child's attendance viewed"
    ATTENDANCE_COHORT_VIEWED = "attendance_cohort_viewed", "Attendance cohort list viewed"
    CONCERN_RECORDED = "concern_recorded", "Concern recorded"
    CONCERN_VIEWED = "concern_viewed", "Concern viewed"
    CONCERN_AMENDED = "concern_amended", "Concern amended"
    CONCERN_NOTE_ADDED = "concern_note_added", "Further information added to a concern"
    CONCERN_DRAFT_SAVED = "concern_draft_saved", "Draft concern saved"
    CONCERN_DRAFT_OPENED = "concern_draft_opened", "Draft concern opened"
    CONCERN_DRAFT_DELETED = "concern_draft_deleted", "Draft concern deleted"
    ATTACHMENT_ADDED = "attachment_added", "Attachment added"
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", "Attachment opened"
    DECISION_RECORDED = "decision_recorded", "Decision recorded"
    ALLEGATION_REGISTER_VIEWED = "allegation_register_viewed", "Allegations register viewed"
    REFERRAL_OUTCOME_RECORDED = "referral_outcome_recorded", "Referral outcome recorded"
    ACTION_ASSIGNED = "action_assigned", "Action assigned"
    ACTION_COMPLETED = "action_completed", "Action completed"
    CONCERNS_SEARCHED = "concerns_searched", "Concerns searched"
    CHRONOLOGY_VIEWED = "chronology_viewed", "Chronology viewed"
    CHRONOLOGY_EXPORTED = "chronology_exported", "Chronology exported"
    BEHAVIOUR_RECORDED = "behaviour_recorded", "Behaviour incident recorded"
    BEHAVIOUR_IMPORTED = "behaviour_imported", "Behaviour incidents imported"
    ENCOMPASS_RECORDED = "encompass_recorded", "Operation Encompass notification recorded"
    HISTORY_IMPORTED = "history_imported", "History imported from another system"
    HISTORY_EXPORTED = "history_exported", "History exported in the import format"
    CONCERN_CATEGORY_CHANGED = "concern_category_changed", "Concern category added or changed"
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
    ACCESS_REASON_GIVEN = "access_reason_given", "Reason given to open a child's record"
    CHILDREN_LISTED = "children_listed", "List of children viewed"
    RECORD_FORM_OPENED = "record_form_opened", "Form about a child's record opened"
    ANALYTICS_VIEWED = "analytics_viewed", "Safeguarding dashboard viewed"
    ANALYTICS_EXPORTED = "analytics_exported", "Safeguarding dashboard table exported"
    GOVERNORS_REPORT_EXPORTED = "governors_report_exported", "Governors' report downloaded"
    GOVERNOR_ACTIONS_WRITTEN = "governor_actions_written", "Actions for governors written"
    FACTOR_RECORDED = "factor_recorded", "Known factor recorded"
    FACTOR_WITHDRAWN = "factor_withdrawn", "Known factor withdrawn"
    FACTORS_VIEWED = "factors_viewed", "Child's known factors viewed"
    AGENCY_CONTACT_RECORDED = "agency_contact_recorded", "Contact with another agency recorded"
    AGENCY_RESPONSE_RECORDED = "agency_response_recorded", "Another agency's answer recorded"
    PLAN_RECORDED = "plan_recorded", "Plan recorded"
    PLAN_ENDED = "plan_ended", "Plan ended"
    MEETING_RECORDED = "meeting_recorded", "Multi-agency meeting recorded"
    MEETING_REPORT_OPENED = "meeting_report_opened", "School's report to a meeting opened"
    ESCALATION_OPENED = "escalation_opened", "Escalation opened"
    ESCALATION_STAGE_RECORDED = "escalation_stage_recorded", "Escalation stage recorded"
    ESCALATION_SETTINGS_CHANGED = "escalation_settings_changed", "Escalation stages changed"
    ENROLMENT_ENDED = "enrolment_ended", "Child left the school's roll"
    AGREED_ABSENCE_RECORDED = "agreed_absence_recorded", "Agreed absence recorded"
    HOUSEHOLD_CHILD_RECORDED = "household_child_recorded", "Child in the household recorded"
    ENGAGEMENT_RECORDED = "engagement_recorded", "Parents' engagement recorded"
    DAY_NOTE_RECORDED = "day_note_recorded", "Note about the child's day recorded"
    CASEWORK_VIEWED = "casework_viewed", "Child's casework page viewed"
    TRANSFER_STARTED = "transfer_started", "Child protection file transfer started"
    TRANSFER_PREPARED = "transfer_prepared", "Child protection file prepared for transfer"
    TRANSFER_BUNDLE_DOWNLOADED = "transfer_bundle_downloaded", "Sealed transfer file downloaded"
    TRANSFER_SENT = "transfer_sent", "Child protection file sent"
    TRANSFER_RECEIPT_CONFIRMED = "transfer_receipt_confirmed", "Transfer receipt confirmed"
    TRANSFER_VIEWED = "transfer_viewed", "Child protection file transfer viewed"
    TRANSFER_IMPORTED = "transfer_imported", "Child protection file received and imported"
    TRANSFER_IMPORT_REFUSED = "transfer_import_refused", "Transferred file refused"
    TRANSFER_RECEIPT_DOWNLOADED = "transfer_receipt_downloaded", "Transfer receipt downloaded"
    TRANSFERRED_ATTACHMENT_OPENED = (
        "transferred_attachment_opened",
        "Transferred attachment opened",
    )
    TERM_DATES_CHANGED = "term_dates_changed", "Term dates changed"
    # Staff, supervision and learning (staffing/, learning/: issue 20).
    TRAINING_RECORDED = "training_recorded", "Training recorded"
    TRAINING_IMPORTED = "training_imported", "Training records imported"
    TRAINING_REGISTER_VIEWED = "training_register_viewed", "Training register viewed"
    TRAINING_RECORD_VIEWED = "training_record_viewed", "Someone's training record viewed"
    TRAINING_EVIDENCE_OPENED = "training_evidence_opened", "Training evidence opened"
    LOW_LEVEL_CONCERN_RECORDED = "low_level_concern_recorded", "Low-level concern recorded"
    LOW_LEVEL_REGISTER_VIEWED = "low_level_register_viewed", "Low-level concerns register viewed"
    LOW_LEVEL_ADULT_VIEWED = "low_level_adult_viewed", "Low-level concerns about an adult viewed"
    LOW_LEVEL_ADULT_LEFT = "low_level_adult_left", "Adult's leaving date recorded"
    LOW_LEVEL_POLICY_SET = "low_level_policy_set", "Low-level concerns readers set"
    SUPERVISION_RECORDED = "supervision_recorded", "Supervision session recorded"
    SUPERVISION_VIEWED = "supervision_viewed", "Supervision session viewed"
    SUPERVISION_LISTED = "supervision_listed", "Supervision sessions listed"
    REFLECTIVE_REVIEW_RECORDED = "reflective_review_recorded", "Reflective review recorded"
    REFLECTIVE_REVIEWS_VIEWED = "reflective_reviews_viewed", "Reflective reviews viewed"
    PRACTICE_REVIEW_RECORDED = "practice_review_recorded", "Practice review added"
    PRACTICE_REVIEWS_IMPORTED = "practice_reviews_imported", "Practice reviews imported"
    PRACTICE_REVIEWS_VIEWED = "practice_reviews_viewed", "Practice reviews library viewed"
    WENT_WELL_RECORDED = "went_well_recorded", "What went well recorded"
    WENT_WELL_VIEWED = "went_well_viewed", "What went well page viewed"
    RETENTION_POLICY_CHANGED = "retention_policy_changed", "Retention period changed"
    RETENTION_VIEWED = "retention_viewed", "Child's retention page viewed"
    RETENTION_KEPT = "retention_kept", "Record kept for another period"
    LEGAL_HOLD_PLACED = "legal_hold_placed", "Record placed on legal hold"
    LEGAL_HOLD_RELEASED = "legal_hold_released", "Legal hold released"
    DESTRUCTION_PROPOSED = "destruction_proposed", "Destruction of a record proposed"
    DESTRUCTION_WITHDRAWN = "destruction_withdrawn", "Proposed destruction withdrawn"
    RECORD_DESTROYED = "record_destroyed", "Child's record destroyed (tombstone kept)"


# The events that record a read (a page opened, a list searched, a file downloaded) or a sign-in,
# and change nothing any page shows. Every other action is a write: `latest_change` (the front
# sheet's cache key, ADR 23) is the newest event not in this list, so an action missing from it
# only costs the cache a miss, never shows a stale page.
READ_ACTIONS: tuple[str, ...] = tuple(
    sorted(
        {
            AuditAction.SIGNED_IN,
            AuditAction.SIGNED_OUT,
            AuditAction.SIGN_IN_FAILED,
            AuditAction.SESSION_TIMED_OUT,
            AuditAction.TWO_FACTOR_FAILED,
            AuditAction.MEMBERSHIP_SELECTED,
            AuditAction.ACCESS_LOG_VIEWED,
            AuditAction.ACCESS_REASON_GIVEN,
            AuditAction.PUPIL_VIEWED,
            AuditAction.SIBLING_SHOWN_ACROSS_SCHOOLS,
            AuditAction.CHILDREN_LISTED,
            AuditAction.RECORD_FORM_OPENED,
            AuditAction.HOUSEHOLD_VIEWED,
            AuditAction.VOICE_ENTRY_VIEWED,
            AuditAction.VOICE_ENTRIES_LISTED,
            AuditAction.VOICE_ATTACHMENT_VIEWED,
            AuditAction.FINDING_VIEWED,
            AuditAction.CHILD_FINDINGS_VIEWED,
            AuditAction.ATTENDANCE_VIEWED,
            AuditAction.ATTENDANCE_COHORT_VIEWED,
            AuditAction.CONCERN_VIEWED,
            AuditAction.ATTACHMENT_DOWNLOADED,
            AuditAction.ALLEGATION_REGISTER_VIEWED,
            AuditAction.CONCERNS_SEARCHED,
            AuditAction.CHRONOLOGY_VIEWED,
            AuditAction.CHRONOLOGY_EXPORTED,
            AuditAction.HISTORY_EXPORTED,
            AuditAction.ANALYTICS_VIEWED,
            AuditAction.ANALYTICS_EXPORTED,
            AuditAction.GOVERNORS_REPORT_EXPORTED,
            AuditAction.FACTORS_VIEWED,
            AuditAction.CASEWORK_VIEWED,
            AuditAction.TRANSFER_VIEWED,
            AuditAction.TRANSFERRED_ATTACHMENT_OPENED,
            AuditAction.RETENTION_VIEWED,
            AuditAction.MEETING_REPORT_OPENED,
            AuditAction.TRANSFER_BUNDLE_DOWNLOADED,
            AuditAction.TRANSFER_RECEIPT_DOWNLOADED,
            AuditAction.TRAINING_REGISTER_VIEWED,
            AuditAction.TRAINING_RECORD_VIEWED,
            AuditAction.TRAINING_EVIDENCE_OPENED,
            AuditAction.LOW_LEVEL_REGISTER_VIEWED,
            AuditAction.LOW_LEVEL_ADULT_VIEWED,
            AuditAction.SUPERVISION_VIEWED,
            AuditAction.SUPERVISION_LISTED,
            AuditAction.REFLECTIVE_REVIEWS_VIEWED,
            AuditAction.PRACTICE_REVIEWS_VIEWED,
            AuditAction.WENT_WELL_VIEWED,
        }
    )
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
            # The newest write in one step however many reads came after it (`latest_change`).
            models.Index(
                fields=["seq"], name="audit_write_seq", condition=~models.Q(action__in=READ_ACTIONS)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label or 'system'} at {self.at:%c}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
