"""Writes for casework. Each takes a keyword-only `actor` (a member of a school's safeguarding
team), checks dates and required reasons with errors naming the field, and audits itself in the
same transaction. Nothing is updated in place or deleted: a later answer, a plan's end, a
stage's outcome and a return are rows of their own."""

from casework.services.agencies import contact_record, referral_decisions, response_record
from casework.services.escalation import (
    DEFAULT_STAGES,
    PastStage,
    StageRule,
    escalation_import,
    escalation_open,
    escalation_stages_set,
    stage_outcome_record,
    stages_for,
)
from casework.services.household import (
    day_note_record,
    engagement_record,
    household_child_record,
    sighting_record,
)
from casework.services.meetings import meeting_record, report_path
from casework.services.plans import plan_end, plan_record
from casework.services.roll import absence_record, absence_return_record, leaving_record

__all__ = [
    "DEFAULT_STAGES",
    "PastStage",
    "StageRule",
    "absence_record",
    "absence_return_record",
    "contact_record",
    "day_note_record",
    "engagement_record",
    "escalation_import",
    "escalation_open",
    "escalation_stages_set",
    "household_child_record",
    "leaving_record",
    "meeting_record",
    "plan_end",
    "plan_record",
    "referral_decisions",
    "report_path",
    "response_record",
    "sighting_record",
    "stage_outcome_record",
    "stages_for",
]
