"""Demo pupils: about 600 synthetic children across the demo trust's two schools, in families.

Families share an address, parents and households; about one family in three has children at
both schools (siblings across the trust). Some families moved in the last two years, some lost
an adult and gained a parent's new partner, some children have a social worker. A few sibling
pairs are left unlinked, so the DSL finds household links to confirm. Everything is synthetic
and deterministic (DemoWorld.rng and faker), and written with bulk inserts to stay fast.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from pupils.importers.records import address_match_key
from pupils.models import (
    Address,
    Enrolment,
    Household,
    HouseholdMember,
    Person,
    Pupil,
    PupilAddress,
    PupilStatus,
    RecordSource,
    Relationship,
    RelationshipKind,
    SenStatus,
    Sex,
    SocialCareStatus,
    StatusKind,
)
from pupils.upn import upn_make
from schools.demo import DemoWorld
from schools.models import School

# DfE main ethnicity codes, roughly in proportion to a mixed English town.
_ETHNICITIES = ["WBRI"] * 14 + [
    "WOTH",
    "WIRI",
    "MWBC",
    "MWBA",
    "AIND",
    "APKN",
    "ABAN",
    "BAFR",
    "BCRB",
    "CHNE",
    "MOTH",
    "AOTH",
    "NOBT",
]
_DEMO = RecordSource.DEMO


def _year_group_birthday(world: DemoWorld, year_group: int) -> date:
    """A date of birth that puts the child in `year_group` this academic year (R = 0)."""
    academic_start = world.today.year if world.today.month >= 9 else world.today.year - 1
    born_from = date(academic_start - 5 - year_group, 9, 1)
    return date.fromordinal(born_from.toordinal() + world.rng.randrange(365))


@dataclass
class _Rows:
    pupils: list[Pupil] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    pupil_addresses: list[PupilAddress] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    members: list[HouseholdMember] = field(default_factory=list)
    statuses: list[PupilStatus] = field(default_factory=list)


def _address(world: DemoWorld, rows: _Rows) -> Address:
    paon = str(world.rng.randrange(1, 180))
    street = world.faker.street_name()
    letter = world.faker.random_uppercase_letter()
    postcode = f"ZZ{world.rng.randrange(10, 99)} {world.rng.randrange(1, 9)}{letter}Z"
    address = Address(
        paon=paon,
        street=street,
        town="Riverbend",
        postcode=postcode,
        match_key=address_match_key(postcode=postcode, first_line=f"{paon} {street}"),
    )
    rows.addresses.append(address)
    return address


def _phone(world: DemoWorld) -> str:
    return f"07700 9{world.rng.randrange(10**5):05d}"


def _adult(world: DemoWorld, rows: _Rows, *, sex: Sex, surname: str, address: Address) -> Person:
    forename = (
        world.faker.first_name_female() if sex == Sex.FEMALE else world.faker.first_name_male()
    )
    phone = _phone(world)
    person = Person(
        title="Ms" if sex == Sex.FEMALE else "Mr",
        forename=forename,
        surname=surname,
        phones=[{"type": "M", "number": phone}],
        phone_key=phone.replace(" ", ""),
        email=f"{forename.lower()}.{surname.lower().replace(' ', '')}@example.com",
        address=address,
        source=_DEMO,
    )
    rows.people.append(person)
    return person


def _pupil(
    world: DemoWorld, rows: _Rows, *, school: School, year: int, surname: str, serial: int
) -> Pupil:
    sex = world.rng.choice([Sex.FEMALE, Sex.MALE])
    forename = (
        world.faker.first_name_female() if sex == Sex.FEMALE else world.faker.first_name_male()
    )
    disadvantaged = world.rng.random() < 0.25
    social_care = world.rng.choices(
        [SocialCareStatus.NEVER_KNOWN, SocialCareStatus.PREVIOUSLY_KNOWN, SocialCareStatus.OPEN],
        weights=[90, 7, 3],
    )[0]
    pupil = Pupil(
        upn=upn_make(
            la_code=school.la_code,
            establishment_number=school.establishment_number,
            year=world.today.year - year - 1,
            serial=serial,
        ),
        legal_forename=forename,
        legal_surname=surname,
        date_of_birth=_year_group_birthday(world, year),
        sex=sex,
        ethnicity=world.rng.choice(_ETHNICITIES),
        year_group="R" if year == 0 else str(year),
        eal=world.rng.random() < 0.18,
        sen_status=world.rng.choices(
            [SenStatus.NONE, SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN], weights=[83, 13, 4]
        )[0],
        disability=world.rng.random() < 0.05,
        free_school_meals=disadvantaged and world.rng.random() < 0.9,
        disadvantaged=disadvantaged,
        looked_after=world.rng.random() < 0.01,
        young_carer=world.rng.random() < 0.02,
        social_care_status=social_care,
    )
    if social_care == SocialCareStatus.OPEN:
        pupil.social_care_status_from = world.today - timedelta(days=world.rng.randrange(30, 500))
    rows.pupils.append(pupil)
    first_year = 0 if year < 7 else 7
    start_year = world.today.year - (year - first_year) - (0 if world.today.month >= 9 else 1)
    rows.enrolments.append(Enrolment(pupil=pupil, school=school, start_date=date(start_year, 9, 3)))
    _statuses(world, rows, pupil)
    return pupil


def _statuses(world: DemoWorld, rows: _Rows, pupil: Pupil) -> None:
    def since(low: int, high: int) -> date:
        return world.today - timedelta(days=world.rng.randrange(low, high))

    flags = {
        StatusKind.LOOKED_AFTER: pupil.looked_after,
        StatusKind.YOUNG_CARER: pupil.young_carer,
        StatusKind.FREE_SCHOOL_MEALS: pupil.free_school_meals,
        StatusKind.DISADVANTAGED: pupil.disadvantaged,
        StatusKind.EAL: pupil.eal,
        StatusKind.DISABILITY: pupil.disability,
        StatusKind.SEN_SUPPORT: pupil.sen_status == SenStatus.SEN_SUPPORT,
        StatusKind.EHC_PLAN: pupil.sen_status == SenStatus.EHC_PLAN,
    }
    for kind, on in flags.items():
        if on:
            rows.statuses.append(
                PupilStatus(pupil=pupil, kind=kind, started_on=since(60, 1500), source=_DEMO)
            )
    if pupil.social_care_status == SocialCareStatus.OPEN:
        rows.statuses.append(
            PupilStatus(
                pupil=pupil,
                kind=StatusKind.SOCIAL_CARE_OPEN,
                started_on=pupil.social_care_status_from,
                source=_DEMO,
            )
        )
    elif pupil.social_care_status == SocialCareStatus.PREVIOUSLY_KNOWN:
        ended = since(100, 700)
        rows.statuses.append(
            PupilStatus(
                pupil=pupil,
                kind=StatusKind.SOCIAL_CARE_OPEN,
                started_on=ended - timedelta(days=world.rng.randrange(60, 400)),
                ended_on=ended,
                source=_DEMO,
            )
        )


def _link(
    rows: _Rows,
    pupil: Pupil,
    person: Person,
    kind: RelationshipKind,
    *,
    lives: bool,
    priority: int | None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    code: str = "",
) -> None:
    rows.relationships.append(
        Relationship(
            pupil=pupil,
            person=person,
            kind=kind,
            parental_responsibility=kind == RelationshipKind.PARENT_WITH_PR,
            lives_with_pupil=lives,
            contact_priority=priority,
            relationship_code=code,
            valid_from=valid_from,
            valid_to=valid_to,
            source=_DEMO,
        )
    )


def _family(  # noqa: PLR0912 — one family's story, told in order
    world: DemoWorld, rows: _Rows, slots: list[tuple[School, int, int]]
) -> None:
    """One family: its children in `slots` (school, year group, UPN serial), adults, homes."""
    rng = world.rng
    today = world.today
    surname = world.faker.last_name()
    children = [
        _pupil(world, rows, school=s, year=y, surname=surname, serial=n) for s, y, n in slots
    ]
    # Where they live now, and (for one family in four) where they lived before a recent move.
    home = _address(world, rows)
    moved_on = today - timedelta(days=rng.randrange(40, 700)) if rng.random() < 0.25 else None
    earlier = today - timedelta(days=rng.randrange(1500, 3000))
    for child in children:
        if moved_on is not None:
            rows.pupil_addresses.append(
                PupilAddress(
                    pupil=child,
                    address=_address(world, rows) if child is children[0] else rows.addresses[-1],
                    from_date=earlier,
                    to_date=moved_on,
                    source=_DEMO,
                )
            )
        rows.pupil_addresses.append(
            PupilAddress(pupil=child, address=home, from_date=moved_on or earlier, source=_DEMO)
        )
    mother = _adult(world, rows, sex=Sex.FEMALE, surname=surname, address=home)
    father = _adult(world, rows, sex=Sex.MALE, surname=surname, address=home)
    story = rng.random()
    for child in children:
        _link(
            rows, child, mother, RelationshipKind.PARENT_WITH_PR, lives=True, priority=1, code="PAM"
        )
        if story < 0.12:
            # The father left the home, and later the mother's new partner moved in.
            left = today - timedelta(days=rng.randrange(300, 650))
            _link(
                rows,
                child,
                father,
                RelationshipKind.PARENT_WITH_PR,
                lives=True,
                priority=None,
                valid_to=left,
                code="PAF",
            )
            _link(
                rows,
                child,
                father,
                RelationshipKind.PARENT_WITH_PR,
                lives=False,
                priority=2,
                valid_from=left,
                code="PAF",
            )
        elif story < 0.3:
            _link(
                rows,
                child,
                father,
                RelationshipKind.PARENT_WITH_PR,
                lives=False,
                priority=2,
                code="PAF",
            )
        else:
            _link(
                rows,
                child,
                father,
                RelationshipKind.PARENT_WITH_PR,
                lives=True,
                priority=2,
                code="PAF",
            )
    if story < 0.12:
        partner = _adult(world, rows, sex=Sex.MALE, surname=world.faker.last_name(), address=home)
        joined = today - timedelta(days=rng.randrange(30, 280))
        for child in children:
            _link(
                rows,
                child,
                partner,
                RelationshipKind.PARENT_PARTNER,
                lives=True,
                priority=None,
                valid_from=joined,
                code="PTN",
            )
    if rng.random() < 0.4:
        grandparent = _adult(world, rows, sex=Sex.FEMALE, surname=surname, address=home)
        grandparent.address = None
        for child in children:
            _link(
                rows,
                child,
                grandparent,
                RelationshipKind.OTHER_CONTACT,
                lives=False,
                priority=3,
                code="GRM",
            )
    if rng.random() < 0.15:
        toddler = Person(
            forename=world.faker.first_name(),
            surname=surname,
            is_adult=False,
            date_of_birth=today - timedelta(days=rng.randrange(300, 1400)),
            source=_DEMO,
        )
        rows.people.append(toddler)
        for child in children:
            _link(rows, child, toddler, RelationshipKind.SIBLING, lives=True, priority=None)
    if any(c.social_care_status == SocialCareStatus.OPEN for c in children):
        worker = Person(
            forename=world.faker.first_name(),
            surname=world.faker.last_name(),
            organisation="Riverbend Children's Services (demo)",
            job_title="Social worker",
            phones=[{"type": "W", "number": f"01632 {rng.randrange(10**6):06d}"}],
            email="duty.team@riverbend-childrens-services.example",
            source=_DEMO,
        )
        rows.people.append(worker)
        for child in children:
            _link(
                rows,
                child,
                worker,
                RelationshipKind.PROFESSIONAL,
                lives=False,
                priority=None,
                valid_from=child.social_care_status_from,
                code="SWR",
            )
    # Families with more than one child are one household, except a few the DSL has still to
    # confirm (household links).
    if len(children) > 1 and rng.random() < 0.85:
        household = Household(trust=world.trust, name=f"{surname} household")
        rows.households.append(household)
        for child in children:
            rows.members.append(
                HouseholdMember(household=household, pupil=child, joined_on=moved_on or earlier)
            )


def seed(world: DemoWorld) -> None:
    plan = [("primary", range(7), 36), ("secondary", range(7, 12), 70)]
    slots: list[tuple[School, int, int]] = []
    serial = 0
    for school_key, year_groups, per_year in plan:
        for year in year_groups:
            for _ in range(per_year):
                serial += 1
                slots.append((world.schools[school_key], year, serial))
    world.rng.shuffle(slots)
    rows = _Rows()
    families = 0
    while slots:
        size = min(len(slots), world.rng.choices([1, 2, 3], weights=[55, 35, 10])[0])
        family, slots = slots[:size], slots[size:]
        _family(world, rows, family)
        families += 1
    Pupil.objects.bulk_create(rows.pupils, batch_size=500)
    Enrolment.objects.bulk_create(rows.enrolments, batch_size=500)
    PupilStatus.objects.bulk_create(rows.statuses, batch_size=500)
    Address.objects.bulk_create(rows.addresses, batch_size=500)
    PupilAddress.objects.bulk_create(rows.pupil_addresses, batch_size=500)
    Person.objects.bulk_create(rows.people, batch_size=500)
    Relationship.objects.bulk_create(rows.relationships, batch_size=500)
    Household.objects.bulk_create(rows.households, batch_size=500)
    HouseholdMember.objects.bulk_create(rows.members, batch_size=500)
    from pupils.services import household_suggestions_refresh

    suggestions = household_suggestions_refresh(actor=None, school=world.schools["primary"])
    world.summary.append(
        f"{len(rows.pupils)} pupils in {families} families, {len(rows.households)} households, "
        f"{suggestions} household links to confirm"
    )
