"""What every persona gets from each concerns URL (tests/test_url_access.py enumerates them).

The world's concern (tests/access_world.py) was recorded by the teacher about the world's
pupil; the DSL has decided it (a referral) and given the teacher an action. The attendance lead
and the other teacher record concerns like any member of staff, and find none of the teacher's.
"""

from django.utils import timezone

from tests.access_table import Case, allow, child_level


def _today() -> str:
    return timezone.localdate().isoformat()


def _concern_post(w) -> dict[str, object]:
    return {
        "child_1": str(w.pupil.pk),
        "part_1": "subject",
        "occurred_on": _today(),
        "occurred_time": "09:30",
        "facts": "Posted by the access table.",
        "categories": [str(w.category.pk)],
    }


def _decision_post(w) -> dict[str, object]:
    return {
        "outcome": "monitor",
        "rationale": "Posted by the access table.",
        "review_date": _today(),
        "change_reason": "Posted by the access table.",
    }


def _encompass_post(w) -> dict[str, object]:
    return {
        "police_reference": "Posted by the access table",
        "occurred_on": _today(),
        "occurred_time": "02:00",
        "child_present": "no",
        "pupils": [str(w.pupil.pk)],
        "welfare_check_on": _today(),
    }


_recorders = ("teacher", "dsl", "deputy_dsl", "headteacher")
# Roles that may record a concern but did not record the world's one.
_not_its_recorder = {"attendance_lead": 404, "other_teacher": 404}
_team = ("dsl", "deputy_dsl")
_concern = lambda w: {"concern_id": w.concern.pk}  # noqa: E731
_pupil = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731

CASES = {
    "concerns:record": Case(
        allow(*_recorders, "attendance_lead", other_school_dsl=200), post=_concern_post
    ),
    "concerns:mine": Case(allow(*_recorders, "attendance_lead", other_school_dsl=200)),
    # The headteacher reads every concern at the school: the inbox (read-only) and search.
    "concerns:inbox": Case(allow(*_team, "headteacher", other_school_dsl=200)),
    "concerns:actions": Case(allow(*_team, other_school_dsl=200)),
    # Part of the child's name: matches the world's concern without repeating the marker.
    "concerns:search": Case(
        allow(*_team, "headteacher", other_school_dsl=200),
        data=lambda w: {"child": w.pupil.legal_surname[:-2]},
    ),
    "concerns:allegations": Case(allow("dsl", "headteacher", other_school_dsl=200)),
    # The trust in the test world does not let its lead open child-level records.
    "concerns:detail": Case(
        child_level(allow(*_recorders, other_school_dsl=404, **_not_its_recorder)),
        kwargs=_concern,
    ),
    "concerns:add_note": Case(
        child_level(
            allow(*_recorders, ok=400, other_school_dsl=404, **_not_its_recorder), with_reason=404
        ),
        kwargs=_concern,
        method="post",
    ),
    "concerns:amend": Case(
        allow(*_team, other_school_dsl=404),
        kwargs=_concern,
        post=lambda w: {
            "facts": "Posted by the access table.",
            "categories": [str(w.category.pk)],
            "reason": "Posted by the access table.",
        },
    ),
    "concerns:decide": Case(
        allow(*_team, other_school_dsl=404), kwargs=_concern, post=_decision_post
    ),
    "concerns:assign_action": Case(
        allow(*_team, other_school_dsl=404),
        kwargs=_concern,
        post=lambda w: {
            "description": "Posted by the access table.",
            "assignee": str(w.teacher.pk),
            "due_on": _today(),
        },
    ),
    "concerns:referral_outcome": Case(
        allow(*_team, other_school_dsl=404),
        kwargs=lambda w: {"decision_id": w.decision.pk},
        post=lambda w: {
            "received_on": _today(),
            "outcome": "Posted by the access table.",
            "school_agrees": "yes",
        },
    ),
    # Only the assignee (the teacher) and the school's DSL team may complete an action.
    "concerns:complete_action": Case(
        allow(*_recorders, headteacher=404, other_school_dsl=404, **_not_its_recorder),
        kwargs=lambda w: {"action_id": w.action.pk},
        post=lambda w: {"note": "Posted by the access table."},
        post_by="teacher",
    ),
    "concerns:attachment": Case(
        child_level(allow(*_recorders, other_school_dsl=404, **_not_its_recorder)),
        kwargs=lambda w: {"attachment_id": w.attachment.pk},
    ),
    "concerns:behaviour_import": Case(allow(*_team, other_school_dsl=200)),
    "concerns:behaviour_add": Case(
        allow(*_team, other_school_dsl=404),
        kwargs=_pupil,
        post=lambda w: {
            "occurred_on": _today(),
            "occurred_time": "10:00",
            "incident_type": "Posted by the access table",
        },
    ),
    "concerns:encompass_add": Case(allow(*_team, other_school_dsl=200), post=_encompass_post),
    "concerns:categories": Case(
        allow(*_team, other_school_dsl=200),
        post=lambda w: {"label": "Posted by the access table", "is_active": "on"},
    ),
    "concerns:category_edit": Case(
        allow(*_team, other_school_dsl=404),
        kwargs=lambda w: {"category_id": w.category.pk},
        post=lambda w: {"label": "Posted by the access table", "is_active": "on"},
    ),
}
