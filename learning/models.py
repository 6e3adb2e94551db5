"""The safeguarding team's learning: supervision, the termly reflective review, the local
practice reviews library and what went well when a case closed or a plan ended.

Sources: supervision and reflective practice for DSLs, and learning from local and national
practice reviews (Cairn domain reference, national-reviews.md and records-and-access.md §11);
"do our expectations stay high for all children?" is the high-expectations check of issue 9.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from casework.models import Plan
from concerns.models import Concern
from pupils.models import Pupil
from schools.models import Membership, School


class Theme(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    VOICE = "voice", "The child's voice"
    ATTENDANCE = "attendance", "Attendance"
    EARLY_HELP = "early_help", "Early help"
    MULTI_AGENCY = "multi_agency", "Working with other agencies"
    ONLINE = "online", "Online safety"
    MENTAL_HEALTH = "mental_health", "Mental health"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    RECORDS = "records", "Record keeping"
    OTHER = "other", "Something else"


def theme_labels(themes: list[str]) -> list[str]:
    return [Theme(t).label for t in themes if t in Theme.values]


class SupervisionSession(models.Model):
    """A DSL supervision session. The children discussed are linked to their files; only the
    safeguarding team sees the links (learning.access)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    supervisor = models.CharField(max_length=200)
    attendees = models.CharField(max_length=500)
    reflections = models.TextField()
    agreed_actions = models.TextField(blank=True)
    children = models.ManyToManyField(Pupil, through="SupervisionChild", related_name="+")
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on:%d %b %Y}"


class SupervisionChild(models.Model):
    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["session", "pupil"], name="supervision_child_once"),
        ]

    def __str__(self) -> str:
        return "Child discussed in supervision"


class Expectations(models.TextChoices):
    HIGH_FOR_ALL = "high_for_all", "Yes, for all children"
    NOT_FOR_ALL = "not_for_all", "Not for all children"
    NOT_SURE = "not_sure", "We are not sure"


class ReflectiveReview(models.Model):
    """The team's reflective review for a term, opening with the high-expectations check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField()
    held_on = models.DateField()
    expectations = models.CharField(max_length=20, choices=Expectations.choices)
    what_we_saw = models.TextField()
    concluded = models.TextField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Reflective review of {self.held_on:%d %b %Y}"


class ReviewSource(models.TextChoices):
    FORM = "form", "Added in Cairn"
    IMPORT = "import", "Imported from a file"


class PracticeReview(models.Model):
    """A practice review published by the local safeguarding partnership or the national
    panel, with its learning in the school's own words."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField()
    link = models.URLField(max_length=500, blank=True)
    key_learning = models.TextField()
    themes = models.JSONField(default=list)
    used_in_training = models.TextField(blank=True)
    policy_changes = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=ReviewSource.choices)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_labels(self) -> list[str]:
        return theme_labels(self.themes)


class WentWell(models.Model):
    """What went well, and why, when a case closed or a plan ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what_went_well = models.TextField()
    why = models.TextField()
    themes = models.JSONField(default=list)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, concern__isnull=True)
                | Q(plan__isnull=True, concern__isnull=False),
                name="went_well_from_a_plan_or_a_concern",
            ),
        ]

    def __str__(self) -> str:
        return f"What went well, {self.recorded_at:%d %b %Y}"

    @property
    def theme_labels(self) -> list[str]:
        return theme_labels(self.themes)
