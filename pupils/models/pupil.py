"""The child, their former UPNs, where they are enrolled, and statuses recorded about them."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.codes import validate_ethnicity_code, validate_year_group
from schools.models import School


class Sex(models.TextChoices):
    # CTF/census gender codes: M, F, and U where not known.
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class SenStatus(models.TextChoices):
    NONE = "N", "No special educational need"
    SEN_SUPPORT = "K", "SEN support"
    EHC_PLAN = "E", "Education, health and care plan"


class SocialCareStatus(models.TextChoices):
    NEVER_KNOWN = "never", "Never known to children's social care"
    OPEN = "open", "Open to children's social care"
    PREVIOUSLY_KNOWN = "previous", "Previously known to children's social care"


class Pupil(models.Model):
    """A child. One record follows the child across schools; enrolments say where and when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    upn = models.CharField("UPN", max_length=13, unique=True)
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    preferred_forename = models.CharField(max_length=100, blank=True)
    preferred_surname = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # DfE ethnicity code (e.g. WBRI), validated against pupils/data/ethnicity_codes.csv.
    ethnicity = models.CharField(max_length=4, blank=True, validators=[validate_ethnicity_code])
    year_group = models.CharField(max_length=3, blank=True, validators=[validate_year_group])
    eal = models.BooleanField("English as an additional language", default=False)
    sen_status = models.CharField(max_length=1, choices=SenStatus.choices, default=SenStatus.NONE)
    disability = models.BooleanField(default=False)
    free_school_meals = models.BooleanField(default=False)
    disadvantaged = models.BooleanField(default=False)
    looked_after = models.BooleanField(default=False)
    previously_looked_after = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    care_authority = models.CharField(
        max_length=3, blank=True, help_text="The LA looking after the child (CTF CareAuthority)."
    )
    social_care_status = models.CharField(
        max_length=10, choices=SocialCareStatus.choices, default=SocialCareStatus.NEVER_KNOWN
    )
    social_care_status_from = models.DateField(null=True, blank=True)
    social_care_status_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(upn__regex=r"^[A-Z][0-9]{11}[0-9A-Z]$"), name="pupil_upn_format"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pupils:detail", args=[self.pk])

    @property
    def legal_name(self) -> str:
        return " ".join(
            p for p in (self.legal_forename, self.middle_names, self.legal_surname) if p
        )

    @property
    def display_name(self) -> str:
        forename = self.preferred_forename or self.legal_forename
        surname = self.preferred_surname or self.legal_surname
        return f"{forename} {surname}"


class FormerUPN(models.Model):
    """A UPN the child was known by before; imports match on it too."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="former_upns")
    upn = models.CharField(max_length=13, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.upn


class EnrolmentEndReason(models.TextChoices):
    MOVED_SCHOOL = "moved_school", "Moved to another school"
    MOVED_AWAY = "moved_away", "Moved away"
    ELECTIVE_HOME_EDUCATION = "ehe", "Elective home education"
    END_OF_EDUCATION = "end_of_education", "Finished education at the school"
    CHILD_MISSING_EDUCATION = "cme", "Child missing education"
    OTHER = "other", "Other"


class Enrolment(models.Model):
    """A period on a school's roll. A child who moves keeps one history across schools."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EnrolmentEndReason.choices, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["pupil", "school"],
                condition=Q(end_date__isnull=True),
                name="enrolment_one_open_per_school",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["school", "end_date"], name="enrolment_school_open"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.school} from {self.start_date}"


class RecordSource(models.TextChoices):
    """Where a pupil-level fact came from."""

    CTF = "ctf", "Common Transfer File"
    CSV = "csv", "CSV import"
    MANUAL = "manual", "Entered in Cairn"
    DEMO = "demo", "Demo data"


class StatusKind(models.TextChoices):
    """Statuses shown with their dates on the front sheet."""

    LOOKED_AFTER = "looked_after", "Looked after"
    PREVIOUSLY_LOOKED_AFTER = "previously_looked_after", "Previously looked after"
    SOCIAL_CARE_OPEN = "social_care_open", "Open to children's social care"
    SOCIAL_CARE_PREVIOUS = "social_care_previous", "Previously known to children's social care"
    YOUNG_CARER = "young_carer", "Young carer"
    FREE_SCHOOL_MEALS = "free_school_meals", "Free school meals"
    DISADVANTAGED = "disadvantaged", "Disadvantaged"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "Education, health and care plan"
    EAL = "eal", "English as an additional language"
    DISABILITY = "disability", "Disability"


class PupilStatus(models.Model):
    """One period in a status (say, looked after from 3 May 2024 to 1 June 2025).

    The booleans on Pupil say what holds now; these rows say since when, and what held before.
    A period ends by having `ended_on` set; it is never deleted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="statuses")
    kind = models.CharField(max_length=30, choices=StatusKind.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="pupil_status_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["pupil", "kind"],
                condition=Q(ended_on__isnull=True),
                name="pupil_status_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on}"
