"""What happened around the child: other agencies' answers, plans, meetings, escalation, leaving
the roll, the household's other children, how the parents engaged, and notes that are not
concerns.

Serious case reviews find that each professional held a piece and the pieces were never put side
by side (national-reviews.md §4, "Give the safeguarding team time for multi-agency work" [V
SecEd]); these records put them side by side on one chronology. Every record is append-only:
a later answer is a new response, an ended plan gets a `PlanEnding`, a stage's outcome is a row
of its own. Each record keeps when it happened and when it was written (`recorded_at`), so the
facts for the detectors can be read "as of" a past day.
"""

from casework.models.agencies import (
    HEALTH_AGENCIES,
    Agency,
    AgencyContact,
    AgencyResponse,
    ContactPurpose,
    ResponseKind,
)
from casework.models.escalation import (
    Escalation,
    EscalationOutcome,
    EscalationStage,
    EscalationStageSetting,
    StageOutcomeKind,
)
from casework.models.household import (
    APPOINTMENT_KINDS,
    AppointmentKind,
    ChildSighting,
    DayNote,
    EngagementEvent,
    EngagementKind,
    ExplainedEvent,
    ExplanationChecked,
    HouseholdChild,
    NoteTone,
    SettingKind,
)
from casework.models.meetings import (
    Meeting,
    MeetingKind,
    MeetingReport,
)
from casework.models.plans import (
    SOCIAL_CARE_PLANS,
    CpCategory,
    Plan,
    PlanEnding,
    PlanEndReason,
    PlanKind,
)
from casework.models.roll import (
    AbsenceReturn,
    AgreedAbsence,
    Leaving,
    LeavingReason,
)

__all__ = [
    "APPOINTMENT_KINDS",
    "HEALTH_AGENCIES",
    "SOCIAL_CARE_PLANS",
    "AbsenceReturn",
    "Agency",
    "AgencyContact",
    "AgencyResponse",
    "AgreedAbsence",
    "AppointmentKind",
    "ChildSighting",
    "ContactPurpose",
    "CpCategory",
    "DayNote",
    "EngagementEvent",
    "EngagementKind",
    "Escalation",
    "EscalationOutcome",
    "EscalationStage",
    "EscalationStageSetting",
    "ExplainedEvent",
    "ExplanationChecked",
    "HouseholdChild",
    "Leaving",
    "LeavingReason",
    "Meeting",
    "MeetingKind",
    "MeetingReport",
    "NoteTone",
    "Plan",
    "PlanEndReason",
    "PlanEnding",
    "PlanKind",
    "ResponseKind",
    "SettingKind",
    "StageOutcomeKind",
]
