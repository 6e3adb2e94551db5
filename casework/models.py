"""What happened around the child: other agencies' answers, plans, meetings, escalation, leaving
the roll, the household's other children, how the parents engaged, and notes that are not
concerns.

Serious case reviews find that each professional held a piece and the pieces were never put side
by side (national-reviews.md §4, "Give the safeguarding team time for multi-agency work" [V
SecEd]); these records put them side by side on one chronology. Every record is append-only:
a later answer is a new response, an ended plan gets a `PlanEnding`, a stage's outcome is a row
of its own. Each record keeps when it happened and when it was written (`recorded_at`), so the
facts for the detectors can be read "as of" a past day.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Enrolment, Pupil
from schools.models import Membership, School


class Agency(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care or the MASH"
    POLICE = "police", "Police"
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    PAEDIATRICS = "paediatrics", "Paediatrics"
    EARLY_HELP = "early_help", "Early help"
    ATTENDANCE = "attendance", "Local authority attendance or children missing education officer"
    OTHER_SCHOOL = "other_school", "Another school"
    OTHER = "other", "Another agency"


HEALTH_AGENCIES = frozenset(
    {Agency.GP, Agency.HEALTH_VISITOR, Agency.SCHOOL_NURSE, Agency.PAEDIATRICS}
)


class ContactPurpose(models.TextChoices):
    REFERRAL = "referral", "A referral"
    ASKED = "asked", "Asking for information or advice"
    SHARED = "shared", "Sharing information"


class AgencyContact(models.Model):
    """The school contacted another agency about the child: who, when, and what was asked or
    shared. Where it comes from a referral decision on a concern, it points at that decision
    rather than repeating it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="agency_contacts")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    agency_name = models.CharField(max_length=200, blank=True)
    person_contacted = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=10, choices=ContactPurpose.choices)
    contacted_on = models.DateField()
    summary = models.TextField()
    referral = models.ForeignKey(
        "concerns.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_expected_by = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-contacted_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(summary=""), name="agency_contact_has_summary"),
            models.CheckConstraint(
                condition=Q(answer_expected_by__isnull=True)
                | Q(answer_expected_by__gte=models.F("contacted_on")),
                name="agency_contact_answer_after_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}, {self.contacted_on:%-d %b %Y}"

    @property
    def agency_label(self) -> str:
        return self.agency_name or self.get_agency_display()


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", "Accepted for assessment"
    STRATEGY = "strategy", "Strategy discussion"
    NO_FURTHER_ACTION = "nfa", "No further action"
    NO_CONCERNS = "no_concerns", "No concerns"
    EARLY_HELP = "early_help", "Redirected to early help"
    INFORMATION = "information", "Information or advice given"
    NO_ANSWER = "no_answer", "No answer yet"


class AgencyResponse(models.Model):
    """The agency's answer to a contact, and whether the school agrees and why. A later answer
    (after "no answer yet", or a changed decision) is a new row; the latest is the current one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(AgencyContact, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField(max_length=12, choices=ResponseKind.choices)
    received_on = models.DateField()
    details = models.TextField(blank=True)
    answer_expected_by = models.DateField(null=True, blank=True)
    # None while there is no answer to agree with.
    school_agrees = models.BooleanField(null=True, blank=True)
    agreement_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(kind="no_answer") | Q(answer_expected_by__isnull=False),
                name="agency_response_waiting_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(school_agrees=False) | ~Q(agreement_reason=""),
                name="agency_response_disagreement_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.received_on:%-d %b %Y}"


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
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
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


class MeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy discussion"
    ICPC = "icpc", "Initial child protection conference"
    RCPC = "rcpc", "Review child protection conference"
    CORE_GROUP = "core_group", "Core group meeting"
    CIN_REVIEW = "cin_review", "Child in need review"
    TEAM_AROUND_FAMILY = "taf", "Early help or team around the family meeting"
    PROFESSIONALS = "professionals", "Professionals' meeting"


class Meeting(models.Model):
    """A multi-agency meeting about the child: who was there, what it decided, what the school
    is to do, and the safeguarding team's time on it (preparation and the meeting itself)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=15, choices=MeetingKind.choices)
    held_on = models.DateField(db_index=True)
    agencies_present = models.JSONField(default=list, blank=True)
    others_present = models.CharField(max_length=400, blank=True)
    decisions = models.TextField()
    actions_for_school = models.TextField(blank=True)
    preparation_minutes = models.PositiveIntegerField(default=0)
    meeting_minutes = models.PositiveIntegerField(default=0)
    contact = models.ForeignKey(
        AgencyContact, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(decisions=""), name="meeting_has_decisions"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.held_on:%-d %b %Y}"

    @property
    def minutes_spent(self) -> int:
        return self.preparation_minutes + self.meeting_minutes

    @property
    def agency_labels(self) -> list[str]:
        labels = dict(Agency.choices)
        return [str(labels.get(a, a)) for a in self.agencies_present]


class MeetingReport(models.Model):
    """The school's report to a meeting: a file kept under PRIVATE_MEDIA_ROOT, served only after
    an access check (the pattern of concerns' attachments)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reports")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.original_name


class EscalationStageSetting(models.Model):
    """One stage of the local partnership's escalation procedure, as the school set it: who to
    go to and how many days that stage allows (records-and-access.md §11 "Escalation tracking":
    partnerships set stage timescales [P Croydon, Hertfordshire, West Yorkshire procedures])."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    contact = models.CharField(max_length=200, blank=True)
    days_allowed = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["school", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["school", "position"], name="escalation_stage_once"),
            models.CheckConstraint(condition=Q(days_allowed__gte=1), name="escalation_days_set"),
        ]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """The school challenging another agency's decision (professional challenge), opened from a
    response it disagrees with or from a pattern finding, climbing the stages until resolved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="escalations")
    response = models.ForeignKey(
        AgencyResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    # A pattern finding's id, where it was opened from one (patterns sit above this app).
    finding_id = models.UUIDField(null=True, blank=True)
    reason = models.TextField()
    opened_on = models.DateField()
    opened_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_on", "-opened_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(reason=""), name="escalation_has_reason"),
            models.CheckConstraint(
                condition=Q(response__isnull=False) | Q(finding_id__isnull=False),
                name="escalation_has_a_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation opened {self.opened_on:%-d %b %Y}"


class EscalationStage(models.Model):
    """One stage of an escalation: whom the school went to, by when an answer is due, what was
    said. Its outcome is an `EscalationOutcome`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    contact = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    due_on = models.DateField(db_index=True)
    what_was_said = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["escalation", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["escalation", "position"], name="stage_once"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("started_on")), name="stage_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, due {self.due_on:%-d %b %Y}"


class StageOutcomeKind(models.TextChoices):
    CHANGED = "changed", "Resolved: the agency changed its decision"
    ACCEPTED = "accepted", "Resolved: the school accepts the answer, with reasons"
    NEXT = "next", "Not resolved: go to the next stage"
    CLOSED = "closed", "Closed without agreement"


class EscalationOutcome(models.Model):
    """What came of one stage. "Next stage" opens the next one; the others end the escalation."""

    stage = models.OneToOneField(EscalationStage, on_delete=models.PROTECT, related_name="outcome")
    kind = models.CharField(max_length=10, choices=StageOutcomeKind.choices)
    decided_on = models.DateField()
    what_was_said = models.TextField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.get_kind_display()


class LeavingReason(models.TextChoices):
    MOVED_SCHOOL = "moved_school", "Moved to a named school"
    ELECTIVE_HOME_EDUCATION = "ehe", "Elective home education"
    MOVED_AWAY = "moved_away", "Moved away, destination unknown"
    CHILD_MISSING_EDUCATION = "cme", "Referred as a child missing education"
    OTHER = "other", "Another reason"


class Leaving(models.Model):
    """The child left the school's roll: when, why, and where to. One per enrolment; the
    enrolment's end date is set through `pupils.services.enrolment_end`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="leaving")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="leavings")
    left_on = models.DateField()
    reason = models.CharField(max_length=15, choices=LeavingReason.choices)
    destination = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # Concerns still open when the child left: the file transfer and LA notification prompt.
    open_concerns = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-left_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(reason="moved_school") | ~Q(destination=""),
                name="leaving_named_school",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""), name="leaving_other_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"Left {self.left_on:%-d %b %Y}: {self.get_reason_display()}"


class AgreedAbsence(models.Model):
    """An absence the school agreed, with the date the child is expected back. Past that date
    with no return recorded, the child is "not back when expected"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="agreed_absences")
    starts_on = models.DateField()
    expected_back_on = models.DateField(db_index=True)
    reason = models.TextField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(expected_back_on__gte=models.F("starts_on")),
                name="agreed_absence_back_after_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="agreed_absence_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Agreed absence from {self.starts_on:%-d %b %Y}"

    @property
    def return_or_none(self) -> "AbsenceReturn | None":
        return getattr(self, "returned", None)


class AbsenceReturn(models.Model):
    absence = models.OneToOneField(AgreedAbsence, on_delete=models.PROTECT, related_name="returned")
    returned_on = models.DateField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Back {self.returned_on:%-d %b %Y}"


class SettingKind(models.TextChoices):
    NONE = "none", "Not in any setting"
    EARLY_YEARS = "early_years", "Nursery, pre-school or childminder"
    SCHOOL = "school", "A school outside the trust"
    OTHER = "other", "Another setting"


class HouseholdChild(models.Model):
    """A child who lives in the pupil's household and is on no roll Cairn holds: a baby, a
    younger child, a child at a school outside the trust or at none. National reviews: a third
    of the children were under one (national-reviews.md §1 [V SecEd]); babies are not pupils."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="household_children")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    setting_kind = models.CharField(max_length=15, choices=SettingKind.choices)
    setting_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date_of_birth"]

    def __str__(self) -> str:
        return self.name


class ChildSighting(models.Model):
    """When, and by whom, a household child was last seen by a professional."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(HouseholdChild, on_delete=models.PROTECT, related_name="sightings")
    seen_on = models.DateField()
    seen_by = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_on"]

    def __str__(self) -> str:
        return f"Seen {self.seen_on:%-d %b %Y} by {self.seen_by}"


class EngagementKind(models.TextChoices):
    MISSED_APPOINTMENT = "missed", "Missed an appointment"
    CANCELLED_APPOINTMENT = "cancelled", "Cancelled an appointment"
    REFUSED_ACCESS = "refused", "Refused access or a home visit"
    HOSTILITY = "hostility", "Hostility or intimidation towards staff"
    EXPLANATION = "explanation", "Gave an explanation for an injury or an absence"


APPOINTMENT_KINDS = frozenset(
    {EngagementKind.MISSED_APPOINTMENT, EngagementKind.CANCELLED_APPOINTMENT}
)


class AppointmentKind(models.TextChoices):
    HEALTH = "health", "Health appointment"
    SCHOOL = "school", "School meeting"
    OTHER = "other", "Another appointment"


class ExplainedEvent(models.TextChoices):
    INJURY = "injury", "An injury"
    ABSENCE = "absence", "An absence"


class ExplanationChecked(models.TextChoices):
    CONSISTENT = "consistent", "Checked: it fits what was seen"
    INCONSISTENT = "inconsistent", "Checked: it does not fit"
    NOT_CHECKED = "not_checked", "Not checked"


class EngagementEvent(models.Model):
    """How a parent or carer engaged: a missed or cancelled appointment, refused access,
    hostility towards staff, or an explanation given and whether it was checked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="engagement_events")
    kind = models.CharField(max_length=12, choices=EngagementKind.choices)
    occurred_on = models.DateField()
    adult = models.CharField(max_length=200)
    appointment_kind = models.CharField(max_length=10, choices=AppointmentKind.choices, blank=True)
    explained_event = models.CharField(max_length=10, choices=ExplainedEvent.choices, blank=True)
    checked = models.CharField(max_length=15, choices=ExplanationChecked.choices, blank=True)
    details = models.TextField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(details=""), name="engagement_has_details"),
            models.CheckConstraint(
                condition=~Q(kind__in=["missed", "cancelled"]) | ~Q(appointment_kind=""),
                name="engagement_appointment_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="explanation") | (~Q(explained_event="") & ~Q(checked="")),
                name="engagement_explanation_checked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.occurred_on:%-d %b %Y}"


class NoteTone(models.TextChoices):
    GOOD = "good", "Good"
    NEUTRAL = "neutral", "Neutral"


class DayNote(models.Model):
    """A dated observation of the child's day that is not a concern ("happy and settled", "mum
    came to parents' evening"). On the chronology; never counted as a concern."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="day_notes")
    noted_on = models.DateField()
    tone = models.CharField(max_length=10, choices=NoteTone.choices)
    text = models.TextField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-noted_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(text=""), name="day_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"Note, {self.noted_on:%-d %b %Y}"
