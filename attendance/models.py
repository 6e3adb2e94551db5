"""Registers as Cairn stores them: one row per pupil per school per week.

See docs/adr/0007-attendance-storage.md.

A week row holds the ten sessions Monday AM to Friday PM as a fixed-width string of storage
characters (`attendance/codes.py`), the raw codes beside them where any differs, and minutes
late where the source gave them. A re-import that changes a week writes the old values to an
`AttendanceAmendment` first, so nothing received is ever lost.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from pupils.models import Pupil
from schools.models import Membership, School


class ImportSource(models.TextChoices):
    CSV_SESSIONS = "csv_sessions", "CSV, one row per pupil-session"
    CSV_WEEKS = "csv_weeks", "CSV, one row per pupil-week"
    CTF = "ctf", "Common Transfer File"


class ImportStatus(models.TextChoices):
    COMPLETED = "completed", "Imported"
    DRY_RUN = "dry_run", "Checked (dry run, nothing written)"


class AttendanceImport(models.Model):
    """One file of registers taken in, whole or not at all."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    marks_read = models.PositiveIntegerField(default=0)
    weeks_created = models.PositiveIntegerField(default=0)
    weeks_changed = models.PositiveIntegerField(default=0)
    weeks_unchanged = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class AttendanceWeek(models.Model):
    """A pupil's register marks at one school for one week (Monday to Friday)."""

    id = models.BigAutoField(primary_key=True)
    # On PostgreSQL the school, pupil and batch are checked by triggers a statement at a time
    # rather than by row-by-row foreign keys (ADR 7, "Bulk writes"; migration 0002).
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", db_index=False)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, related_name="attendance_weeks", db_index=False
    )
    week_start = models.DateField(help_text="The Monday of the week.")
    marks = models.CharField(max_length=10, help_text="Storage characters, Mon AM to Fri PM.")
    # The ten raw tokens, space-separated, only when any differs from its statutory code.
    raw_marks = models.CharField(max_length=400, blank=True)
    # Minutes late per session, comma-separated, only when the source gave any.
    minutes_late = models.CharField(max_length=60, blank=True)
    last_import = models.ForeignKey(
        AttendanceImport, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "pupil", "week_start"], name="attendance_week_unique"
            ),
            models.CheckConstraint(
                condition=Exact(Length("marks"), 10), name="attendance_week_ten_sessions"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} week of {self.week_start}: {self.marks}"


class AttendanceAmendment(models.Model):
    """What a week held before an import changed it (the register was amended in the MIS)."""

    week = models.ForeignKey(AttendanceWeek, on_delete=models.PROTECT, related_name="amendments")
    previous_marks = models.CharField(max_length=10)
    previous_raw_marks = models.CharField(max_length=400, blank=True)
    previous_minutes_late = models.CharField(max_length=60, blank=True)
    previous_import = models.ForeignKey(
        AttendanceImport, on_delete=models.PROTECT, related_name="+"
    )
    amended_by_import = models.ForeignKey(
        AttendanceImport, on_delete=models.PROTECT, related_name="amendments"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.week_id}: was {self.previous_marks}"


class CodeMappingQuerySet(models.QuerySet["CodeMapping"]):
    def in_force(self) -> "CodeMappingQuerySet":
        """Equivalents not withdrawn: the ones an import reads raw codes through."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> "CodeMappingQuerySet":
        return self.filter(withdrawn_at__isnull=False)


class CodeMapping(models.Model):
    """A school's own equivalent for a raw MIS code (e.g. a sub-code) → a statutory code.

    Never deleted: a wrong equivalent is withdrawn, with who, when and why, and the raw code may
    then be mapped again. Marks already imported keep the statutory code they were read as.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    raw_code = models.CharField(max_length=10)
    statutory_code = models.CharField(max_length=3)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    objects = CodeMappingQuerySet.as_manager()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One equivalent in force per raw code; withdrawn ones stay beside it.
            models.UniqueConstraint(
                fields=["school", "raw_code"],
                condition=Q(withdrawn_at__isnull=True),
                name="code_mapping_unique_in_force",
            ),
            # Withdrawn means all three of when, by whom and why; in force means none of them.
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_reason="")
                    | (
                        Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                        & ~Q(withdrawn_reason="")
                    )
                ),
                name="code_mapping_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.raw_code} → {self.statutory_code}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ColumnarState(models.Model):
    """Which version of a school's registers its columnar (Parquet) copy must show.

    Each import bumps `version_token` in its transaction; a reader that finds no Parquet file
    for the current token rebuilds it from the database first, so the copy is never stale.
    """

    school = models.OneToOneField(
        School, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    version_token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.school_id}@{self.version_token}"
