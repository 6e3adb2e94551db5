"""Contacts with other agencies and their answers."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Pupil
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
    # The record's id in the system it was imported from (import_history); empty if not.
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-contacted_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "source_ref"],
                condition=~Q(source_ref=""),
                name="agencycontact_imported_once",
            ),
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
