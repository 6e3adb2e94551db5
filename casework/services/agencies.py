"""Writes: a contact with another agency, and the agency's answer with whether the school agrees.

A contact that comes from a referral decision on a concern points at that decision (the
referral's agency, date and reference stay in concerns) rather than repeating it.
"""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit import services as audit
from audit.models import AuditAction
from casework.models import (
    Agency,
    AgencyContact,
    AgencyResponse,
    ContactPurpose,
    ResponseKind,
)
from casework.services._common import (
    Imported,
    choice,
    long_date,
    not_before,
    not_future,
    on_roll,
    optional,
    provenance,
    required,
    team_school,
)
from concerns.models import REFERRAL_OUTCOMES, Decision, Outcome
from pupils.models import Pupil
from schools.models import Membership

# The agency a referral decision went to, where the decision's outcome names it.
AGENCY_OF_OUTCOME = {
    Outcome.SOCIAL_CARE: Agency.SOCIAL_CARE,
    Outcome.POLICE: Agency.POLICE,
    Outcome.EARLY_HELP: Agency.EARLY_HELP,
}


def referral_decisions(*, school_id: UUID, pupil: Pupil) -> list[Decision]:
    """The child's current referral decisions at the school that no contact points at yet."""
    linked = AgencyContact.objects.filter(referral__isnull=False).values("referral_id")
    return list(
        Decision.objects.filter(
            concern__school_id=school_id,
            concern__parts__pupil=pupil,
            outcome__in=REFERRAL_OUTCOMES,
            superseded_by__isnull=True,
        )
        .exclude(pk__in=linked)
        .order_by("-decided_at")
        .distinct()
    )


@transaction.atomic
def contact_record(
    *,
    actor: Membership,
    pupil: Pupil,
    agency: Agency | str,
    purpose: ContactPurpose | str,
    contacted_on: date,
    summary: str,
    agency_name: str = "",
    person_contacted: str = "",
    referral: Decision | None = None,
    answer_expected_by: date | None = None,
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> AgencyContact:
    """Record that the school contacted another agency about the child.

    Refused: a date in the future or when the child was not on the school's roll; an answer
    expected before the contact; a referral decision of another school or child, or one
    already linked to a contact; no word of what was asked or shared.
    """
    school_id = team_school(actor)
    agency = choice(Agency, agency, "agency", "Choose the agency contacted.")
    purpose = choice(ContactPurpose, purpose, "purpose", "Choose why the school made contact.")
    not_future(contacted_on, "contacted_on", "The date of the contact")
    on_roll(pupil, school_id, contacted_on, "contacted_on")
    if referral is not None:
        if referral not in referral_decisions(school_id=school_id, pupil=pupil):
            raise ValidationError(
                {"referral": "Choose one of this child's referrals not yet linked to a contact."}
            )
        purpose = ContactPurpose.REFERRAL
        summary = summary.strip() or f"Referral: {referral.rationale}"
    summary = required(summary, "summary", "Say what was asked or shared.")
    if answer_expected_by is not None:
        not_before(
            answer_expected_by,
            contacted_on,
            "answer_expected_by",
            "The answer cannot be expected before the contact was made.",
        )
    contact = AgencyContact.objects.create(
        school_id=school_id,
        pupil=pupil,
        agency=agency,
        agency_name=optional(agency_name, "agency_name", limit=200),
        person_contacted=optional(person_contacted, "person_contacted", limit=200),
        purpose=purpose,
        contacted_on=contacted_on,
        summary=summary,
        referral=referral,
        answer_expected_by=answer_expected_by,
        recorded_by=actor,
        **provenance(imported),
    )
    audit.record(
        actor=actor,
        action=AuditAction.AGENCY_CONTACT_RECORDED,
        target=contact,
        pupil_id=pupil.pk,
        request=request,
        details={"agency": str(agency), "purpose": str(purpose), "on": contacted_on.isoformat()},
    )
    return contact


@transaction.atomic
def response_record(
    *,
    actor: Membership,
    contact: AgencyContact,
    kind: ResponseKind | str,
    received_on: date,
    details: str = "",
    answer_expected_by: date | None = None,
    school_agrees: bool | None = None,
    agreement_reason: str = "",
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> AgencyResponse:
    """Record the agency's answer to a contact (or that none has come yet, with the date one is
    expected), and whether the school agrees and why.

    Refused: an answer dated before the contact (a response cannot precede its contact) or in
    the future; "no answer yet" without the date one is expected; an answer without saying
    whether the school agrees; a disagreement without the reason.
    """
    school_id = team_school(actor)
    if contact.school_id != school_id:
        raise ValidationError("Only the school that made the contact records its answer.")
    kind = choice(ResponseKind, kind, "kind", "Choose the agency's answer.")
    not_future(received_on, "received_on", "The date of the answer")
    not_before(
        received_on,
        contact.contacted_on,
        "received_on",
        f"The answer cannot come before the contact, made on {long_date(contact.contacted_on)}.",
    )
    agreement_reason = optional(agreement_reason, "agreement_reason")
    if kind == ResponseKind.NO_ANSWER:
        if answer_expected_by is None:
            raise ValidationError(
                {"answer_expected_by": "Enter the date by which an answer is expected."}
            )
        not_before(
            answer_expected_by,
            received_on,
            "answer_expected_by",
            "The date an answer is expected must be on or after the date of this entry.",
        )
        school_agrees = None
    else:
        answer_expected_by = None
        if school_agrees is None:
            raise ValidationError({"school_agrees": "Say whether the school agrees."})
        if not school_agrees and not agreement_reason:
            raise ValidationError(
                {"agreement_reason": "Say why the school does not agree with the answer."}
            )
    response = AgencyResponse.objects.create(
        contact=contact,
        kind=kind,
        received_on=received_on,
        details=optional(details, "details"),
        answer_expected_by=answer_expected_by,
        school_agrees=school_agrees,
        agreement_reason=agreement_reason,
        recorded_by=actor,
        **provenance(imported, with_ref=False),
    )
    audit.record(
        actor=actor,
        action=AuditAction.AGENCY_RESPONSE_RECORDED,
        target=response,
        pupil_id=contact.pupil_id,
        request=request,
        details={"kind": str(kind), "school_agrees": school_agrees, "contact": str(contact.pk)},
    )
    return response
