"""The demo trust: two schools and one persona per role. Synthetic people only."""

import random
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.utils import timezone
from faker import Faker

from accounts.models import TOTPDevice, User
from schools.models import Membership, Phase, Role, School, Trust

DEMO_PASSWORD = "cairn-demo-password"
# Every demo persona's authenticator key; `manage.py demo_totp` prints the current code.
DEMO_TOTP_SECRET = "CAIRNDEMOTOTPKEYCAIRNDEMOTOTPKEY"
DEMO_SEED = 20_260_901
DEMO_TRUST_NAME = "Riverbend Learning Trust (demo)"
# Stories one seeder tells and a later one continues (DemoWorld.stories).
STORY_ACCUMULATING_NEGLECT = "accumulating_neglect"  # months of small neglect concerns
STORY_ENCOMPASS = "encompass_notified"  # the children of the police notification


@dataclass(frozen=True, slots=True)
class Persona:
    key: str
    email: str
    full_name: str
    role: Role
    school_key: str | None  # None: the trust


PERSONAS = [
    Persona("dsl", "dsl@brookside.example", "Dana Shaw", Role.DSL, "primary"),
    Persona("deputy_dsl", "deputy@brookside.example", "Dev Patel", Role.DEPUTY_DSL, "primary"),
    Persona("teacher", "teacher@brookside.example", "Tom Ellery", Role.STAFF, "primary"),
    Persona("teacher2", "ta@brookside.example", "Tara Quinn", Role.STAFF, "primary"),
    Persona("headteacher", "head@brookside.example", "Helen Okafor", Role.HEADTEACHER, "primary"),
    Persona("governor", "governor@brookside.example", "Gareth Lowe", Role.GOVERNOR, "primary"),
    Persona("school_admin", "admin@brookside.example", "Amira Bell", Role.SCHOOL_ADMIN, "primary"),
    Persona(
        "attendance_lead",
        "attendance@brookside.example",
        "Alys Morgan",
        Role.ATTENDANCE_LEAD,
        "primary",
    ),
    Persona("secondary_dsl", "dsl@hilltop.example", "Sam Reyes", Role.DSL, "secondary"),
    Persona("secondary_teacher", "teacher@hilltop.example", "Priya Nair", Role.STAFF, "secondary"),
    Persona("trust_lead", "lead@riverbend.example", "Morgan Hale", Role.TRUST_LEAD, None),
]


@dataclass
class DemoWorld:
    """What each app's seeder builds on; seeders run in the order of settings.DEMO_SEEDERS."""

    today: date
    rng: random.Random
    faker: Faker
    trust: Trust | None = None
    schools: dict[str, School] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    # The children a seeder's stories are about, by (school id, story), for the seeders after it
    # to continue the story without importing the earlier app (e.g. the factors demo reads the
    # concerns demo's children): ids only, in the order the story tells them.
    stories: dict[tuple[UUID, str], list[UUID]] = field(default_factory=dict)

    @classmethod
    def new(cls) -> "DemoWorld":
        faker = Faker("en_GB")
        faker.seed_instance(DEMO_SEED)
        return cls(today=timezone.localdate(), rng=random.Random(DEMO_SEED), faker=faker)


def seed(world: DemoWorld) -> None:
    trust = Trust.objects.create(name=DEMO_TRUST_NAME, trust_lead_child_access=True)
    world.trust = trust
    world.schools["primary"] = School.objects.create(
        trust=trust,
        urn="990101",
        la_code="990",
        establishment_number="2101",
        name="Brookside Primary School (demo)",
        phase=Phase.PRIMARY,
    )
    world.schools["secondary"] = School.objects.create(
        trust=trust,
        urn="990102",
        la_code="990",
        establishment_number="4101",
        name="Hilltop Academy (demo)",
        phase=Phase.SECONDARY,
    )
    now = timezone.now()
    for persona in PERSONAS:
        user = User.objects.create_user(
            email=persona.email, password=DEMO_PASSWORD, full_name=persona.full_name
        )
        TOTPDevice.objects.create(user=user, secret=DEMO_TOTP_SECRET, confirmed_at=now)
        world.members[persona.key] = Membership.objects.create(
            user=user,
            role=persona.role,
            school=world.schools[persona.school_key] if persona.school_key else None,
            trust=trust if persona.school_key is None else None,
        )
    world.summary.append(f"1 trust, 2 schools, {len(PERSONAS)} personas")
