"""Pupil file imports: each batch, and the raw record that added or changed a child."""

import uuid

from django.db import models

from pupils.models.pupil import Pupil
from schools.models import Membership, School


class ImportKind(models.TextChoices):
    CTF = "ctf", "Common Transfer File"
    CSV = "csv", "CSV of pupils and contacts"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed, not imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Refused"


class ImportBatch(models.Model):
    """One file brought in from the MIS: what it was, who brought it, and what it did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(max_length=5, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    # Where an uploaded file waits between preview and import (under PRIVATE_MEDIA_ROOT).
    stored_name = models.CharField(max_length=255, blank=True)
    mapping = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class PupilSourceRecord(models.Model):
    """The raw record (a CTF <Pupil> element or a CSV row) that added or changed a child,
    with the file it came in (Cairn domain reference, ctf.md §5: keep the raw XML per pupil)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="source_records")
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=5, choices=ImportKind.choices)
    raw = models.TextField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.pupil_id}"
