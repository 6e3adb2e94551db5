"""Retention (issue 15; records-and-access.md §9): each child's record has a retention date, a
person decides what happens when it is reached, and a destroyed record leaves a tombstone.

- `RetentionPolicy`: the school's period, in years after the child's date of birth (25 by default:
  the IRMS Information Management Toolkit for Schools, for child protection files).
- `RetentionReview`: each decision on a reached record, kept in order (never edited): kept for
  another period, placed on legal hold, hold released.
- `DestructionRequest`: destruction proposed by the safeguarding team and approved by the
  headteacher (a second person); never automatic.
- `Tombstone`: what was destroyed, when, by whom and under which rule; no child data.
"""

import uuid
from typing import ClassVar

from django.db import models

from pupils.models import Pupil
from schools.models import Membership, School


class RetentionPolicy(models.Model):
    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="retention_policy")
    years_after_birth = models.PositiveSmallIntegerField(default=25)
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.school}: {self.years_after_birth} years after date of birth"


class ReviewKind(models.TextChoices):
    KEEP = "keep", "Kept for another period"
    HOLD = "hold", "Placed on legal hold"
    RELEASE = "release", "Legal hold released"


class RetentionReview(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="retention_reviews")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    reason = models.TextField()
    # For KEEP: the record is reviewed again on this date.
    keep_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decided_at:%Y-%m-%d})"


class DestructionStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the headteacher"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DestructionRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="destruction_requests")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=DestructionStatus.choices, default=DestructionStatus.PROPOSED
    )
    reason = models.TextField()
    proposed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["proposed_at"]

    def __str__(self) -> str:
        return f"Destruction {self.get_status_display().lower()}"


class Tombstone(models.Model):
    """A destroyed record, without the child: no name, date of birth, UPN or words. The former
    record's id lets the audit trail's sealed events about the child be recognised as concerning
    a destroyed record (ADR 22); nothing else refers to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    former_record_id = models.UUIDField(unique=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="tombstones")
    rule = models.CharField(max_length=200)
    reason = models.TextField()
    destroyed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    # {"Concerns": 3, "Attachments": 2, …}: kinds and counts only.
    records_destroyed = models.JSONField(default=dict)
    files_removed = models.PositiveIntegerField(default=0)
    audit_seq = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-destroyed_at"]

    def __str__(self) -> str:
        return f"Record destroyed {self.destroyed_at:%Y-%m-%d}"

    @property
    def entries(self) -> int:
        return sum(int(n) for n in self.records_destroyed.values())
