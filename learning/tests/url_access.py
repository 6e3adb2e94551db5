"""Who reaches each learning URL. The safeguarding team records; the headteacher reads
supervision (without the children discussed), reflective reviews and what went well; governors
read the practice reviews library too. Another school's DSL sees their own school's pages and
is told there is no such session, plan or concern here (404)."""

from tests.access_table import Case, allow

_team = ("dsl", "deputy_dsl", "other_school_dsl")
_team_and_head = (*_team, "headteacher")


def _session(w) -> dict[str, object]:
    return {"session_id": w.supervision.pk}


def _plan(w) -> dict[str, object]:
    return {"plan_id": w.ended_plan.pk}


def _concern(w) -> dict[str, object]:
    return {"concern_id": w.concern.pk}


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
