"""Concerns, the DSL's decisions and actions, and the other dated records on a child's timeline.

Every record here is append-only: nothing is updated in place or deleted. A change is a new row
(a `ConcernVersion`, a superseding `Decision`, an `ActionCompletion`) carrying the reason for it.
Source: KCSIE 2024, Part one, "Record keeping" — all concerns, discussions and decisions, and the
reasons for them, in writing [V] (Cairn domain reference, records-and-access.md §2).
"""

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


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    MONITOR = "monitor", "Monitor"
    EARLY_HELP = "early_help", "Early help"
    SOCIAL_CARE = "social_care", "Referral to children's social care"
    POLICE = "police", "Referral to the police"
    LADO = "lado", "Allegation about an adult: LADO"
    PREVENT = "prevent", "Prevent / Channel referral"
    OTHER_AGENCY = "other_agency", "Referral to another agency"


# Outcomes that send the concern to another agency, whose outcome the school then records.
REFERRAL_OUTCOMES = frozenset(
    {Outcome.SOCIAL_CARE, Outcome.POLICE, Outcome.LADO, Outcome.PREVENT, Outcome.OTHER_AGENCY}
)


class Decision(models.Model):
    """The DSL's decision on a concern, always with its rationale (including "no referral").

    Source: decisions not to refer are decisions, recorded with outcome and rationale — KCSIE
    Annex C [P esremedia.co.uk] (Cairn domain reference, records-and-access.md §2). A changed
    decision is a new row that supersedes the old, with a reason.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    rationale = models.TextField()
    review_date = models.DateField(null=True, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    referral_reference = models.CharField(max_length=100, blank=True)
    referral_date = models.DateField(null=True, blank=True)
    outcome_expected_by = models.DateField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    change_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200)
    decided_at = models.DateTimeField(db_index=True)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
            models.CheckConstraint(
                condition=~Q(outcome="monitor") | Q(review_date__isnull=False),
                name="decision_monitor_has_review_date",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(change_reason=""),
                name="decision_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()

    @property
    def is_referral(self) -> bool:
        return self.outcome in REFERRAL_OUTCOMES


class AllegationRecord(models.Model):
    """An allegation about an adult, referred to the LADO: the separate, restricted register.

    Source: the DSL liaises with the case manager and LADO on allegations against staff — KCSIE
    Annex C [V] (Cairn domain reference, records-and-access.md §5); such records are kept apart
    from children's files (§9, retention of allegations [U]).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="allegations")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="allegation")
    adult_name = models.CharField(max_length=200)
    adult_role = models.CharField(max_length=200)
    lado_reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Allegation about {self.adult_role}"


class ReferralOutcome(models.Model):
    """What the other agency decided, and whether the school agrees (escalation if not).

    Source: a "do we agree?" step after a referral outcome; escalation where the child's situation
    does not improve [P Croydon, Hertfordshire procedures] (records-and-access.md §11).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="outcomes")
    received_on = models.DateField()
    outcome = models.TextField()
    school_agrees = models.BooleanField()
    next_steps = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(school_agrees=True) | ~Q(next_steps=""),
                name="referral_outcome_disagreement_has_next_steps",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome received {self.received_on:%d %b %Y}"


class Action(models.Model):
    """Something a named member of staff is to do about a concern, by a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    assigned_to = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="assigned_actions"
    )
    due_on = models.DateField(db_index=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.description[:60]


class ActionCompletion(models.Model):
    """An action done, with what was done. One per action."""

    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="completion")
    note = models.TextField()
    completed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Done {self.completed_at:%d %b %Y}"


class Alert(models.Model):
    """An in-app alert to a member of the safeguarding team that a concern was recorded.

    "Notified of a concern" is kept apart from "may read the file" (records-and-access.md §11):
    an alert carries no access of its own; opening the concern goes through `access_concern`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="alerts")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="alerts")
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["recipient", "concern"], name="alert_once"),
        ]

    def __str__(self) -> str:
        return f"Alert for {self.recipient}"


class BehaviourIncident(models.Model):
    """A behaviour incident, from the MIS or added by hand. Behaviour can be communication."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour")
    occurred_at = models.DateTimeField(db_index=True)
    incident_type = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    action_taken = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CAIRN)
    source_ref = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="behaviour_mis_id_once",
            ),
        ]

    def __str__(self) -> str:
        return self.incident_type


class ChildPresent(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "unknown", "Not known"


class EncompassNotification(models.Model):
    """A police notification of a domestic-abuse incident (Operation Encompass). DSL team only.

    Source: police notify the school DSL before the next school day; the notification says whether
    the child was present [P hcrlaw.com; policypartnersproject.co.uk] (records-and-access.md §8).
    The household's other children are linked as a list of pupils until households exist.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="encompass")
    pupils = models.ManyToManyField(Pupil, related_name="encompass_notifications")
    police_reference = models.CharField(max_length=100)
    occurred_at = models.DateTimeField(db_index=True)
    received_at = models.DateTimeField()
    child_present = models.CharField(max_length=7, choices=ChildPresent.choices)
    voice_of_child = models.TextField(blank=True)
    details = models.TextField(blank=True)
    welfare_check_on = models.DateField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"Operation Encompass {self.police_reference}"


class ImportOrigin(models.Model):
    """Where an imported record came from, and who wrote it there: the old system's name, and the
    author (`field` "author", or another person the record names, e.g. "assigned_to") as a name
    and role, kept whether or not they are a Cairn user (the record's own `recorded_by` is then
    the DSL who ran the import). One row per record and field; never changed (ADR 0009)."""

    target = models.CharField(max_length=60)  # "app_label.model"
    target_id = models.CharField(max_length=40)
    field = models.CharField(max_length=30, default="author")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    is_user = models.BooleanField(default=False)  # the name matched a Cairn user at the school
    source_system = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["target", "target_id", "field"], name="import_origin_once"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["target", "target_id"], name="import_origin_target"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (imported)"


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
