"""Demo concerns: a realistic school year of concerns, decisions and actions. Synthetic only.

Shape: most children have no concern; among those who do, counts are heavy-tailed (many one-offs,
a few children with many). Neglect is the most common theme (neglect featured in about three
quarters of serious case reviews 2017-19 [V SecEd], national-reviews.md §1). In each school a few
children have small concerns from several adults that add up over months, the accumulation the
chronology exists to show (neglect-indicators.md §5).
Written directly with bulk inserts so that `seed_demo` stays fast; dates are spread over the year.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from concerns.models import (
    Action,
    ActionCompletion,
    Alert,
    BehaviourIncident,
    Category,
    ChildPresent,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Outcome,
    Part,
    ReferralOutcome,
    Source,
)
from concerns.services import categories_ensure
from pupils.models import Pupil
from schools.demo import STORY_ACCUMULATING_NEGLECT, STORY_ENCOMPASS, DemoWorld
from schools.models import DSL_TEAM_ROLES, Membership, Role, School

_WRITERS = frozenset({Role.STAFF, Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})

# (category code, weight, facts, child's words or "")
_THEMES: list[tuple[str, int, list[str], list[str]]] = [
    (
        "neglect",
        40,
        [
            "Came into class without a coat in the rain; jumper damp and grubby.",
            "Asked for extra toast at breakfast club and said there was no food at home.",
            "Strong smell of urine on clothes; other children moving away at carpet time.",
            "Same uniform all week, visibly stained; shoes split at the side.",
            "Very tired, fell asleep in the afternoon lesson; said he was up late on his own.",
            "Head lice again, third time this half term; letters home not acted on.",
            "Toothache for over a week; parent has not taken her to a dentist.",
            "Collected late for the third time this month; waited in the office until 5pm.",
            "No packed lunch and no money; took food from another child's box.",
        ],
        ["I'm hungry.", "Mum was sleeping.", "There wasn't anything for breakfast.", ""],
    ),
    (
        "emotional",
        12,
        [
            "Very withdrawn today; flinched when the teacher raised her voice to the class.",
            "Said she is 'stupid and useless' and that is what she is told at home.",
            "Anxious about going home; hid in the toilets at the end of the day.",
        ],
        ["Dad says I'm useless.", "I don't want to go home.", ""],
    ),
    (
        "physical",
        10,
        [
            "Bruise on the upper arm, about 4cm, finger-shaped marks; explanation changed twice.",
            "Red mark on the cheek at registration; said he walked into a door.",
            "Limping at PE; would not change and said it was nothing.",
        ],
        ["I fell over.", "It was my brother.", ""],
    ),
    (
        "mental_health",
        10,
        [
            "Scratches on the forearm seen when sleeves were rolled up in science.",
            "Told a friend she does not want to be here any more; friend told the form tutor.",
            "Not eating lunch for several days; friends worried.",
        ],
        ["I just want it to stop.", ""],
    ),
    (
        "child_on_child",
        8,
        [
            "Pushed to the ground by an older pupil on the playground; grazed knee.",
            "Group chat messages calling her names shown to the form tutor.",
        ],
        ["They always do it.", ""],
    ),
    (
        "online_safety",
        6,
        [
            "Said an adult she met in a game has asked her to keep their chats secret.",
            "Has been sent a video unsuitable for his age by an older cousin.",
        ],
        ["He said not to tell anyone.", ""],
    ),
    (
        "domestic_abuse",
        6,
        [
            "Said the police came to the house last night because of shouting.",
            "Drawing of the family with dad shouting; said mum was crying.",
        ],
        ["Mummy was crying and there was police.", ""],
    ),
    (
        "absence",
        5,
        [
            "Third unexplained absence this month; phone calls not answered.",
            "Often late on Mondays; says she stays at a different address at weekends.",
        ],
        [""],
    ),
    (
        "substance_misuse",
        3,
        ["Smelled strongly of cannabis after lunch; eyes glazed."],
        [""],
    ),
]

_SMALL_NEGLECT = _THEMES[0][2]
_LOCATIONS = ["Classroom", "Playground", "Breakfast club", "Lunch hall", "Corridor", "Office"]
_OUTCOMES = [
    (Outcome.NO_FURTHER_ACTION, 32),
    (Outcome.MONITOR, 38),
    (Outcome.EARLY_HELP, 12),
    (Outcome.SOCIAL_CARE, 9),
    (Outcome.POLICE, 3),
    (Outcome.OTHER_AGENCY, 5),
    (Outcome.PREVENT, 1),
]
_RATIONALES = {
    Outcome.NO_FURTHER_ACTION: "Explanation consistent and plausible; no earlier concerns. "
    "Class teacher to keep an eye and record anything further.",
    Outcome.MONITOR: "Below threshold on its own; monitor for patterns with the class team "
    "and review.",
    Outcome.EARLY_HELP: "Several needs now visible together; family agrees to an early help "
    "assessment led by the school.",
    Outcome.SOCIAL_CARE: "Threshold for a referral met under the local threshold document; "
    "parent informed unless unsafe to do so.",
    Outcome.POLICE: "Possible offence disclosed; police contacted on 101 after advice from MASH.",
    Outcome.OTHER_AGENCY: "Referred to the school nursing team for a health review.",
    Outcome.PREVENT: "Views expressed and material accessed meet the Prevent referral guidance.",
}


@dataclass
class _Batch:
    concerns: list[Concern] = field(default_factory=list)
    parts: list[ConcernPupil] = field(default_factory=list)
    versions: list[ConcernVersion] = field(default_factory=list)
    version_categories: list[tuple[int, Category]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    completions: list[ActionCompletion] = field(default_factory=list)
    outcomes: list[ReferralOutcome] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    behaviour: list[BehaviourIncident] = field(default_factory=list)


def _school_moment(rng: random.Random, day: date) -> datetime:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    minutes = rng.randrange(8 * 60 + 30, 15 * 60 + 30)
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


class _SchoolSeeder:
    def __init__(self, world: DemoWorld, school: School, staff: list[Membership]) -> None:
        self.world = world
        self.rng = world.rng
        self.school = school
        self.staff = staff
        self.team = [m for m in staff if m.role in DSL_TEAM_ROLES]
        self.writers = staff
        self.now = timezone.now()
        categories_ensure(school=school)
        self.categories = {c.code: c for c in Category.objects.filter(school=school)}
        self.batch = _Batch()

    def concern(
        self,
        pupil: Pupil,
        occurred: datetime,
        *,
        theme: tuple[str, int, list[str], list[str]],
        facts: str | None = None,
        decide: Outcome | None = None,
        waiting: bool = False,
    ) -> Concern:
        rng = self.rng
        author = rng.choice(self.writers)
        occurred = min(occurred, self.now - timedelta(hours=1))
        written = min(occurred + timedelta(minutes=rng.randrange(10, 240)), self.now)
        concern = Concern(
            school=self.school,
            recorded_by=author,
            author_name=author.user.full_name,
            author_role=author.get_role_display(),
            occurred_at=occurred,
            written_at=written,
            location=rng.choice(_LOCATIONS),
            urgent_told_dsl=theme[0] in {"physical", "mental_health"} and rng.random() < 0.3,
            source=Source.CAIRN,
        )
        if concern.urgent_told_dsl:
            concern.told_dsl_name = rng.choice(self.team).user.full_name
        self.batch.concerns.append(concern)
        self.batch.parts.append(ConcernPupil(concern=concern, pupil=pupil, part=Part.SUBJECT))
        version = ConcernVersion(
            concern=concern,
            number=1,
            facts=facts or rng.choice(theme[2]),
            child_words=rng.choice(theme[3]),
            written_by=author,
            written_at=written,
        )
        self.batch.versions.append(version)
        self.batch.version_categories.append(
            (len(self.batch.versions) - 1, self.categories[theme[0]])
        )
        age = (self.now - occurred).days
        if decide is None and not waiting and (age > 14 or rng.random() < 0.5):
            decide = rng.choices([o for o, _ in _OUTCOMES], [w for _, w in _OUTCOMES])[0]
        if decide is not None:
            self.decision(concern, decide, written)
        else:
            self.batch.alerts.extend(
                Alert(recipient=m, concern=concern, created_at=written) for m in self.team
            )
        return concern

    def decision(self, concern: Concern, outcome: Outcome, after: datetime) -> None:
        rng = self.rng
        dsl = rng.choice(self.team)
        decided = min(after + timedelta(hours=rng.randrange(1, 72)), self.now)
        referral = outcome in {Outcome.SOCIAL_CARE, Outcome.POLICE, Outcome.PREVENT}
        decision = Decision(
            concern=concern,
            outcome=outcome,
            rationale=_RATIONALES[outcome],
            review_date=(decided + timedelta(days=21)).date()
            if outcome == Outcome.MONITOR
            else None,
            agency="School nursing team" if outcome == Outcome.OTHER_AGENCY else "",
            referral_reference=f"MASH-{rng.randrange(10000, 99999)}" if referral else "",
            referral_date=decided.date() if referral else None,
            outcome_expected_by=(decided + timedelta(days=3)).date() if referral else None,
            decided_by=dsl,
            decided_by_name=dsl.user.full_name,
            decided_at=decided,
            written_at=decided,
        )
        self.batch.decisions.append(decision)
        if referral and (self.now - decided).days > 5:
            agrees = rng.random() < 0.8
            self.batch.outcomes.append(
                ReferralOutcome(
                    decision=decision,
                    received_on=(decided + timedelta(days=rng.randrange(1, 5))).date(),
                    outcome=rng.choice(
                        [
                            "Strategy discussion held; single assessment opened.",
                            "No further action by children's social care; signposted to early "
                            "help.",
                            "Section 47 enquiry started.",
                        ]
                    ),
                    school_agrees=agrees,
                    next_steps="" if agrees else "Escalated to the team manager (stage 1).",
                    recorded_by=dsl,
                    recorded_at=min(decided + timedelta(days=5), self.now),
                )
            )
        if rng.random() < 0.35 or outcome in {Outcome.MONITOR, Outcome.EARLY_HELP}:
            self.action(concern, dsl, decided)

    def action(self, concern: Concern, dsl: Membership, created: datetime) -> None:
        rng = self.rng
        assignee = rng.choice(self.staff)
        due = (created + timedelta(days=rng.randrange(2, 14))).date()
        action = Action(
            concern=concern,
            description=rng.choice(
                [
                    "Check in with the child at the start of each day this week.",
                    "Phone the parent to discuss the concern and record the call.",
                    "Speak to the class team about what they have noticed.",
                    "Offer a place at breakfast club.",
                    "Arrange a spare uniform and coat from the school store.",
                ]
            ),
            assigned_to=assignee,
            due_on=due,
            created_by=dsl,
            created_at=created,
        )
        self.batch.actions.append(action)
        done_at = timezone.make_aware(datetime.combine(due, time(15, 0)))
        if done_at < self.now and rng.random() < 0.85:
            self.batch.completions.append(
                ActionCompletion(
                    action=action,
                    note="Done; nothing further noticed.",
                    completed_by=assignee,
                    completed_at=done_at,
                )
            )

    def accumulating_child(self, pupil: Pupil) -> None:
        """Small signs of neglect from several adults, adding up over a few months up to the
        last days before the seeding day (so the pattern is live whenever the demo is seeded)."""
        rng = self.rng
        total = rng.randrange(8, 13)
        gaps = [rng.randrange(6, 16) for _ in range(total)]
        day = self.world.today - timedelta(days=sum(gaps) + rng.randrange(1, 4))
        for number, gap in enumerate(gaps):
            day += timedelta(days=gap)
            if day >= self.world.today:
                break
            last = number == total - 1
            outcome = (
                Outcome.SOCIAL_CARE
                if last
                else rng.choice([Outcome.NO_FURTHER_ACTION, Outcome.MONITOR, Outcome.MONITOR])
            )
            self.concern(
                pupil,
                _school_moment(rng, day),
                theme=_THEMES[0],
                facts=rng.choice(_SMALL_NEGLECT),
                decide=outcome,
            )
            if rng.random() < 0.3:
                self.behaviour(pupil, _school_moment(rng, day + timedelta(days=1)))

    def behaviour(self, pupil: Pupil, occurred: datetime) -> None:
        rng = self.rng
        author = rng.choice(self.writers)
        self.batch.behaviour.append(
            BehaviourIncident(
                school=self.school,
                pupil=pupil,
                occurred_at=occurred,
                incident_type=rng.choice(
                    ["Disruption in class", "Refusal to follow instructions", "Physical aggression"]
                ),
                description=rng.choice(
                    ["Shouting and throwing equipment.", "Left the classroom without permission."]
                ),
                action_taken=rng.choice(["Time out", "Phone call home", "Reflection at lunch"]),
                author_name=author.user.full_name,
                source=Source.MIS,
                source_ref=f"MIS-{len(self.batch.behaviour) + 1:05d}",
                recorded_at=occurred,
            )
        )

    def save(self) -> int:
        batch = self.batch
        Concern.objects.bulk_create(batch.concerns, batch_size=500)
        ConcernPupil.objects.bulk_create(batch.parts, batch_size=500)
        ConcernVersion.objects.bulk_create(batch.versions, batch_size=500)
        through = ConcernVersion.categories.through
        through.objects.bulk_create(
            [
                through(concernversion_id=batch.versions[i].pk, category_id=c.pk)
                for i, c in batch.version_categories
            ],
            batch_size=500,
        )
        Decision.objects.bulk_create(batch.decisions, batch_size=500)
        ReferralOutcome.objects.bulk_create(batch.outcomes, batch_size=500)
        Action.objects.bulk_create(batch.actions, batch_size=500)
        ActionCompletion.objects.bulk_create(batch.completions, batch_size=500)
        Alert.objects.bulk_create(batch.alerts, batch_size=500)
        BehaviourIncident.objects.bulk_create(batch.behaviour, batch_size=500)
        return len(batch.concerns)


def seed(world: DemoWorld) -> None:
    total = 0
    for key, school in world.schools.items():
        staff = [
            m for m in world.members.values() if m.school_id == school.pk and m.role in _WRITERS
        ]
        seeder = _SchoolSeeder(world, school, staff)
        if not seeder.team:
            continue
        pupils = list(Pupil.objects.filter(enrolments__school=school).order_by("upn"))
        rng = world.rng
        rng.shuffle(pupils)
        accumulating, rest = pupils[:3], pupils[3:]
        for pupil in accumulating:
            seeder.accumulating_child(pupil)
        weights = [w for _, w, _, _ in _THEMES]
        for pupil in rest[: int(len(rest) * 0.22)]:
            count = min(int(rng.paretovariate(1.4)), 9)
            for _ in range(count):
                day = world.today - timedelta(days=rng.randrange(0, 365))
                theme = rng.choices(_THEMES, weights)[0]
                seeder.concern(pupil, _school_moment(rng, day), theme=theme)
            if rng.random() < 0.15:
                day = world.today - timedelta(days=rng.randrange(1, 200))
                seeder.behaviour(pupil, _school_moment(rng, day))
        # The inbox this morning: a few concerns from the last days that await a decision.
        for pupil in rng.sample(rest, rng.randrange(3, 6)):
            day = world.today - timedelta(days=rng.randrange(0, 3))
            theme = rng.choices(_THEMES, weights)[0]
            seeder.concern(pupil, _school_moment(rng, day), theme=theme, waiting=True)
        total += seeder.save()
        _encompass(world, school, seeder.team[0], accumulating[0], rest[0])
        world.stories[(school.pk, STORY_ACCUMULATING_NEGLECT)] = [p.pk for p in accumulating]
        world.stories[(school.pk, STORY_ENCOMPASS)] = [accumulating[0].pk, rest[0].pk]
        world.summary.append(
            f"{school.name}: {len(seeder.batch.concerns)} concerns, "
            f"{len(seeder.batch.decisions)} decisions, {len(seeder.batch.actions)} actions "
            f"({key})"
        )
    if total == 0:
        world.summary.append("no concerns seeded (no safeguarding team in the demo schools)")


def _encompass(
    world: DemoWorld, school: School, dsl: Membership, pupil: Pupil, sibling: Pupil
) -> None:
    occurred = _school_moment(world.rng, world.today - timedelta(days=20)) + timedelta(hours=6)
    notification = EncompassNotification.objects.create(
        school=school,
        police_reference=f"OE/{world.rng.randrange(100000, 999999)}",
        occurred_at=occurred,
        received_at=occurred + timedelta(hours=9),
        child_present=ChildPresent.YES,
        voice_of_child="Told the officer she hid in her bedroom with her brother.",
        details="Verbal argument between adults at the home address; no arrests.",
        welfare_check_on=(occurred + timedelta(days=1)).date(),
        recorded_by=dsl,
        recorded_at=occurred + timedelta(hours=9, minutes=20),
    )
    notification.pupils.set([pupil, sibling])
