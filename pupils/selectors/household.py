"""Households and siblings: who lives with the child, and brothers and sisters across the trust
(with what the viewer may know of them), and the household's history of moves and adults."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from pupils.access import pupils_visible_to
from pupils.models import (
    ADULT_KINDS,
    SIBLING_KINDS,
    Enrolment,
    Household,
    HouseholdMember,
    Pupil,
    PupilAddress,
    Relationship,
    RelationshipKind,
    SocialCareStatus,
)
from schools.models import DSL_TEAM_ROLES, Membership

# --- Households and siblings -------------------------------------------------------------------


def current_household(pupil: Pupil) -> Household | None:
    member = (
        HouseholdMember.objects.filter(pupil=pupil, left_on__isnull=True)
        .select_related("household")
        .first()
    )
    return member.household if member is not None else None


def household_members_for(pupil: Pupil) -> list[Pupil]:
    """The other children who live with `pupil` now: their confirmed household, and children
    recorded as the pupil's (half-)siblings who are pupils in Cairn. No access check: callers
    pass what they show through `siblings_across_trust` or their own access_* function."""
    return _members_of(pupil, current_household(pupil))


def _members_of(
    pupil: Pupil, household: Household | None, members: Sequence[HouseholdMember] | None = None
) -> list[Pupil]:
    """`household_members_for` with the pupil's current household already read, and its
    members (past and present) where the caller has read them too."""
    ids: set[UUID] = set()
    if household is not None and members is not None:
        ids.update(m.pupil_id for m in members if m.left_on is None and m.pupil_id != pupil.pk)
    elif household is not None:
        ids.update(
            household.members.filter(left_on__isnull=True)
            .exclude(pupil=pupil)
            .values_list("pupil_id", flat=True)
        )
    ids.update(
        Relationship.objects.filter(
            pupil=pupil,
            kind__in=SIBLING_KINDS,
            valid_to__isnull=True,
            person__pupil__isnull=False,
        ).values_list("person__pupil_id", flat=True)
    )
    ids.discard(pupil.pk)
    return list(Pupil.objects.filter(pk__in=ids).order_by("date_of_birth"))


@dataclass(frozen=True, slots=True)
class DslContact:
    name: str
    email: str
    role: str


@dataclass(frozen=True, slots=True)
class SiblingLink:
    """A brother or sister, and what the viewer may know of them."""

    pupil_id: UUID
    name: str
    year_group: str
    school_names: tuple[str, ...]
    same_school: bool
    has_records: bool
    record_flags: tuple[str, ...]
    contacts: tuple[DslContact, ...]  # the DSL team of the sibling's school: whom to call
    can_open: bool


def _record_flags_from_pupils(pupil_ids: Sequence[UUID]) -> dict[UUID, list[str]]:
    """The pupils app's own contribution: statuses that mean a child is known to services."""
    flags: dict[UUID, list[str]] = {}
    for pupil_id, status, looked_after in Pupil.objects.filter(pk__in=pupil_ids).values_list(
        "pk", "social_care_status", "looked_after"
    ):
        if found := _status_flags(status, looked_after):
            flags[pupil_id] = found
    return flags


def _status_flags(status: str, looked_after: bool) -> list[str]:
    found = []
    if status == SocialCareStatus.OPEN:
        found.append("Open to children's social care")
    elif status == SocialCareStatus.PREVIOUSLY_KNOWN:
        found.append("Previously known to children's social care")
    if looked_after:
        found.append("Looked after")
    return found


@cache
def _flag_sources() -> tuple[Callable[[Sequence[UUID]], dict[UUID, list[str]]], ...]:
    paths = getattr(settings, "PUPIL_RECORD_FLAG_SOURCES", [])
    return (_record_flags_from_pupils, *(import_string(p) for p in paths))


def pupil_record_flags(pupil_ids: Sequence[UUID]) -> dict[UUID, list[str]]:
    """For each child, short labels saying what records Cairn holds (e.g. "2 open concerns").
    Each app that holds records about children adds a function to PUPIL_RECORD_FLAG_SOURCES."""
    merged: dict[UUID, list[str]] = {}
    for source in _flag_sources():
        for pupil_id, labels in source(pupil_ids).items():
            merged.setdefault(pupil_id, []).extend(labels)
    return merged


def siblings_across_trust(
    *,
    viewer: Membership,
    pupil: Pupil,
    household: Household | bool | None = True,
    members: Sequence[HouseholdMember] | None = None,
) -> list[SiblingLink]:
    """The pupil's brothers and sisters at the viewer's school and the trust's other schools.

    Each school's DSL sees that a sibling elsewhere in the trust has records and whom to contact
    (that school's DSL team); opening the sibling's record needs the viewer's own access to it.
    Why: DSLs of siblings' settings should work together (Cairn domain reference,
    records-and-access.md §11 [P]); most serious harm happens within the family home
    (national-reviews.md §4 [V]). Children at schools outside the trust are not shown.
    `household` is the pupil's current household where the caller has already read it (the
    front sheet does); left as True, it is read here.
    """
    siblings = (
        household_members_for(pupil)
        if isinstance(household, bool)
        else _members_of(pupil, household, members)
    )
    if not siblings:
        return []
    enrolments = (
        Enrolment.objects.filter(pupil__in=siblings)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .select_related("school")
    )
    return sibling_links(viewer=viewer, siblings=siblings, enrolments=enrolments)


def sibling_links(
    *, viewer: Membership, siblings: Sequence[Pupil], enrolments: Iterable[Enrolment]
) -> list[SiblingLink]:
    """`siblings_across_trust` from what its caller has read: the brothers and sisters in the
    order shown, and their enrolments (current or ending today or later, newest first, each
    with its school) at any school; only the schools in the viewer's scope are kept."""
    trust_id = viewer.trust_id or (viewer.school.trust_id if viewer.school else None)
    schools_of: dict[UUID, list[Any]] = {}
    for enrolment in enrolments:
        school = enrolment.school
        in_scope = (
            school.pk == viewer.school_id if trust_id is None else school.trust_id == trust_id
        )
        if in_scope:
            schools_of.setdefault(enrolment.pupil_id, []).append(school)
    if not schools_of:
        return []
    visible = set(
        pupils_visible_to(viewer=viewer)
        .filter(pk__in=list(schools_of))
        .values_list("pk", flat=True)
    )
    # As `pupil_record_flags`, with the pupils app's own flags from the pupils in hand.
    flags: dict[UUID, list[str]] = {}
    for sibling in siblings:
        if sibling.pk in schools_of and (
            found := _status_flags(sibling.social_care_status, sibling.looked_after)
        ):
            flags[sibling.pk] = found
    for source in _flag_sources()[1:]:
        for pupil_id, labels in source(list(schools_of)).items():
            flags.setdefault(pupil_id, []).extend(labels)
    school_ids = {s.pk for schools in schools_of.values() for s in schools}
    contacts: dict[UUID, list[DslContact]] = {}
    for membership in (
        Membership.objects.filter(school_id__in=school_ids, role__in=DSL_TEAM_ROLES, is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    ):
        assert membership.school_id is not None
        contacts.setdefault(membership.school_id, []).append(
            DslContact(
                name=membership.user.full_name,
                email=membership.user.email,
                role=membership.get_role_display(),
            )
        )
    links = []
    for sibling in siblings:
        schools = schools_of.get(sibling.pk)
        if not schools:
            continue
        links.append(
            SiblingLink(
                pupil_id=sibling.pk,
                name=sibling.display_name,
                year_group=sibling.year_group,
                school_names=tuple(s.name for s in schools),
                same_school=any(s.pk == viewer.school_id for s in schools),
                has_records=bool(flags.get(sibling.pk)),
                record_flags=tuple(flags.get(sibling.pk, [])),
                contacts=tuple(c for s in schools for c in contacts.get(s.pk, [])),
                can_open=sibling.pk in visible,
            )
        )
    return links


# --- Household history -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HouseholdEvent:
    on: date
    kind: str  # "moved", "adult_joined", "adult_left", "child_joined", "child_left", "pr"
    text: str


@dataclass
class HouseholdHistory:
    events: list[HouseholdEvent] = field(default_factory=list)
    moves: int = 0
    adults_joined: int = 0
    adults_left: int = 0
    window_start: date = date.min

    @property
    def adult_changes(self) -> int:
        return self.adults_joined + self.adults_left


def change_window_start(today: date | None = None) -> date:
    """Start of the window the front sheet counts moves and adult changes over (two years by
    default; setting CAIRN_HOUSEHOLD_CHANGE_WINDOW_DAYS)."""
    days = int(getattr(settings, "CAIRN_HOUSEHOLD_CHANGE_WINDOW_DAYS", 730))
    return (today or timezone.localdate()) - timedelta(days=days)


def household_history(
    *,
    pupils: Iterable[Pupil],
    household: Household | None = None,
    members: Sequence[HouseholdMember] | None = None,
) -> HouseholdHistory:
    """Moves of address, adults joining and leaving the home, changes of parental
    responsibility and (for a household) children joining and leaving — newest first, with
    counts over the window. The same adult or move seen through two children counts once.
    `members`: the household's members with their pupils, where the caller has read them."""
    pupil_ids = [p.pk for p in pupils]
    addresses = (
        PupilAddress.objects.filter(pupil_id__in=pupil_ids)
        .select_related("address")
        .order_by("from_date")
    )
    relationships = Relationship.objects.filter(
        pupil_id__in=pupil_ids, kind__in=ADULT_KINDS
    ).select_related("person")
    if household is not None and members is None:
        members = list(household.members.select_related("pupil"))
    return history_from(
        addresses=addresses,
        relationships=relationships,
        members=members if household is not None else None,
    )


def history_from(
    *,
    addresses: Iterable[PupilAddress],
    relationships: Iterable[Relationship],
    members: Sequence[HouseholdMember] | None,
) -> HouseholdHistory:
    """`household_history` from rows its caller has read: the children's addresses, oldest
    first, each with its address; their relationships (only the adults' are counted), each
    with its person, in the model's order; and the household's members with their pupils
    (None where there is no household)."""
    history = HouseholdHistory(window_start=change_window_start())
    seen: set[tuple[str, date, str]] = set()

    def add(on: date, kind: str, key: str, text: str) -> bool:
        if (kind, on, key) in seen:
            return False
        seen.add((kind, on, key))
        history.events.append(HouseholdEvent(on=on, kind=kind, text=text))
        return True

    first_address: dict[UUID, date] = {}
    for row in addresses:
        first_address.setdefault(row.pupil_id, row.from_date)
        if row.from_date == first_address[row.pupil_id]:
            continue
        if (
            add(row.from_date, "moved", row.address.match_key, f"Moved to {row.address}")
            and row.from_date >= history.window_start
        ):
            history.moves += 1
    for rel in relationships:
        if rel.kind not in ADULT_KINDS:
            continue
        person = rel.person
        key = f"{person.forename.lower()}|{person.surname.lower()}"
        label = f"{person.forename} {person.surname} ({rel.get_kind_display().lower()})"
        if (
            rel.lives_with_pupil
            and rel.valid_from is not None
            and (
                add(rel.valid_from, "adult_joined", key, f"{label} joined the household")
                and rel.valid_from >= history.window_start
            )
        ):
            history.adults_joined += 1
        if (
            rel.lives_with_pupil
            and rel.valid_to is not None
            and (
                add(rel.valid_to, "adult_left", key, f"{label} left the household")
                and rel.valid_to >= history.window_start
            )
        ):
            history.adults_left += 1
        if rel.kind == RelationshipKind.PARENT_WITH_PR and rel.valid_from is not None:
            add(
                rel.valid_from,
                "pr",
                key,
                f"{person.forename} {person.surname}: parental responsibility recorded",
            )
    if members is not None:
        for member in members:
            add(
                member.joined_on,
                "child_joined",
                str(member.pupil_id),
                f"{member.pupil.display_name} joined the household",
            )
            if member.left_on is not None:
                add(
                    member.left_on,
                    "child_left",
                    str(member.pupil_id),
                    f"{member.pupil.display_name} left the household",
                )
    history.events.sort(key=lambda e: e.on, reverse=True)
    return history
