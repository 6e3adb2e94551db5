"""The front sheet's own reads: the child, the people around them, statuses, schools, and the
social-care status in words."""

from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string

from pupils.models import (
    SIBLING_KINDS,
    Enrolment,
    Household,
    HouseholdMember,
    Pupil,
    PupilAddress,
    PupilStatus,
    Relationship,
    RelationshipKind,
)
from pupils.selectors.household import (
    HouseholdHistory,
    SiblingLink,
    history_from,
    sibling_links,
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
    CP file front sheet contents: Cairn domain reference, records-and-access.md §2 [P].

    Each table is read once for every part of the page: the household's members with the
    household (one query), then the relationships and the addresses of the children of the
    household (for the child's own tables, the household's history and the brothers and
    sisters), and the enrolments of the child and of the brothers and sisters together."""
    # The household the child lives in now (the earliest joined, as `current_household`), and
    # its members past and present with their pupils.
    home = (
        HouseholdMember.objects.filter(pupil=pupil, left_on__isnull=True)
        .order_by("joined_on")
        .values("household_id")[:1]
    )
    rows = list(
        HouseholdMember.objects.filter(household_id=Subquery(home)).select_related(
            "pupil", "household"
        )
    )
    household = rows[0].household if rows else None
    pupil_ids = {m.pupil_id for m in rows} | {pupil.pk}
    # In the model's order (then by id, so that ties come out the same on both databases).
    relationships = list(
        Relationship.objects.filter(pupil_id__in=pupil_ids)
        .select_related("person", "person__address")
        .order_by("contact_priority", "-valid_from", "pk")
    )
    addresses = list(
        PupilAddress.objects.filter(pupil_id__in=pupil_ids)
        .select_related("address")
        .order_by("from_date", "pk")
    )
    current = [r for r in relationships if r.pupil_id == pupil.pk and r.valid_to is None]
    # Brothers and sisters: the household's other children now, and children recorded as the
    # child's (half-)siblings who are pupils in Cairn.
    sibling_ids = {m.pupil_id for m in rows if m.left_on is None}
    sibling_ids.update(
        r.person.pupil_id
        for r in current
        if r.kind in SIBLING_KINDS and r.person.pupil_id is not None
    )
    sibling_ids.discard(pupil.pk)
    today = timezone.localdate()
    enrolments: list[Enrolment] = []
    sibling_enrolments: list[Enrolment] = []
    for enrolment in Enrolment.objects.filter(
        Q(pupil=pupil)
        | Q(pupil_id__in=sibling_ids) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    ).select_related("school", "pupil"):
        if enrolment.pupil_id == pupil.pk:
            enrolments.append(enrolment)
        else:
            sibling_enrolments.append(enrolment)
    siblings = sorted(
        {e.pupil_id: e.pupil for e in sibling_enrolments}.values(),
        key=lambda p: (p.date_of_birth, p.legal_surname, p.legal_forename, str(p.pk)),
    )
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
        enrolments=enrolments,
        former_upns=list(pupil.former_upns.values_list("upn", flat=True)),
        current_address=next(
            (a for a in addresses if a.pupil_id == pupil.pk and a.to_date is None), None
        ),
        household=household,
        history=history_from(
            addresses=addresses,
            relationships=relationships,
            members=rows if household is not None else None,
        ),
        siblings=sibling_links(viewer=viewer, siblings=siblings, enrolments=sibling_enrolments),
    )
