"""The household's other children, parents' engagement, notes that are not concerns."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Pupil
from schools.models import Membership, School


class SettingKind(models.TextChoices):
    NONE = "none", "Not in any setting"
    EARLY_YEARS = "early_years", "Nursery, pre-school or childminder"
    SCHOOL = "school", "A school outside the trust"
    OTHER = "other", "Another setting"


class HouseholdChild(models.Model):
    """A child who lives in the pupil's household and is on no roll Cairn holds: a baby, a
    younger child, a child at a school outside the trust or at none. National reviews: a third
    of the children were under one (national-reviews.md §1 [V SecEd]); babies are not pupils."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="household_children")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    setting_kind = models.CharField(max_length=15, choices=SettingKind.choices)
    setting_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date_of_birth"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="householdchild_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChildSighting(models.Model):
    """When, and by whom, a household child was last seen by a professional."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(HouseholdChild, on_delete=models.PROTECT, related_name="sightings")
    seen_on = models.DateField()
    seen_by = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_on"]

    def __str__(self) -> str:
        return f"Seen {self.seen_on:%-d %b %Y} by {self.seen_by}"


class EngagementKind(models.TextChoices):
    MISSED_APPOINTMENT = "missed", "Missed an appointment"
    CANCELLED_APPOINTMENT = "cancelled", "Cancelled an appointment"
    REFUSED_ACCESS = "refused", "Refused access or a home visit"
    HOSTILITY = "hostility", "Hostility or intimidation towards staff"
    EXPLANATION = "explanation", "Gave an explanation for an injury or an absence"


APPOINTMENT_KINDS = frozenset(
    {EngagementKind.MISSED_APPOINTMENT, EngagementKind.CANCELLED_APPOINTMENT}
)


class AppointmentKind(models.TextChoices):
    HEALTH = "health", "Health appointment"
    SCHOOL = "school", "School meeting"
    OTHER = "other", "Another appointment"


class ExplainedEvent(models.TextChoices):
    INJURY = "injury", "An injury"
    ABSENCE = "absence", "An absence"


class ExplanationChecked(models.TextChoices):
    CONSISTENT = "consistent", "Checked: it fits what was seen"
    INCONSISTENT = "inconsistent", "Checked: it does not fit"
    NOT_CHECKED = "not_checked", "Not checked"


class EngagementEvent(models.Model):
    """How a parent or carer engaged: a missed or cancelled appointment, refused access,
    hostility towards staff, or an explanation given and whether it was checked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="engagement_events")
    kind = models.CharField(max_length=12, choices=EngagementKind.choices)
    occurred_on = models.DateField()
    adult = models.CharField(max_length=200)
    appointment_kind = models.CharField(max_length=10, choices=AppointmentKind.choices, blank=True)
    explained_event = models.CharField(max_length=10, choices=ExplainedEvent.choices, blank=True)
    checked = models.CharField(max_length=15, choices=ExplanationChecked.choices, blank=True)
    details = models.TextField()
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="engagementevent_imported_once",
            ),
            models.CheckConstraint(condition=~Q(details=""), name="engagement_has_details"),
            models.CheckConstraint(
                condition=~Q(kind__in=["missed", "cancelled"]) | ~Q(appointment_kind=""),
                name="engagement_appointment_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="explanation") | (~Q(explained_event="") & ~Q(checked="")),
                name="engagement_explanation_checked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.occurred_on:%-d %b %Y}"


class NoteTone(models.TextChoices):
    GOOD = "good", "Good"
    NEUTRAL = "neutral", "Neutral"


class DayNote(models.Model):
    """A dated observation of the child's day that is not a concern ("happy and settled", "mum
    came to parents' evening"). On the chronology; never counted as a concern."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="day_notes")
    noted_on = models.DateField()
    tone = models.CharField(max_length=10, choices=NoteTone.choices)
    text = models.TextField()
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-noted_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="daynote_imported_once",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="day_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"Note, {self.noted_on:%-d %b %Y}"
