"""The front sheet's own reads: the child, the people around them, statuses, schools, and the
social-care status in words."""

from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from pupils.models import (
    Enrolment,
    Household,
    Pupil,
    PupilAddress,
    PupilStatus,
    Relationship,
    RelationshipKind,
)
from pupils.selectors.household import (
    HouseholdHistory,
    SiblingLink,
    current_household,
    household_history,
    siblings_across_trust,
)
from schools.models import Membership


@dataclass(frozen=True, slots=True)
class SocialCareLine:
    """The front sheet's social-care status in words, with past plans (newest first, e.g.
    "Child protection plan (neglect), Mar 2021 – Jan 2022") and a note (an early help plan).
    `state` is "open", "referred", "previous" or "never"."""

    text: str
    state: str
    history: tuple[str, ...] = ()
    note: str = ""


def social_care_line(pupil: Pupil) -> SocialCareLine:
    """From the records app named in settings.PUPIL_SOCIAL_CARE_STATUS_SOURCE (plans and
    children's social care's answers: casework), or from the MIS's status where it has none."""
    path = getattr(settings, "PUPIL_SOCIAL_CARE_STATUS_SOURCE", "")
    line = import_string(path)(pupil) if path else None
    if line is not None:
        return cast(SocialCareLine, line)
    text = str(pupil.get_social_care_status_display())
    if pupil.social_care_status_from:
        text += f" from {pupil.social_care_status_from:%-d %b %Y}"
    if pupil.social_care_status_to:
        text += f" to {pupil.social_care_status_to:%-d %b %Y}"
    return SocialCareLine(text=text, state=str(pupil.social_care_status))


@dataclass(frozen=True, slots=True)
class FrontSheet:
    pupil: Pupil
    social_care: SocialCareLine
    parental_responsibility: list[Relationship]
    emergency_contacts: list[Relationship]
    professionals: list[Relationship]
    household_people: list[Relationship]
    statuses: list[PupilStatus]
    enrolments: list[Enrolment]
    former_upns: list[str]
    current_address: PupilAddress | None
    household: Household | None
    history: HouseholdHistory
    siblings: list[SiblingLink]


def front_sheet(*, viewer: Membership, pupil: Pupil) -> FrontSheet:
    """What the DSL needs on one page: who holds parental responsibility, whom to call, which
    professionals are involved, statuses with dates, schools, household and siblings.
    CP file front sheet contents: Cairn domain reference, records-and-access.md §2 [P]."""
    current = list(
        Relationship.objects.filter(pupil=pupil, valid_to__isnull=True).select_related(
            "person", "person__address"
        )
    )
    household = current_household(pupil)
    # The household's members, past and present, read once for the history and the siblings.
    rows = list(household.members.select_related("pupil")) if household is not None else []
    members = [m.pupil for m in rows] if household is not None else [pupil]
    return FrontSheet(
        pupil=pupil,
        social_care=social_care_line(pupil),
        parental_responsibility=[r for r in current if r.parental_responsibility],
        emergency_contacts=sorted(
            (r for r in current if r.contact_priority is not None),
            key=lambda r: r.contact_priority or 0,
        ),
        professionals=[r for r in current if r.kind == RelationshipKind.PROFESSIONAL],
        household_people=[
            r for r in current if r.lives_with_pupil and r.kind != RelationshipKind.PROFESSIONAL
        ],
        statuses=list(pupil.statuses.order_by("ended_on", "-started_on")),
        enrolments=list(pupil.enrolments.select_related("school")),
        former_upns=list(pupil.former_upns.values_list("upn", flat=True)),
        current_address=pupil.addresses.filter(to_date__isnull=True)
        .select_related("address")
        .first(),
        household=household,
        history=household_history(pupils=members, household=household, members=rows),
        siblings=siblings_across_trust(
            viewer=viewer, pupil=pupil, household=household, members=rows
        ),
    )
