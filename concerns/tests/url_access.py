"""What every persona gets from each concerns URL (tests/test_url_access.py enumerates them).

The world's concern (tests/access_world.py) was recorded by the teacher about the world's
pupil; the DSL has decided it (a referral) and given the teacher an action. The attendance lead
and the other teacher record concerns like any member of staff, and find none of the teacher's.
"""

from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.access_table import Case, allow, an_hour_ago, child_level


def _records(w: Any) -> SimpleNamespace:
    """The world's concern, decision, action and attachment: seeded in the access world
    (tests/access_world.py), made once per test in conftest's small world."""
    objects = getattr(w, "objects", None)
    if objects is not None:
        names = ("concern", "decision", "action", "attachment", "category")
        return SimpleNamespace(**{name: objects[name] for name in names})
    cached = getattr(w, "_concern_records", None)
    if cached is not None:
        return cached
    from concerns import services
    from concerns.models import Outcome, Part

    services.categories_ensure(school=w.school)
    concern = services.concern_record(
        actor=w.teacher,
        data=services.ConcernInput(
            children=[services.ChildPart(pupil=w.pupil, part=Part.SUBJECT)],
            occurred_at=timezone.now(),
            facts="No coat in the rain again.",
            attachments=[SimpleUploadedFile("note.txt", b"A note from the child.")],
        ),
    )
    decision = services.decision_record(
        actor=w.dsl,
        concern=concern,
        data=services.DecisionInput(
            outcome=Outcome.SOCIAL_CARE,
            rationale="Threshold met.",
            referral_date=timezone.localdate(),
        ),
    )
    action = services.action_assign(
        actor=w.dsl,
        concern=concern,
        assignee=w.teacher,
        description="Check the coat tomorrow.",
        due_on=timezone.localdate(),
    )
    records = SimpleNamespace(
        concern=concern,
        decision=decision,
        action=action,
        attachment=concern.attachments.get(),
        category=w.school.concern_categories.get(code="neglect"),
    )
    w._concern_records = records
    return records


def _today() -> str:
    return timezone.localdate().isoformat()


# The posts below happened at midnight today: never in the future, whatever the time of the run
# (a later time made these rows fail when the suite ran before it).


def _concern_post(w) -> dict[str, object]:
    return {
        "child_1": str(w.pupil.pk),
        "part_1": "subject",
        "occurred_on": an_hour_ago()[0],
        "occurred_time": an_hour_ago()[1],
        "facts": "Posted by the access table.",
        "categories": [str(_records(w).category.pk)],
    }


def _decision_post(w) -> dict[str, object]:
    return {
        "outcome": "monitor",
        "rationale": "Posted by the access table.",
        "review_date": _today(),
        "change_reason": "Posted by the access table.",
    }


def _behaviour_csv(w) -> dict[str, object]:
    day, at = an_hour_ago()
    text = (
        "incident_id,upn,date,time,type,description,action_taken,recorded_by\n"
        f"ACCESS1,{w.pupil.upn},{day},{at},Posted by the access table,,,Mr Smith\n"
    )
    return {"file": SimpleUploadedFile("behaviour.csv", text.encode())}


def _encompass_post(w) -> dict[str, object]:
    return {
        "police_reference": "Posted by the access table",
        "occurred_on": an_hour_ago()[0],
        "occurred_time": an_hour_ago()[1],
        "child_present": "no",
        "pupils": [str(w.pupil.pk)],
        "welfare_check_on": _today(),
    }


_recorders = ("teacher", "dsl", "deputy_dsl", "headteacher")
# Roles that may record a concern but did not record the world's one.
_not_its_recorder = {"attendance_lead": 404, "other_teacher": 404}
_team = ("dsl", "deputy_dsl")
_concern = lambda w: {"concern_id": _records(w).concern.pk}  # noqa: E731
_pupil = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731

CASES = {
    "concerns:record": Case(
        allow(*_recorders, "attendance_lead", other_school_dsl=200), post=_concern_post
    ),
    # A draft is its author's own: an empty one is saved (or none discarded) and the form shown
    # again; a draft naming a child off the author's roll is refused (concerns/tests/test_drafts).
    "concerns:draft_save": Case(
        allow(*_recorders, "attendance_lead", ok=302, other_school_dsl=302), method="post"
    ),
    "concerns:draft_discard": Case(
        allow(*_recorders, "attendance_lead", ok=302, other_school_dsl=302), method="post"
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
            "categories": [str(_records(w).category.pk)],
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
        kwargs=lambda w: {"decision_id": _records(w).decision.pk},
        post=lambda w: {
            "received_on": _today(),
            "outcome": "Posted by the access table.",
            "school_agrees": "yes",
        },
    ),
    # Only the assignee (the teacher) and the school's DSL team may complete an action.
    "concerns:complete_action": Case(
        allow(*_recorders, headteacher=404, other_school_dsl=404, **_not_its_recorder),
        kwargs=lambda w: {"action_id": _records(w).action.pk},
        post=lambda w: {"note": "Posted by the access table."},
        post_by="teacher",
    ),
    "concerns:attachment": Case(
        child_level(allow(*_recorders, other_school_dsl=404, **_not_its_recorder)),
        kwargs=lambda w: {"attachment_id": _records(w).attachment.pk},
    ),
    # A behaviour export naming the world's child: another school's DSL imports none of it.
    "concerns:behaviour_import": Case(
        allow(*_team, other_school_dsl=200), post=_behaviour_csv, names_child=True
    ),
    "concerns:behaviour_add": Case(
        allow(*_team, other_school_dsl=404),
        kwargs=_pupil,
        post=lambda w: {
            "occurred_on": an_hour_ago()[0],
            "occurred_time": an_hour_ago()[1],
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
        kwargs=lambda w: {"category_id": _records(w).category.pk},
        post=lambda w: {"label": "Posted by the access table", "is_active": "on"},
    ),
}
