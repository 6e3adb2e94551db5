"""Casework pages: the child's casework, and one form per kind of record. Every form works as
a plain POST; a service's ValidationError goes beside the field it names."""

from casework.views.agencies import (
    contact_add,
    escalate,
    response_add,
    stage_outcome,
    stage_settings,
)
from casework.views.household import (
    absence_add,
    absence_return,
    engagement_add,
    household_child_add,
    leaving,
    note_add,
    sighting_add,
)
from casework.views.page import pupil
from casework.views.plans import meeting_add, plan_add, plan_end, report

__all__ = [
    "absence_add",
    "absence_return",
    "contact_add",
    "engagement_add",
    "escalate",
    "household_child_add",
    "leaving",
    "meeting_add",
    "note_add",
    "plan_add",
    "plan_end",
    "pupil",
    "report",
    "response_add",
    "sighting_add",
    "stage_outcome",
    "stage_settings",
]
