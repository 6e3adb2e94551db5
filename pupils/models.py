"""The child, where they are enrolled, and the people around them."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.codes import validate_ethnicity_code, validate_year_group
from schools.models import Membership, School, Trust


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


class Address(models.Model):
    """A postal address as an MIS sent it (BS7666 parts or free lines). Never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    saon = models.CharField("secondary addressable object", max_length=100, blank=True)
    paon = models.CharField("house name or number", max_length=100, blank=True)
    street = models.CharField(max_length=100, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    administrative_area = models.CharField(max_length=100, blank=True)
    lines = models.JSONField(default=list, blank=True, help_text="Free address lines.")
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    # Normalised postcode + first line: how Cairn tells two records of one address apart.
    match_key = models.CharField(max_length=200, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(self.display_lines)

    @property
    def display_lines(self) -> list[str]:
        first = " ".join(p for p in (self.saon, self.paon, self.street) if p)
        parts = [first, self.locality, self.town, *self.lines, self.postcode]
        return [p for p in parts if p]


class PupilAddress(models.Model):
    """Where a child lived, from when to when. A move closes one row and opens the next."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-from_date"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="pupil_address_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(to_date__isnull=True), name="pupil_address_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} from {self.from_date}"


class Person(models.Model):
    """Someone around a child: an adult, a child who is not on a roll, or a professional.

    A person who is also a pupil in Cairn points at that pupil. Contact details are the school
    MIS's; they are refreshed by each import.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Whose MIS this person came from: one school (or, for demo and trust data, the trust).
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    pupil = models.OneToOneField(
        Pupil, on_delete=models.PROTECT, null=True, blank=True, related_name="person"
    )
    title = models.CharField(max_length=30, blank=True)
    forename = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=100)
    is_adult = models.BooleanField(default=True)
    date_of_birth = models.DateField(null=True, blank=True)
    organisation = models.CharField(max_length=200, blank=True, help_text="For professionals.")
    job_title = models.CharField(max_length=200, blank=True, help_text="For professionals.")
    phones = models.JSONField(default=list, blank=True, help_text='[{"type": "M", "number": …}]')
    email = models.EmailField(blank=True)
    # Digits of the first phone number: with the name, how a shared contact is spotted.
    phone_key = models.CharField(max_length=20, blank=True, db_index=True)
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=RecordSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["surname", "forename"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.forename, self.surname) if p)


class RelationshipKind(models.TextChoices):
    PARENT_WITH_PR = "parent_pr", "Parent with parental responsibility"
    PARENT_WITHOUT_PR = "parent", "Parent without parental responsibility"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    PARENT_PARTNER = "parent_partner", "Partner of a parent"
    OTHER_ADULT = "other_adult", "Other adult in the household"
    PROFESSIONAL = "professional", "Professional"
    OTHER_CONTACT = "other_contact", "Other relative or contact"


ADULT_KINDS = frozenset(
    {
        RelationshipKind.PARENT_WITH_PR,
        RelationshipKind.PARENT_WITHOUT_PR,
        RelationshipKind.CARER,
        RelationshipKind.PARENT_PARTNER,
        RelationshipKind.OTHER_ADULT,
    }
)
SIBLING_KINDS = frozenset({RelationshipKind.SIBLING, RelationshipKind.HALF_SIBLING})


class Relationship(models.Model):
    """How a person stands to a child, from when to when.

    A change of kind or of parental responsibility ends the row and starts a new one, so the
    history shows who held parental responsibility when. `contact_priority` is the MIS contact
    order (1 = call first); a relationship with a priority is an emergency contact.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="relationships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_pupil = models.BooleanField(default=False)
    contact_priority = models.PositiveSmallIntegerField(null=True, blank=True)
    # The code as the MIS sent it (e.g. CTF Relationship "PAM"), next to Cairn's kind.
    relationship_code = models.CharField(max_length=10, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contact_priority", "-valid_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="relationship_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["pupil", "person"],
                condition=Q(valid_to__isnull=True),
                name="relationship_one_open_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} of {self.pupil}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


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


class ImportKind(models.TextChoices):
    CTF = "ctf", "Common Transfer File"
    CSV = "csv", "CSV of pupils and contacts"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed, not imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Refused"


class ImportBatch(models.Model):
    """One file brought in from the MIS: what it was, who brought it, and what it did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(max_length=5, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    # Where an uploaded file waits between preview and import (under PRIVATE_MEDIA_ROOT).
    stored_name = models.CharField(max_length=255, blank=True)
    mapping = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class PupilSourceRecord(models.Model):
    """The raw record (a CTF <Pupil> element or a CSV row) that added or changed a child,
    with the file it came in (Cairn domain reference, ctf.md §5: keep the raw XML per pupil)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="source_records")
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=5, choices=ImportKind.choices)
    raw = models.TextField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.pupil_id}"
