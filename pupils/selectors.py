"""Reads about pupils, their households and the people around them.

Other apps call `household_members_for(pupil)` and `siblings_across_trust(viewer=…, pupil=…)`;
apps add panels to the front sheet through settings.PUPIL_FRONT_SHEET_PANELS and say which
children have records of theirs through settings.PUPIL_RECORD_FLAG_SOURCES.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from pupils.access import pupils_visible_to
from pupils.models import (
    ADULT_KINDS,
    SIBLING_KINDS,
    Enrolment,
    Household,
    HouseholdMember,
    HouseholdSuggestion,
    Pupil,
    PupilAddress,
    PupilStatus,
    Relationship,
    RelationshipKind,
    SocialCareStatus,
    StatusKind,
    SuggestionStatus,
)
from pupils.names import match_score
from schools.models import DSL_TEAM_ROLES, Membership
from schools.reasons import list_reason


class SearchStatus:
    """The `status` filter of the pupil search: a roll status or a current status flag."""

    ON_ROLL = "on_roll"
    LEFT = "left"
    ANY = "any"
    CHOICES: tuple[tuple[str, str], ...] = (
        (ON_ROLL, "On roll now"),
        (LEFT, "Left the school"),
        (ANY, "On roll or left"),
        *((k.value, str(k.label)) for k in StatusKind),
    )


@dataclass(frozen=True, slots=True)
class PupilSearch:
    text: str = ""
    year_group: str = ""
    status: str = SearchStatus.ON_ROLL

    @classmethod
    def from_query(cls, query: Any) -> "PupilSearch":
        get = getattr(query, "get", None)
        if get is None:
            return cls()
        status = str(get("status", "") or SearchStatus.ON_ROLL)
        if status not in dict(SearchStatus.CHOICES):
            status = SearchStatus.ON_ROLL
        return cls(
            text=str(get("q", "")).strip()[:100],
            year_group=str(get("year", "")).strip().upper()[:3],
            status=status,
        )


def pupil_search(*, viewer: Membership, search: PupilSearch, limit: int = 50) -> list[Pupil]:
    """Children the viewer may open, matching a name or UPN, a year group and a status.

    Names are matched forgivingly (`pupils.names`: case, accents, punctuation and a slip of a
    letter or two), best matches first; a UPN or former UPN must be typed exactly. The same
    answer on SQLite and PostgreSQL. A trust lead must have said why they are finding children
    (the gate, `pupils.access`).
    """
    list_reason(viewer=viewer)
    pupils = pupils_visible_to(viewer=viewer)
    if search.year_group:
        pupils = pupils.filter(year_group=search.year_group)
    today = timezone.localdate()
    on_roll = Enrolment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    if viewer.school_id is not None:
        on_roll = on_roll.filter(school_id=viewer.school_id)
    if search.status == SearchStatus.ON_ROLL:
        pupils = pupils.filter(pk__in=on_roll.values("pupil_id"))
    elif search.status == SearchStatus.LEFT:
        pupils = pupils.exclude(pk__in=on_roll.values("pupil_id"))
    elif search.status != SearchStatus.ANY:
        pupils = pupils.filter(
            pk__in=PupilStatus.objects.filter(kind=search.status, ended_on__isnull=True).values(
                "pupil_id"
            )
        )
    pupils = pupils.distinct().order_by("legal_surname", "legal_forename")
    if not search.text:
        return list(pupils[:limit])
    words = search.text.split()
    by_upn = set(
        pupils.filter(
            Q(upn__in=[w.upper() for w in words])
            | Q(former_upns__upn__in=[w.upper() for w in words])
        ).values_list("pk", flat=True)
    )
    scored: list[tuple[int, str, str, UUID]] = []
    for pk, *names in pupils.values_list(
        "pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
    ):
        score = 0 if pk in by_upn else match_score(search.text, names)
        if score is not None:
            scored.append((score, names[1].casefold(), names[0].casefold(), pk))
    scored.sort()
    chosen = [pk for *_key, pk in scored[:limit]]
    found = {p.pk: p for p in Pupil.objects.filter(pk__in=chosen)}
    return [found[pk] for pk in chosen]


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


def _members_of(pupil: Pupil, household: Household | None) -> list[Pupil]:
    """`household_members_for` with the pupil's current household already read."""
    ids: set[UUID] = set()
    if household is not None:
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
        found = []
        if status == SocialCareStatus.OPEN:
            found.append("Open to children's social care")
        elif status == SocialCareStatus.PREVIOUSLY_KNOWN:
            found.append("Previously known to children's social care")
        if looked_after:
            found.append("Looked after")
        if found:
            flags[pupil_id] = found
    return flags


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
    *, viewer: Membership, pupil: Pupil, household: Household | bool | None = True
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
    trust_id = viewer.trust_id or (viewer.school.trust_id if viewer.school else None)
    siblings = (
        household_members_for(pupil)
        if isinstance(household, bool)
        else _members_of(pupil, household)
    )
    if not siblings:
        return []
    today = timezone.localdate()
    enrolments = (
        Enrolment.objects.filter(pupil__in=siblings)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("school")
    )
    schools_of: dict[UUID, list[Any]] = {}
    for enrolment in enrolments:
        school = enrolment.school
        in_scope = (
            school.pk == viewer.school_id if trust_id is None else school.trust_id == trust_id
        )
        if in_scope:
            schools_of.setdefault(enrolment.pupil_id, []).append(school)
    visible = set(
        pupils_visible_to(viewer=viewer)
        .filter(pk__in=list(schools_of))
        .values_list("pk", flat=True)
    )
    flags = pupil_record_flags(list(schools_of))
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
    *, pupils: Iterable[Pupil], household: Household | None = None
) -> HouseholdHistory:
    """Moves of address, adults joining and leaving the home, changes of parental
    responsibility and (for a household) children joining and leaving — newest first, with
    counts over the window. The same adult or move seen through two children counts once."""
    pupil_ids = [p.pk for p in pupils]
    history = HouseholdHistory(window_start=change_window_start())
    seen: set[tuple[str, date, str]] = set()

    def add(on: date, kind: str, key: str, text: str) -> bool:
        if (kind, on, key) in seen:
            return False
        seen.add((kind, on, key))
        history.events.append(HouseholdEvent(on=on, kind=kind, text=text))
        return True

    first_address: dict[UUID, date] = {}
    addresses = PupilAddress.objects.filter(pupil_id__in=pupil_ids).select_related("address")
    for row in addresses.order_by("from_date"):
        first_address.setdefault(row.pupil_id, row.from_date)
        if row.from_date == first_address[row.pupil_id]:
            continue
        if (
            add(row.from_date, "moved", row.address.match_key, f"Moved to {row.address}")
            and row.from_date >= history.window_start
        ):
            history.moves += 1
    relationships = Relationship.objects.filter(
        pupil_id__in=pupil_ids, kind__in=ADULT_KINDS
    ).select_related("person")
    for rel in relationships:
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
    if household is not None:
        for member in household.members.select_related("pupil"):
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
    members = [pupil]
    if household is not None:
        members = [m.pupil for m in household.members.select_related("pupil")]
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
        history=household_history(pupils=members, household=household),
        siblings=siblings_across_trust(viewer=viewer, pupil=pupil, household=household),
    )


# --- Front sheet panels from other apps ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Panel:
    """A section another app adds to the front sheet: a template and its context."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@cache
def _panel_sources() -> tuple[Callable[..., Panel | None], ...]:
    return tuple(import_string(p) for p in getattr(settings, "PUPIL_FRONT_SHEET_PANELS", []))


def front_sheet_panels(*, viewer: Membership, pupil: Pupil) -> list[Panel]:
    """Panels from the apps listed in settings.PUPIL_FRONT_SHEET_PANELS, in that order. Each is
    a function `(*, viewer, pupil) -> Panel | None`; it checks its own access."""
    return [p for source in _panel_sources() if (p := source(viewer=viewer, pupil=pupil))]


# --- The front sheet at a glance ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GlanceItem:
    """One thing under a line of the summary: words, where to open it, and a tag ("Overdue")."""

    text: str
    href: str = ""
    tag: str = ""
    tag_colour: str = ""  # a GOV.UK tag colour: "red", "orange", "yellow", "grey"…


@dataclass(frozen=True, slots=True)
class GlanceRow:
    """A line of the front sheet's "At a glance" summary list, from the app that owns it:
    a key ("Open concerns"), a line in words and the items under it, newest or most urgent
    first. `order` places the line among the others (lower first)."""

    key: str
    value: str
    items: tuple[GlanceItem, ...] = ()
    order: int = 50
    row_id: str = ""


@dataclass(frozen=True, slots=True)
class ListFlag:
    """A tag beside a child in the pupil list ("Child protection plan", "2 open concerns")."""

    text: str
    colour: str = ""  # a GOV.UK tag colour, or "" for the default


@cache
def _list_flag_sources() -> tuple[Callable[..., dict[UUID, list[ListFlag]]], ...]:
    return tuple(import_string(p) for p in getattr(settings, "PUPIL_LIST_FLAGS", []))


def list_flags(*, viewer: Membership, pupil_ids: Sequence[UUID]) -> dict[UUID, list[ListFlag]]:
    """Flags for each listed child from the apps in settings.PUPIL_LIST_FLAGS: each is a function
    `(*, viewer, pupil_ids) -> {pupil_id: [ListFlag]}` that checks its own access and answers in
    a fixed number of queries whatever the number of children (no query per child)."""
    flags: dict[UUID, list[ListFlag]] = {pk: [] for pk in pupil_ids}
    if not pupil_ids:
        return flags
    for source in _list_flag_sources():
        for pupil_id, found in source(viewer=viewer, pupil_ids=list(pupil_ids)).items():
            flags.setdefault(pupil_id, []).extend(found)
    return flags


@cache
def _glance_sources() -> tuple[Callable[..., list[GlanceRow]], ...]:
    return tuple(import_string(p) for p in getattr(settings, "PUPIL_FRONT_SHEET_GLANCE", []))


def front_sheet_glance(*, viewer: Membership, pupil: Pupil) -> list[GlanceRow]:
    """The lines of "At a glance" from the apps in settings.PUPIL_FRONT_SHEET_GLANCE: each is a
    function `(*, viewer, pupil) -> list[GlanceRow]` that checks its own access (a line the
    viewer may not read is left out, never shown empty)."""
    rows = [row for source in _glance_sources() for row in source(viewer=viewer, pupil=pupil)]
    return sorted(rows, key=lambda row: row.order)


# --- Household suggestions ---------------------------------------------------------------------


def pending_suggestions_for(*, viewer: Membership) -> QuerySet[HouseholdSuggestion]:
    """Suggestions about a child the viewer may open (both children, for a DSL's decision)."""
    visible = pupils_visible_to(viewer=viewer).values("pk")
    return (
        HouseholdSuggestion.objects.filter(status=SuggestionStatus.PENDING)
        .filter(Q(pupil_a__in=visible) | Q(pupil_b__in=visible))
        .select_related("pupil_a", "pupil_b")
        .order_by("created_at")
    )
