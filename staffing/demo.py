"""Demo training and low-level concerns, dated relative to the seeding day. Synthetic people
only; written through the services, so each record is audited.

At each school, everyone's training: most up to date; a member of staff whose annual update is
overdue; someone with nothing recorded; the DSL's formal training falling due within weeks.
At the primary school, low-level concerns: two about a teaching assistant, and three within a
year about a visiting sports coach (a pattern, with the LADO prompt); the headteacher names the
governor as chair for concerns about the headteacher.
"""

from datetime import date, timedelta

from schools.demo import DemoWorld
from schools.models import Membership, Role
from staffing import selectors, services
from staffing.models import LowLevelConcern, TrainingRecord

_PROVIDERS = {
    "induction": "School induction (demo)",
    "annual_update": "Riverbend local authority safeguarding team (demo)",
    "kcsie_part_one": "Read and signed in school",
    "online_safety": "Online safety update (demo)",
    "neglect": "Recognising neglect course (demo)",
    "dsl_formal": "DSL formal training (demo)",
    "prevent": "Prevent awareness e-learning (demo)",
    "safer_recruitment": "Safer recruitment training (demo)",
}


def _keeper(world: DemoWorld, school_id: object) -> Membership | None:
    for role in (Role.HEADTEACHER, Role.DSL):
        found = next(
            (m for m in world.members.values() if m.school_id == school_id and m.role == role),
            None,
        )
        if found is not None:
            return found
    return None


def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def seed(world: DemoWorld) -> None:
    today = world.today
    for school in world.schools.values():
        keeper = _keeper(world, school.pk)
        if keeper is None:
            continue
        for index, person in enumerate(selectors.people_in_register(school_id=school.pk)):
            if person.user.email == "ta@brookside.example":
                continue  # nothing recorded yet: shows as "not recorded"
            for kind in selectors.training_of(person, as_of=today).requirements:
                days = 120 + 17 * index
                if kind.training_type == "annual_update" and person.role == Role.STAFF:
                    days = 430  # overdue: more than a year ago
                if kind.training_type == "dsl_formal":
                    days = 715  # due again within weeks
                services.training_record(
                    actor=keeper,
                    person=person,
                    training_type=kind.training_type,
                    completed_on=_ago(today, days),
                    provider=_PROVIDERS[kind.training_type],
                )
    _low_level(world)
    scope = {"school__in": world.schools.values()}
    world.summary.append(
        f"{TrainingRecord.objects.filter(**scope).count()} training records, "
        f"{LowLevelConcern.objects.filter(**scope).count()} low-level concerns about adults"
    )


def _low_level(world: DemoWorld) -> None:
    head = world.members.get("headteacher")
    assistant = world.members.get("teacher2")
    governor = world.members.get("governor")
    if head is None or assistant is None:
        return
    today = world.today
    first = services.low_level_concern_record(
        actor=head,
        member=assistant,
        happened_on=_ago(today, 200),
        raised_by="A teacher",
        what_happened="Gave a pupil a lift home in their own car without telling anyone.",
        response="Reminded of the staff behaviour policy; no further concern.",
    )
    services.low_level_concern_record(
        actor=head,
        adult=first.adult,
        happened_on=_ago(today, 40),
        raised_by="A parent",
        what_happened="Followed a pupil's parent on a personal social media account.",
        response="Spoken to; asked to remove the connection.",
    )
    coach = None
    for days, words in (
        (300, "Used a personal phone to take photographs at a match."),
        (150, "Spoke to pupils in a way other adults thought overly familiar."),
        (20, "Was alone with a pupil in the changing area after others had left."),
    ):
        concern = services.low_level_concern_record(
            actor=head,
            adult=coach,
            new=services.NewAdult("Lee Marsh (demo)", "contractor", "Visiting sports coach"),
            happened_on=_ago(today, days),
            raised_by="A teaching assistant",
            what_happened=words,
        )
        coach = concern.adult
    if governor is not None:
        services.low_level_policy_set(actor=head, deputy_dsl_reads=False, chair=governor)
