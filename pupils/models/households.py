"""Households: who lives together, and the links Cairn proposes for a DSL to confirm."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models.pupil import Pupil
from schools.models import Membership, School, Trust


class Household(models.Model):
    """The children who live together, as a DSL confirmed it. Adults and addresses over time
    come from the member children's relationships and address history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The trust whose schools share the household (or the school, where it stands alone).
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="households"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="households"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(trust__isnull=False, school__isnull=True)
                | Q(trust__isnull=True, school__isnull=False),
                name="household_scope_trust_or_school",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pupils:household", args=[self.pk])


class HouseholdMember(models.Model):
    """A child in a household from one date to another. A child is in one household at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="household_members")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["joined_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(left_on__isnull=True),
                name="household_member_one_open_per_pupil",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.household} from {self.joined_on}"


class SuggestionReason(models.TextChoices):
    SHARED_PR_CONTACT = "shared_pr_contact", "Share a contact with parental responsibility"
    SHARED_ADDRESS = "shared_address", "Live at the same address"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    CONFIRMED = "confirmed", "Confirmed: one household"
    REJECTED = "rejected", "Rejected: not one household"


class HouseholdSuggestion(models.Model):
    """Two children who may live together, for the DSL to confirm or reject. Nothing is merged
    until a person confirms; a rejected pair is not proposed again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil_a = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    pupil_b = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=SuggestionReason.choices)
    evidence = models.CharField(max_length=400)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["pupil_a", "pupil_b"], name="suggestion_unique_pair"),
            models.CheckConstraint(
                condition=~Q(pupil_a=models.F("pupil_b")), name="suggestion_two_children"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_a} and {self.pupil_b}: {self.get_reason_display()}"
