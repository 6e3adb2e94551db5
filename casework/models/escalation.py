"""The escalation procedure (a school setting), escalations, stages and outcomes."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from casework.models.agencies import AgencyResponse
from pupils.models import Pupil
from schools.models import Membership, School


class EscalationStageSetting(models.Model):
    """One stage of the local partnership's escalation procedure, as the school set it: who to
    go to and how many days that stage allows (records-and-access.md §11 "Escalation tracking":
    partnerships set stage timescales [P Croydon, Hertfordshire, West Yorkshire procedures])."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    contact = models.CharField(max_length=200, blank=True)
    days_allowed = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["school", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["school", "position"], name="escalation_stage_once"),
            models.CheckConstraint(condition=Q(days_allowed__gte=1), name="escalation_days_set"),
        ]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """The school challenging another agency's decision (professional challenge), opened from a
    response it disagrees with or from a pattern finding, climbing the stages until resolved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="escalations")
    response = models.ForeignKey(
        AgencyResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    # A pattern finding's id, where it was opened from one (patterns sit above this app).
    finding_id = models.UUIDField(null=True, blank=True)
    reason = models.TextField()
    opened_on = models.DateField()
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    opened_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_on", "-opened_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="escalation_imported_once",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="escalation_has_reason"),
            models.CheckConstraint(
                condition=Q(response__isnull=False) | Q(finding_id__isnull=False),
                name="escalation_has_a_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation opened {self.opened_on:%-d %b %Y}"


class EscalationStage(models.Model):
    """One stage of an escalation: whom the school went to, by when an answer is due, what was
    said. Its outcome is an `EscalationOutcome`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    contact = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    due_on = models.DateField(db_index=True)
    what_was_said = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["escalation", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["escalation", "position"], name="stage_once"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("started_on")), name="stage_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, due {self.due_on:%-d %b %Y}"


class StageOutcomeKind(models.TextChoices):
    CHANGED = "changed", "Resolved: the agency changed its decision"
    ACCEPTED = "accepted", "Resolved: the school accepts the answer, with reasons"
    NEXT = "next", "Not resolved: go to the next stage"
    CLOSED = "closed", "Closed without agreement"


class EscalationOutcome(models.Model):
    """What came of one stage. "Next stage" opens the next one; the others end the escalation."""

    stage = models.OneToOneField(EscalationStage, on_delete=models.PROTECT, related_name="outcome")
    kind = models.CharField(max_length=10, choices=StageOutcomeKind.choices)
    decided_on = models.DateField()
    what_was_said = models.TextField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.get_kind_display()
