"""Plans the child is or was on, and their endings."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Pupil
from schools.models import Membership, School


class PlanKind(models.TextChoices):
    EARLY_HELP = "early_help", "Early help plan"
    CHILD_IN_NEED = "cin", "Child in need plan"
    CHILD_PROTECTION = "cp", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"


# Plans that mean the child is open to children's social care (early help is not).
SOCIAL_CARE_PLANS = frozenset(
    {PlanKind.CHILD_IN_NEED, PlanKind.CHILD_PROTECTION, PlanKind.LOOKED_AFTER}
)


class CpCategory(models.TextChoices):
    """The category of a child protection plan, as the CIN census codes it (interop.md §3 [V])."""

    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "More than one category"


class PlanEndReason(models.TextChoices):
    STEPPED_DOWN = "stepped_down", "Stepped down to a lower level of support"
    STEPPED_UP = "stepped_up", "Stepped up to a higher level of support"
    NEEDS_MET = "needs_met", "Closed: the child's needs are met"
    MOVED = "moved", "Moved to another local authority"
    LEFT_CARE = "left_care", "Left care"
    OTHER = "other", "Another reason"


class Plan(models.Model):
    """A plan the child is or was on, from a start date. Ending it is a `PlanEnding`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=15, choices=PlanKind.choices)
    cp_category = models.CharField(max_length=3, choices=CpCategory.choices, blank=True)
    started_on = models.DateField()
    lead_professional = models.CharField(max_length=200, blank=True)
    local_authority = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="plan_imported_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="cp") & ~Q(cp_category="")) | (~Q(kind="cp") & Q(cp_category="")),
                name="plan_cp_category_only_for_cp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}, from {self.started_on:%-d %b %Y}"

    @property
    def label(self) -> str:
        if self.kind == PlanKind.CHILD_PROTECTION and self.cp_category:
            return f"{self.get_kind_display()} ({self.get_cp_category_display().lower()})"
        return self.get_kind_display()

    @property
    def ending_or_none(self) -> "PlanEnding | None":
        return getattr(self, "ending", None)


class PlanEnding(models.Model):
    """A plan ended, on a date, for a reason. One per plan."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="ending")
    ended_on = models.DateField()
    reason = models.CharField(max_length=15, choices=PlanEndReason.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Ended {self.ended_on:%-d %b %Y}"
