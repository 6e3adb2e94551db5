"""The adults who work with children: their safeguarding training, and low-level concerns
about them (a register kept apart from children's records).

Sources: training at induction and updated at least annually for all staff, DSL formal training
at least every two years, Prevent awareness for the DSL — Keeping children safe in education
2025 (DfE), Part one and Annex C (Cairn domain reference, records-and-access.md §5). Low-level
concerns about adults — Keeping children safe in education (DfE) since 2021, Part four.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from schools.models import Membership, School


class TrainingType(models.TextChoices):
    INDUCTION = "induction", "Safeguarding induction"
    ANNUAL_UPDATE = "annual_update", "Annual safeguarding update"
    KCSIE_PART_ONE = "kcsie_part_one", "Keeping children safe in education Part one read"
    NEGLECT = "neglect", "Recognising neglect"
    DSL_FORMAL = "dsl_formal", "Designated safeguarding lead training"
    PREVENT = "prevent", "Prevent awareness"
    ONLINE_SAFETY = "online_safety", "Online safety, filtering and monitoring"
    SAFER_RECRUITMENT = "safer_recruitment", "Safer recruitment"


class RecordSource(models.TextChoices):
    FORM = "form", "Recorded in Cairn"
    IMPORT = "import", "Imported from a file"


class TrainingRecord(models.Model):
    """One piece of training one person completed. Never changed: a correction is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="training_records"
    )
    training_type = models.CharField(max_length=30, choices=TrainingType.choices)
    completed_on = models.DateField()
    provider = models.CharField(max_length=200)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_stored_name = models.CharField(max_length=100, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(evidence_name="", evidence_stored_name="")
                | (~Q(evidence_name="") & ~Q(evidence_stored_name="")),
                name="training_evidence_named_and_stored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_training_type_display()} on {self.completed_on:%d %b %Y}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_stored_name)


class AdultKind(models.TextChoices):
    STAFF = "staff", "Member of staff"
    SUPPLY = "supply", "Supply or agency staff"
    VOLUNTEER = "volunteer", "Volunteer"
    CONTRACTOR = "contractor", "Contractor"
    GOVERNOR = "governor", "Governor or trustee"
    OTHER = "other", "Someone else working with children"


class ConcernedAdult(models.Model):
    """An adult a low-level concern is about. `user` links someone who uses Cairn, so that they
    never see what is recorded about them (staffing.access)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AdultKind.choices)
    job_title = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    left_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["full_name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "user"],
                condition=Q(user__isnull=False),
                name="concerned_adult_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class LowLevelConcern(models.Model):
    """A concern about an adult's conduct that does not meet the harm threshold (KCSIE Part
    four): recorded, never changed; a later concern is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    adult = models.ForeignKey(ConcernedAdult, on_delete=models.PROTECT, related_name="concerns")
    happened_on = models.DateField()
    raised_by = models.CharField(max_length=200)
    what_happened = models.TextField()
    response = models.TextField(blank=True)
    # The recorder's own view that the harm threshold may be met: the LADO should be consulted.
    threshold_may_be_met = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Low-level concern of {self.happened_on:%d %b %Y}"


class LowLevelConcernPolicy(models.Model):
    """Who the school's policy names to read the register, as set by the headteacher. The
    latest row is the policy; earlier rows stay as its history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    deputy_dsl_reads = models.BooleanField(default=False)
    # The chair of governors: reads concerns about the headteacher, and nothing else.
    chair = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-set_at"]

    def __str__(self) -> str:
        return f"Low-level concerns policy of {self.set_at:%d %b %Y}"
