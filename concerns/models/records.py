"""A concern and what hangs from it: its categories, children, versions, body marks, attachments
and notes; and a concern being written (its draft)."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Pupil
from schools.models import Membership, School
from sources.themes import theme_labels


class CategoryGroup(models.TextChoices):
    CATEGORY = "category", "Category of abuse"
    ISSUE = "issue", "Specific safeguarding issue"


class Category(models.Model):
    """One entry in a school's list of concern categories (seeded from data/categories.csv)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="concern_categories")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    group = models.CharField(max_length=10, choices=CategoryGroup.choices)
    # The CIN census child-protection category (NEG, PHY, SAB, EMO) where the category is one.
    cp_code = models.CharField(max_length=3, blank=True)
    signs = models.TextField(blank=True)
    what_to_do = models.TextField(blank=True)
    source = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name_plural = "categories"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["school", "code"], name="category_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class Source(models.TextChoices):
    CAIRN = "cairn", "Recorded in Cairn"
    IMPORT = "import", "Imported from another system"
    MIS = "mis", "Imported from the MIS"


class Concern(models.Model):
    """A concern about one or more children, as first recorded. Its text lives in versions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="concerns")
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    # The author as written on the record (kept for imported history with no Cairn account).
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    written_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=200, blank=True)
    urgent_told_dsl = models.BooleanField(default=False)
    told_dsl_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CAIRN)
    source_system = models.CharField(max_length=100, blank=True)
    source_ref = models.CharField(max_length=200, blank=True)
    pupils = models.ManyToManyField(Pupil, through="ConcernPupil", related_name="concerns")
    # The key of the form it was typed in (one per concern being typed, kept in its draft): a
    # second submission of the same form (a double click, a retried POST) finds this concern
    # instead of recording it twice, and a draft save arriving after it is not kept.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(occurred_at__lte=models.F("written_at")),
                name="concern_happened_before_written",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern of {self.occurred_at:%d %b %Y}"


class Part(models.TextChoices):
    SUBJECT = "subject", "The child the concern is about"
    INVOLVED = "involved", "Another child involved"
    WITNESS = "witness", "A witness"


class ConcernPupil(models.Model):
    """A child's own part in a concern. Linking a second child never gives them the first's."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="parts")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="concern_parts")
    part = models.CharField(max_length=10, choices=Part.choices)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["concern", "pupil"], name="concern_pupil_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} ({self.get_part_display()})"


class ConcernVersion(models.Model):
    """The concern's text. Version 1 is what was first recorded; each amendment adds one."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    facts = models.TextField()
    child_words = models.TextField(blank=True)
    # What the child spoke about, as the person recording ticked it (`sources.themes`).
    themes = models.JSONField(default=list, blank=True)
    categories = models.ManyToManyField(Category, related_name="+", blank=True)
    reason = models.TextField(blank=True)
    written_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["concern", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["concern", "number"], name="concern_version_once"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="concern_amendment_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def theme_labels(self) -> list[str]:
        """What the child spoke about, in words (the recorder's ticks)."""
        return theme_labels(self.themes)


class BodySide(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"


class BodyRegion(models.TextChoices):
    HEAD = "head", "Head and face"
    NECK = "neck", "Neck"
    CHEST = "chest", "Chest"
    ABDOMEN = "abdomen", "Stomach"
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    BUTTOCKS = "buttocks", "Bottom"
    LEFT_ARM = "left_arm", "Left arm"
    RIGHT_ARM = "right_arm", "Right arm"
    LEFT_HAND = "left_hand", "Left hand"
    RIGHT_HAND = "right_hand", "Right hand"
    LEFT_LEG = "left_leg", "Left leg"
    RIGHT_LEG = "right_leg", "Right leg"
    LEFT_FOOT = "left_foot", "Left foot"
    RIGHT_FOOT = "right_foot", "Right foot"


class BodyMark(models.Model):
    """A mark seen on the child, placed on the body map (or named by region without JS)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="body_marks")
    side = models.CharField(max_length=5, choices=BodySide.choices)
    region = models.CharField(max_length=12, choices=BodyRegion.choices)
    # Position on the drawing, in per cent of its width and height; empty when chosen by region.
    x = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    y = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    description = models.CharField(max_length=500)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(Q(x__isnull=True) & Q(y__isnull=True))
                | (Q(x__gte=0) & Q(x__lte=100) & Q(y__gte=0) & Q(y__lte=100)),
                name="body_mark_on_the_drawing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_region_display()} ({self.get_side_display()})"


class Attachment(models.Model):
    """A file added to a concern, kept under PRIVATE_MEDIA_ROOT; served after an access check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.original_name


class Note(models.Model):
    """Further information added to a concern (by its author, or the safeguarding team)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    written_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at"]

    def __str__(self) -> str:
        return f"Note of {self.written_at:%d %b %Y}"


class ConcernDraft(models.Model):
    """A concern being typed, kept on the server so that nothing typed is lost (an idle sign-out,
    a closed tab, a flat battery). Issue 22, item 8.

    Not a record: the one exception to "nothing is deleted". It is its author's unfinished words,
    seen only by its author (`access_draft`), each save and each opening audited, and deleted in
    the same transaction as the concern it became (`concern_submit`) or when its author discards
    it. One draft per member of staff: the concern they are typing now.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="concern_draft"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # The child the concern is about, once chosen: the draft is then that child's data.
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What was typed, by form field name (text only: files are never kept in a draft).
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Draft concern saved {self.saved_at:%d %b %Y %H:%M}"
