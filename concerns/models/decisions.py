"""The DSL's decisions on a concern, what became of a referral, the actions and alerts."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from concerns.models.records import Concern
from schools.models import Membership, School


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    MONITOR = "monitor", "Monitor"
    EARLY_HELP = "early_help", "Early help"
    SOCIAL_CARE = "social_care", "Referral to children's social care"
    POLICE = "police", "Referral to the police"
    LADO = "lado", "Allegation about an adult: LADO"
    PREVENT = "prevent", "Prevent / Channel referral"
    OTHER_AGENCY = "other_agency", "Referral to another agency"


# Outcomes that send the concern to another agency, whose outcome the school then records.
REFERRAL_OUTCOMES = frozenset(
    {Outcome.SOCIAL_CARE, Outcome.POLICE, Outcome.LADO, Outcome.PREVENT, Outcome.OTHER_AGENCY}
)


class Decision(models.Model):
    """The DSL's decision on a concern, always with its rationale (including "no referral").

    Source: decisions not to refer are decisions, recorded with outcome and rationale — KCSIE
    Annex C [P esremedia.co.uk] (Cairn domain reference, records-and-access.md §2). A changed
    decision is a new row that supersedes the old, with a reason.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    rationale = models.TextField()
    review_date = models.DateField(null=True, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    referral_reference = models.CharField(max_length=100, blank=True)
    referral_date = models.DateField(null=True, blank=True)
    outcome_expected_by = models.DateField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    change_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200)
    decided_at = models.DateTimeField(db_index=True)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
            models.CheckConstraint(
                condition=~Q(outcome="monitor") | Q(review_date__isnull=False),
                name="decision_monitor_has_review_date",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(change_reason=""),
                name="decision_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()

    @property
    def is_referral(self) -> bool:
        return self.outcome in REFERRAL_OUTCOMES


class AllegationRecord(models.Model):
    """An allegation about an adult, referred to the LADO: the separate, restricted register.

    Source: the DSL liaises with the case manager and LADO on allegations against staff — KCSIE
    Annex C [V] (Cairn domain reference, records-and-access.md §5); such records are kept apart
    from children's files (§9, retention of allegations [U]).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="allegations")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="allegation")
    adult_name = models.CharField(max_length=200)
    adult_role = models.CharField(max_length=200)
    lado_reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Allegation about {self.adult_role}"


class ReferralOutcome(models.Model):
    """What the other agency decided, and whether the school agrees (escalation if not).

    Source: a "do we agree?" step after a referral outcome; escalation where the child's situation
    does not improve [P Croydon, Hertfordshire procedures] (records-and-access.md §11).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="outcomes")
    received_on = models.DateField()
    outcome = models.TextField()
    school_agrees = models.BooleanField()
    next_steps = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(school_agrees=True) | ~Q(next_steps=""),
                name="referral_outcome_disagreement_has_next_steps",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome received {self.received_on:%d %b %Y}"


class Action(models.Model):
    """Something a named member of staff is to do about a concern, by a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    assigned_to = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="assigned_actions"
    )
    due_on = models.DateField(db_index=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.description[:60]


class ActionCompletion(models.Model):
    """An action done, with what was done. One per action."""

    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="completion")
    note = models.TextField()
    completed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Done {self.completed_at:%d %b %Y}"


class Alert(models.Model):
    """An in-app alert to a member of the safeguarding team that a concern was recorded.

    "Notified of a concern" is kept apart from "may read the file" (records-and-access.md §11):
    an alert carries no access of its own; opening the concern goes through `access_concern`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="alerts")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="alerts")
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["recipient", "concern"], name="alert_once"),
        ]

    def __str__(self) -> str:
        return f"Alert for {self.recipient}"
