"""Demo supervision, reflective reviews, practice reviews and what went well, dated relative to
the seeding day. Synthetic only: the reviews are invented, published by an invented
partnership; the children discussed are the demo children the casework stories are about."""

from datetime import timedelta

from casework.models import Plan
from learning import services
from learning.models import Expectations, PracticeReview, SupervisionSession, WentWell
from pupils.models import Pupil
from schools.demo import DemoWorld
from schools.models import Membership, Role, School

# (title, publisher, link, key learning, themes, used in training, policy changes)
_REVIEWS = [
    (
        "Child F: a local practice review (demo)",
        "Riverbend Safeguarding Children Partnership (demo)",
        "https://example.org/reviews/child-f",
        "Small signs of neglect were seen by several adults and never put side by side. We now "
        "ask, at every neglect concern, what else the school knows.",
        ["neglect", "records"],
        "Autumn INSET: neglect and the whole story",
        "",
    ),
    (
        "Child M: a local practice review (demo)",
        "Riverbend Safeguarding Children Partnership (demo)",
        "",
        "The child's own words were recorded once and not asked for again. We ask every term.",
        ["voice"],
        "",
        "",
    ),
    (
        "Learning from missed school days (demo)",
        "National panel briefing (demo)",
        "",
        "Absence was treated as an attendance matter only. Runs of absence now go to the DSL.",
        ["attendance", "multi_agency"],
        "",
        "Attendance policy: runs of three days' unexplained absence are reported to the DSL.",
    ),
]


def _member(world: DemoWorld, school: School, role: Role) -> Membership | None:
    return next(
        (m for m in world.members.values() if m.school_id == school.pk and m.role == role), None
    )


def seed(world: DemoWorld) -> None:
    today = world.today
    for school in world.schools.values():
        dsl = _member(world, school, Role.DSL)
        if dsl is None:
            continue
        planned = list(Pupil.objects.filter(plans__school=school).distinct().order_by("upn")[:2])
        services.supervision_record(
            actor=dsl,
            held_on=today - timedelta(days=21),
            supervisor="Jo Whitfield, external supervisor (demo)",
            attendees="The DSL and deputy DSL",
            reflections="We looked at a neglect case where the same worries keep returning. We "
            "asked whether we had got used to them.",
            agreed_actions="Write the chronology before the next core group. Ask the child.",
            children=planned,
        )
        services.reflective_review_record(
            actor=dsl,
            held_on=today - timedelta(days=100),
            expectations=Expectations.NOT_SURE,
            what_we_saw="The high-expectations check: neglect concerns about older children "
            "took longer to reach a decision beyond monitoring.",
            concluded="Every neglect concern about a teenager is reviewed within a week.",
        )
        for index, (title, publisher, link, learning, themes, training, policy) in enumerate(
            _REVIEWS
        ):
            data = services.ReviewInput(
                title,
                publisher,
                today - timedelta(days=200 + 90 * index),
                link,
                learning,
                themes,
                training,
                policy,
            )
            services.practice_review_record(actor=dsl, data=data)
        _went_well(school, dsl)
    scope = {"school__in": world.schools.values()}
    world.summary.append(
        f"{SupervisionSession.objects.filter(**scope).count()} supervision sessions, "
        f"{PracticeReview.objects.filter(**scope).count()} practice reviews, "
        f"{WentWell.objects.filter(**scope).count()} notes of what went well"
    )


def _went_well(school: School, dsl: Membership) -> None:
    """What went well with a plan the casework demo ended (each school has one)."""
    ended = Plan.objects.filter(school=school, ending__isnull=False).first()
    if ended is None:
        return
    services.went_well_record(
        actor=dsl,
        plan=ended,
        what_went_well="The family came to every meeting once one adult they trusted led them.",
        why="A single key adult, and meetings at a time the parents could manage.",
        themes=["voice", "multi_agency"],
    )
