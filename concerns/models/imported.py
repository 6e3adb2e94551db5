"""Records that arrive from other systems: behaviour incidents, Operation Encompass notifications,
and where an imported record came from."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from concerns.models.records import Source
from pupils.models import Pupil
from schools.models import Membership, School


class BehaviourIncident(models.Model):
    """A behaviour incident, from the MIS or added by hand. Behaviour can be communication."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour")
    occurred_at = models.DateTimeField(db_index=True)
    incident_type = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    action_taken = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CAIRN)
    source_ref = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="behaviour_mis_id_once",
            ),
        ]

    def __str__(self) -> str:
        return self.incident_type


class ChildPresent(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "unknown", "Not known"


class EncompassNotification(models.Model):
    """A police notification of a domestic-abuse incident (Operation Encompass). DSL team only.

    Source: police notify the school DSL before the next school day; the notification says whether
    the child was present [P hcrlaw.com; policypartnersproject.co.uk] (records-and-access.md §8).
    The household's other children are linked as a list of pupils until households exist.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="encompass")
    pupils = models.ManyToManyField(Pupil, related_name="encompass_notifications")
    police_reference = models.CharField(max_length=100)
    occurred_at = models.DateTimeField(db_index=True)
    received_at = models.DateTimeField()
    child_present = models.CharField(max_length=7, choices=ChildPresent.choices)
    voice_of_child = models.TextField(blank=True)
    details = models.TextField(blank=True)
    welfare_check_on = models.DateField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"Operation Encompass {self.police_reference}"


class ImportOrigin(models.Model):
    """Where an imported record came from, and who wrote it there: the old system's name, and the
    author (`field` "author", or another person the record names, e.g. "assigned_to") as a name
    and role, kept whether or not they are a Cairn user (the record's own `recorded_by` is then
    the DSL who ran the import). One row per record and field; never changed (ADR 0009)."""

    target = models.CharField(max_length=60)  # "app_label.model"
    target_id = models.CharField(max_length=40)
    field = models.CharField(max_length=30, default="author")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    is_user = models.BooleanField(default=False)  # the name matched a Cairn user at the school
    source_system = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["target", "target_id", "field"], name="import_origin_once"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["target", "target_id"], name="import_origin_target"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (imported)"
