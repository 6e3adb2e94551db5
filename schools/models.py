"""Trusts, schools and memberships: who may see what, at which school."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE = "alternative", "Alternative provision"
    SIXTEEN_PLUS = "16_plus", "16 plus"


class Role(models.TextChoices):
    STAFF = "staff", "Member of staff"
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy designated safeguarding lead"
    HEADTEACHER = "headteacher", "Headteacher"
    GOVERNOR = "governor", "Governor"
    TRUST_LEAD = "trust_lead", "Trust safeguarding lead"
    SCHOOL_ADMIN = "school_admin", "School administrator"
    ATTENDANCE_LEAD = "attendance_lead", "Attendance lead"


# Roles whose holders can read child-level records, and so must use two-factor sign-in.
CHILD_RECORD_ROLES = frozenset(
    {
        Role.STAFF,
        Role.DSL,
        Role.DEPUTY_DSL,
        Role.HEADTEACHER,
        Role.TRUST_LEAD,
        Role.ATTENDANCE_LEAD,
    }
)
DSL_TEAM_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
# Members of staff who record what they see and hear (concerns, a child's words) and read back
# only what they recorded themselves: "staff see what they logged; DSLs see their school".
# The attendance lead is one of them; their reading of registers is granted in `attendance`.
OWN_RECORD_ROLES = frozenset({Role.STAFF, Role.ATTENDANCE_LEAD})


class Trust(models.Model):
    """A multi-academy trust. Schools may also stand alone, with no trust."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    companies_house_number = models.CharField(max_length=8, blank=True)
    # Whether the trust's safeguarding lead may open child-level records (each time with a reason).
    trust_lead_child_access = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """An establishment: its URN, and its LA code with establishment number (the DfE number)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="schools"
    )
    urn = models.CharField("URN", max_length=6, unique=True)
    la_code = models.CharField("LA code", max_length=3)
    establishment_number = models.CharField(max_length=4)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Sign staff out after this many idle minutes. Empty: the server's default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["la_code", "establishment_number"], name="school_unique_dfe_number"
            ),
            models.CheckConstraint(
                condition=Q(urn__regex=r"^[0-9]{6}$"), name="school_urn_six_digits"
            ),
            models.CheckConstraint(
                condition=Q(la_code__regex=r"^[0-9]{3}$"), name="school_la_code_three_digits"
            ),
            models.CheckConstraint(
                condition=Q(establishment_number__regex=r"^[0-9]{4}$"),
                name="school_establishment_number_four_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def dfe_number(self) -> str:
        return f"{self.la_code}/{self.establishment_number}"


class Membership(models.Model):
    """A user's role at one school (or, for a trust lead, across one trust)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    Q(role="trust_lead", trust__isnull=False, school__isnull=True)
                    | (~Q(role="trust_lead") & Q(school__isnull=False, trust__isnull=True))
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "school", "role"],
                condition=Q(is_active=True, school__isnull=False),
                name="membership_unique_active_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "trust", "role"],
                condition=Q(is_active=True, trust__isnull=False),
                name="membership_unique_active_trust_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.scope_name}"

    @property
    def scope_name(self) -> str:
        if self.school is not None:
            return self.school.name
        return self.trust.name if self.trust is not None else "nowhere"

    @property
    def is_dsl_team(self) -> bool:
        return self.role in DSL_TEAM_ROLES

    @property
    def reads_child_records(self) -> bool:
        return self.role in CHILD_RECORD_ROLES

    @property
    def trust_for_scope(self) -> Trust | None:
        if self.trust is not None:
            return self.trust
        return self.school.trust if self.school is not None else None


class Invitation(models.Model):
    """An invitation for someone to join a school in a role; accepted once, by its token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(role="trust_lead"), name="invitation_not_for_trust_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.get_role_display()}"
