"""Findings: prompts raised by the detectors, and the DSL's decisions on them.

A finding is a prompt for professional judgement, never a verdict and never a score about a child
(issue 8; neglect-indicators.md §5 rules 1 and 6). It rests on named records (`evidence`), stores
the detector's slug and version and a hash of its inputs, and goes stale when a later run no longer
raises it. Findings are derived data: a run may refresh `last_seen_at` and `stale`; everything a
person decides is a new `FindingDecision` row, never an edit.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from patterns.registry import Severity
from pupils.models import Pupil
from schools.models import Membership, School


class FindingSeverity(models.TextChoices):
    """How soon the DSL is asked to look (the values of `patterns.registry.Severity`)."""

    CONSIDER = Severity.CONSIDER.value, "Consider"
    REVIEW = Severity.REVIEW.value, "Review soon"
    REVIEW_NOW = Severity.REVIEW_NOW.value, "Review today"


class FindingSubject(models.TextChoices):
    PUPIL = "pupil", "Child"
    HOUSEHOLD = "household", "Household"


class FindingOutcome(models.TextChoices):
    ACTED_ON = "acted_on", "Acted on"
    LINKED_TO_CASE = "linked_to_case", "Linked to a case"
    NOT_A_CONCERN_NOW = "not_a_concern_now", "Not a concern now"


class DetectorSettings(models.Model):
    """One school's settings for one detector: on or off, and any thresholds it changed.

    `values` holds only the changed thresholds; the defaults, with their sources, live beside each
    detector (`patterns.registry.setting`). Facts tagged [U] in the domain reference are settings.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="detector_settings")
    detector = models.CharField(max_length=60)
    enabled = models.BooleanField(default=True)
    values = models.JSONField(default=dict, blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["school", "detector"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "detector"], name="detector_settings_one_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.detector} at {self.school}"


class Finding(models.Model):
    """A detector's prompt about a child or a household, for one school's DSL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="findings")
    subject_kind = models.CharField(max_length=10, choices=FindingSubject.choices)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    # The household's id; a foreign key once the households model is merged (pupils app).
    household_id = models.CharField(max_length=64, blank=True)
    detector = models.CharField(max_length=60)
    detector_version = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=12, choices=FindingSeverity.choices)
    detail = models.TextField()
    # [{"kind": "concern", "id": "...", "date": "YYYY-MM-DD"}, ...], oldest first.
    evidence = models.JSONField(default=list)
    # On a finding raised again after a decision: the evidence that was not there before.
    new_evidence = models.JSONField(default=list, blank=True)
    inputs_hash = models.CharField(max_length=64)
    as_of = models.DateField(help_text="The date the run that raised it looked at.")
    first_raised_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    stale = models.BooleanField(default=False)
    stale_since = models.DateTimeField(null=True, blank=True)
    # The current finding for its school, subject and detector; an earlier one it re-raised is not.
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-first_raised_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    Q(subject_kind="pupil", pupil__isnull=False, household_id="")
                    | (Q(subject_kind="household", pupil__isnull=True) & ~Q(household_id=""))
                ),
                name="finding_subject_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["school", "pupil", "detector"],
                condition=Q(is_current=True, subject_kind="pupil"),
                name="finding_one_current_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["school", "household_id", "detector"],
                condition=Q(is_current=True, subject_kind="household"),
                name="finding_one_current_per_household",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["school", "is_current", "stale"], name="finding_school_open"),
        ]

    def __str__(self) -> str:
        return f"{self.detector} about {self.subject_kind} {self.pupil_id or self.household_id}"

    @property
    def latest_decision(self) -> "FindingDecision | None":
        """The decision that counts (uses prefetched decisions where a list view fetched them)."""
        decisions = list(self.decisions.all())
        return max(decisions, key=lambda d: d.decided_at) if decisions else None


class FindingDecision(models.Model):
    """The DSL's decision on a finding: acted on (what), linked to a case, or not a concern now
    (why). Never edited: a later decision is a new row, and the latest one counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=FindingOutcome.choices)
    action_taken = models.TextField(blank=True)
    # The case's reference; a foreign key once the concerns app's cases are merged.
    case_reference = models.CharField(max_length=100, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(outcome="acted_on") | ~Q(action_taken=""),
                name="finding_decision_acted_on_says_what",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="linked_to_case") | ~Q(case_reference=""),
                name="finding_decision_linked_names_case",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_a_concern_now") | ~Q(rationale=""),
                name="finding_decision_not_a_concern_has_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.finding}"
