"""Factors known about a child's life and household, coded as the Children in Need census codes
them ("factors identified at the end of assessment", cin-codes.md §1 [V DfE CIN XSD]).

A DSL records what is known — from a children's social care assessment, from the family, from
another agency — so that patterns and the dashboards can see the household factors national
reviews keep finding (domestic abuse, parental mental ill-health, parental alcohol and drug
misuse: national-reviews.md §1) instead of guessing them from concern categories. Nothing is
deleted: a factor found to be wrong or no longer current is withdrawn with a reason, by a
separate record (`KnownFactorWithdrawal`), and both stay on the child's record.
"""

import uuid

from django.db import models

from pupils.models import Pupil
from schools.models import Membership, School


class FactorSource(models.TextChoices):
    ASSESSMENT = "assessment", "Children's social care assessment"
    PLAN = "plan", "Child protection or child in need plan"
    FAMILY = "family", "The family told us"
    CHILD = "child", "The child told us"
    AGENCY = "agency", "Another agency told us (police, health, early help)"
    SCHOOL = "school", "Seen by the school"


class KnownFactor(models.Model):
    """One factor in a child's life or household, as at `known_from`, recorded by the school."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="known_factors")
    # A CIN census assessment factor code (factors.codes: the codes of cin-codes.md §1, with the
    # legacy 18A/19A accepted for older records).
    code = models.CharField(max_length=3)
    source = models.CharField(max_length=20, choices=FactorSource.choices)
    known_from = models.DateField(
        help_text="When the school learned of it (or the assessment date)."
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-known_from", "-recorded_at"]
        indexes = [models.Index(fields=["pupil", "code"], name="known_factor_pupil_code")]

    def __str__(self) -> str:
        return f"{self.code} for {self.pupil_id} from {self.known_from}"

    @property
    def description(self) -> str:
        """The DfE description of the code (factors.codes)."""
        from factors.codes import describe

        return describe(self.code)

    @property
    def is_withdrawn(self) -> bool:
        return hasattr(self, "withdrawal")


class KnownFactorWithdrawal(models.Model):
    """A known factor withdrawn: recorded in error, or no longer so. One per factor."""

    factor = models.OneToOneField(KnownFactor, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.TextField()
    withdrawn_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.factor_id} withdrawn {self.withdrawn_at:%d %b %Y}"
