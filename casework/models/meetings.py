"""Multi-agency meetings and the school's reports to them."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from casework.models.agencies import Agency, AgencyContact
from pupils.models import Pupil
from schools.models import Membership, School


class MeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy discussion"
    ICPC = "icpc", "Initial child protection conference"
    RCPC = "rcpc", "Review child protection conference"
    CORE_GROUP = "core_group", "Core group meeting"
    CIN_REVIEW = "cin_review", "Child in need review"
    TEAM_AROUND_FAMILY = "taf", "Early help or team around the family meeting"
    PROFESSIONALS = "professionals", "Professionals' meeting"


class Meeting(models.Model):
    """A multi-agency meeting about the child: who was there, what it decided, what the school
    is to do, and the safeguarding team's time on it (preparation and the meeting itself)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=15, choices=MeetingKind.choices)
    held_on = models.DateField(db_index=True)
    agencies_present = models.JSONField(default=list, blank=True)
    others_present = models.CharField(max_length=400, blank=True)
    decisions = models.TextField()
    actions_for_school = models.TextField(blank=True)
    preparation_minutes = models.PositiveIntegerField(default=0)
    meeting_minutes = models.PositiveIntegerField(default=0)
    contact = models.ForeignKey(
        AgencyContact, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="meeting_imported_once",
            ),
            models.CheckConstraint(condition=~Q(decisions=""), name="meeting_has_decisions"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.held_on:%-d %b %Y}"

    @property
    def minutes_spent(self) -> int:
        return self.preparation_minutes + self.meeting_minutes

    @property
    def agency_labels(self) -> list[str]:
        labels = dict(Agency.choices)
        return [str(labels.get(a, a)) for a in self.agencies_present]


class MeetingReport(models.Model):
    """The school's report to a meeting: a file kept under PRIVATE_MEDIA_ROOT, served only after
    an access check (the pattern of concerns' attachments)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reports")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.original_name
