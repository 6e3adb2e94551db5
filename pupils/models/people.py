"""Addresses and the adults and children around a child, with their relationships."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models.pupil import Pupil, RecordSource
from schools.models import School


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
