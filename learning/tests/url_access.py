"""Who reaches each learning URL. The safeguarding team records; the headteacher reads
supervision (without the children discussed), reflective reviews and what went well; governors
read the practice reviews library too. Another school's DSL sees their own school's pages and
is told there is no such session, plan or concern here (404)."""

import datetime

from django.utils import timezone

from tests.access_table import Case, allow, world_object


def build_session(w, reflections: str = "We talked about drift in a long-running case."):
    """A supervision session that discussed the world's child."""
    from learning import services

    return services.supervision_record(
        actor=w.dsl,
        held_on=datetime.date(2025, 11, 4),
        supervisor="An external supervisor",
        attendees="The DSL and deputy",
        reflections=reflections,
        children=[w.pupil],
    )


def build_ended_plan(w):
    from casework.models import PlanEnding, PlanEndReason
    from casework.tests.factories import PlanFactory

    plan = PlanFactory(pupil=w.pupil, recorded_by=w.dsl)
    PlanEnding.objects.create(
        plan=plan,
        ended_on=datetime.date(2026, 1, 9),
        reason=PlanEndReason.NEEDS_MET,
        recorded_by=w.dsl,
        recorded_at=timezone.now(),
    )
    return plan


_team = ("dsl", "deputy_dsl", "other_school_dsl")
_team_and_head = (*_team, "headteacher")


def _session(w) -> dict[str, object]:
    return {"session_id": world_object(w, "supervision", build_session).pk}


def _plan(w) -> dict[str, object]:
    return {"plan_id": world_object(w, "ended_plan", build_ended_plan).pk}


def _concern(w) -> dict[str, object]:
    from concerns.tests.url_access import _records

    return {"concern_id": _records(w).concern.pk}


def _supervision_post(w) -> dict[str, object]:
    return {
        "held_on_day": "2",
        "held_on_month": "12",
        "held_on_year": "2025",
        "supervisor": "An external supervisor",
        "attendees": "The DSL",
        "children": [str(w.pupil.pk)],
        "reflections": "We talked about drift in a long-running case.",
    }


def _went_well_post(w) -> dict[str, object]:
    return {
        "what_went_well": "The family engaged.",
        "why": "A steady key adult.",
        "themes": ["voice"],
    }


CASES = {
    "learning:supervision": Case(allow(*_team_and_head)),
    "learning:supervision_record": Case(allow(*_team), post=_supervision_post),
    "learning:supervision_detail": Case(
        allow(*_team_and_head, other_school_dsl=404), kwargs=_session
    ),
    "learning:reflective_reviews": Case(allow(*_team_and_head)),
    "learning:reflective_review_record": Case(allow(*_team)),
    "learning:library": Case(allow(*_team_and_head, "governor")),
    "learning:practice_review_record": Case(allow(*_team)),
    "learning:practice_reviews_import": Case(allow(*_team)),
    "learning:went_well": Case(allow(*_team_and_head)),
    "learning:went_well_plan": Case(
        allow(*_team, other_school_dsl=404), kwargs=_plan, post=_went_well_post
    ),
    "learning:went_well_concern": Case(
        allow(*_team, other_school_dsl=404), kwargs=_concern, post=_went_well_post
    ),
}
