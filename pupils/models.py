"""The child, where they are enrolled, and the people around them."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

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
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # DfE main ethnicity code (e.g. WBRI), kept as given; the code list is data.
    ethnicity = models.CharField(max_length=4, blank=True)
    year_group = models.CharField(max_length=3, blank=True)
    eal = models.BooleanField("English as an additional language", default=False)
    sen_status = models.CharField(max_length=1, choices=SenStatus.choices, default=SenStatus.NONE)
    disability = models.BooleanField(default=False)
    free_school_meals = models.BooleanField(default=False)
    disadvantaged = models.BooleanField(default=False)
    looked_after = models.BooleanField(default=False)
    previously_looked_after = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
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
