"""The child's own words, the check-ins that make sure they are heard, and who does them.

Why this app exists: the national analyses of serious case reviews found again and again that
nobody had asked the child what life was like, or had not asked again
(`shared/domain/national-reviews.md` §4 "The child's lived experience and voice" [V];
§5 item 5 "give children regular space to talk about life outside school, and revisit it with
vulnerable children regularly" [V SecEd]; `records-and-access.md` §11 "Voice of the child" [P]).

Nothing here is updated in place or deleted (`records-and-access.md` §2 [P]: entries are
append-only). A voice entry's content lives in numbered versions; a support status or a check-in
schedule is superseded by a newer row. The per-school cadence settings are configuration, not
records, and are edited in place with an audit event.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from pupils.models import Pupil
from schools.models import Membership, School
from sources.themes import theme_labels


class SupportLevel(models.TextChoices):
    """The child's safeguarding status, as far as the check-in cadence is concerned.

    A stand-in kept in this app for now; the lead reconciles it with the concerns and pupils
    apps (see the report for issue 7).
    """

    CP_PLAN = "cp_plan", "Child protection plan"
    CIN = "cin", "Child in need"
    EARLY_HELP = "early_help", "Early help"
    MONITORING = "monitoring", "Monitored by the safeguarding team"
    NONE = "none", "No current safeguarding status"


class SupportStatus(models.Model):
    """The child's safeguarding status at one school, in force from `starts_on`.

    Append-only: a change is a new row; the status in force on a day is the latest row whose
    `starts_on` is on or before it (`ends_on` closes a status early when known, e.g. a plan
    ended by conference).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_statuses")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=20, choices=SupportLevel.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "-recorded_at"]
        verbose_name_plural = "support statuses"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="support_status_ends_after_start",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["school", "pupil", "starts_on"], name="support_status_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {self.starts_on}"


class CheckInSchedule(models.Model):
    """Who checks in with the child, and (optionally) how often, set by the safeguarding team.

    Append-only: the schedule in force is the newest row for the child at the school. An empty
    `cadence_days` follows the school's default for the child's status (`VoiceSettings`); a
    cadence set by hand lasts until the child's status next changes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="check_in_schedules")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    trusted_adult = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cadence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    set_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-set_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True)
                | Q(cadence_days__gte=1, cadence_days__lte=365),
                name="check_in_cadence_in_range",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["school", "pupil", "set_at"], name="check_in_schedule_lookup"),
            models.Index(fields=["trusted_adult", "set_at"], name="check_in_schedule_adult"),
        ]

    def __str__(self) -> str:
        return f"Check-ins for {self.pupil_id} set {self.set_at:%Y-%m-%d}"


class VoiceSettings(models.Model):
    """A school's default check-in cadence for each status, in days.

    The defaults (14, 30, 42, 42) follow issue 7's examples ("fortnightly on a child protection
    plan, monthly for a child in need, every six weeks for early help or monitoring"). No
    national rule sets these intervals, so they are the school's to change
    (national-reviews.md §5 item 5 asks only that vulnerable children are revisited
    "regularly" [V SecEd]).
    """

    school = models.OneToOneField(
        School, on_delete=models.PROTECT, primary_key=True, related_name="voice_settings"
    )
    cp_plan_days = models.PositiveSmallIntegerField(default=14)
    cin_days = models.PositiveSmallIntegerField(default=30)
    early_help_days = models.PositiveSmallIntegerField(default=42)
    monitoring_days = models.PositiveSmallIntegerField(default=42)
    due_soon_days = models.PositiveSmallIntegerField(default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "voice settings"

    def __str__(self) -> str:
        return f"Check-in cadences at {self.school_id}"

    def cadence_for(self, level: SupportLevel) -> int | None:
        """The default days between check-ins for a child at `level`; None: not scheduled."""
        return {
            SupportLevel.CP_PLAN: self.cp_plan_days,
            SupportLevel.CIN: self.cin_days,
            SupportLevel.EARLY_HELP: self.early_help_days,
            SupportLevel.MONITORING: self.monitoring_days,
        }.get(level)


class ShareMethod(models.TextChoices):
    """How the child chose to share."""

    TALKING = "talking", "Talking"
    DRAWING = "drawing", "Drawing"
    WRITING = "writing", "Writing"
    SCALE = "scale", "A scale (for example 0 to 10)"
    WORRY_BOX = "worry_box", "A worry box"
    PLAY = "play", "Play or objects"
    OTHER = "other", "Another way"


class Communication(models.TextChoices):
    """How the voice was gathered, for a child who does not speak English or communicates
    differently."""

    DIRECT = "direct", "Directly, in the child's own words"
    INTERPRETER = "interpreter", "Through an interpreter"
    SYMBOLS = "symbols", "Symbols or pictures (for example a communication board)"
    SIGN = "sign", "Sign language or signing system"
    AAC = "aac", "A communication aid or device"
    OBSERVATION = "observation", "Observation of the child (not their words)"
    OTHER = "other", "Another way"


class Occasion(models.TextChoices):
    CHECK_IN = "check_in", "A planned check-in"
    CHILD_CHOSE = "child_chose", "The child chose to talk"
    OTHER = "other", "Something else"


class VoiceEntry(models.Model):
    """One time the child was heard. Its content is in `versions`; the newest is current."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="voice_entries")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "voice entries"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["school", "pupil"], name="voice_entry_school_pupil"),
        ]

    def __str__(self) -> str:
        return f"Voice entry {self.pk}"


class VoiceEntryVersion(models.Model):
    """The content of a voice entry as written once. Never edited: an amendment is a new version
    with a reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(VoiceEntry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField()
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    words = models.TextField()
    # What the child spoke about, as the person recording ticked it (`sources.themes`).
    themes = models.JSONField(default=list, blank=True)
    share_methods = models.JSONField(default=list)
    scale_question = models.CharField(max_length=200, blank=True)
    scale_score = models.PositiveSmallIntegerField(null=True, blank=True)
    asked_by = models.CharField(max_length=200)
    place = models.CharField(max_length=200)
    other_adult_present = models.BooleanField(default=False)
    other_adult = models.CharField(max_length=200, blank=True)
    communication = models.CharField(
        max_length=20, choices=Communication.choices, default=Communication.DIRECT
    )
    communication_notes = models.TextField(blank=True)
    # Prompts a trusted adult may use; none is required.
    typical_morning = models.TextField(blank=True)
    food = models.TextField(blank=True)
    sleep = models.TextField(blank=True)
    who_looks_after_me = models.TextField(blank=True)
    who_i_talk_to = models.TextField(blank=True)
    worries = models.TextField(blank=True)
    good_things = models.TextField(blank=True)
    wishes = models.TextField(blank=True)
    reflection = models.TextField(blank=True)
    amendment_reason = models.TextField(blank=True)
    written_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["entry", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["entry", "number"], name="voice_version_unique"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(amendment_reason=""),
                name="voice_amendment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(scale_score__isnull=True) | Q(scale_score__lte=10),
                name="voice_scale_zero_to_ten",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.entry_id}"

    @property
    def theme_labels(self) -> list[str]:
        """What the child spoke about, in words (the recorder's ticks)."""
        return theme_labels(self.themes)

    @property
    def share_method_labels(self) -> list[str]:
        labels = dict(ShareMethod.choices)
        return [str(labels.get(m, m)) for m in self.share_methods]

    @property
    def prompts(self) -> list[tuple[str, str]]:
        """The prompts answered, as (question, answer), in the order they are asked."""
        return [(label, getattr(self, name)) for name, label in PROMPTS if getattr(self, name)]


# The structured prompts, in order; the last three are the "three houses" (worries, good
# things, dreams) used in direct work with children.
PROMPTS: tuple[tuple[str, str], ...] = (
    ("typical_morning", "A typical morning"),
    ("food", "Food"),
    ("sleep", "Sleep"),
    ("who_looks_after_me", "Who looks after me"),
    ("who_i_talk_to", "Who I can talk to"),
    ("worries", "House of worries"),
    ("good_things", "House of good things"),
    ("wishes", "House of dreams (wishes)"),
)


class VoiceAttachment(models.Model):
    """A file that belongs to a voice entry (a drawing, a photo of writing, a scale sheet).

    Stored under settings.PRIVATE_MEDIA_ROOT, outside the web root; served only through
    `voice.views.attachment`, which checks access and audits the read.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(VoiceEntry, on_delete=models.PROTECT, related_name="attachments")
    added_in = models.ForeignKey(
        VoiceEntryVersion, on_delete=models.PROTECT, related_name="attachments"
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=300, unique=True)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
