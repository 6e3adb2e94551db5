"""Leaving the roll, agreed absences and returns."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Enrolment, Pupil
from schools.models import Membership, School


class LeavingReason(models.TextChoices):
    MOVED_SCHOOL = "moved_school", "Moved to a named school"
    ELECTIVE_HOME_EDUCATION = "ehe", "Elective home education"
    MOVED_AWAY = "moved_away", "Moved away, destination unknown"
    CHILD_MISSING_EDUCATION = "cme", "Referred as a child missing education"
    OTHER = "other", "Another reason"


class Leaving(models.Model):
    """The child left the school's roll: when, why, and where to. One per enrolment; the
    enrolment's end date is set through `pupils.services.enrolment_end`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="leaving")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="leavings")
    left_on = models.DateField()
    reason = models.CharField(max_length=15, choices=LeavingReason.choices)
    destination = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # Concerns still open when the child left: the file transfer and LA notification prompt.
    open_concerns = models.PositiveIntegerField(default=0)
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-left_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="leaving_imported_once",
            ),
            models.CheckConstraint(
                condition=~Q(reason="moved_school") | ~Q(destination=""),
                name="leaving_named_school",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""), name="leaving_other_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"Left {self.left_on:%-d %b %Y}: {self.get_reason_display()}"


class AgreedAbsence(models.Model):
    """An absence the school agreed, with the date the child is expected back. Past that date
    with no return recorded, the child is "not back when expected"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="agreed_absences")
    starts_on = models.DateField()
    expected_back_on = models.DateField(db_index=True)
    reason = models.TextField()
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="agreedabsence_imported_once",
            ),
            models.CheckConstraint(
                condition=Q(expected_back_on__gte=models.F("starts_on")),
                name="agreed_absence_back_after_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="agreed_absence_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Agreed absence from {self.starts_on:%-d %b %Y}"

    @property
    def return_or_none(self) -> "AbsenceReturn | None":
        return getattr(self, "returned", None)


class AbsenceReturn(models.Model):
    absence = models.OneToOneField(AgreedAbsence, on_delete=models.PROTECT, related_name="returned")
    returned_on = models.DateField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Back {self.returned_on:%-d %b %Y}"
