"""The shared vocabulary of facts: the schools' clock (`SCHOOL_TZ`, `at_nine`), the kinds a fact
may name (a child's part in a concern, what the DSL decided, what an action addresses, why a
child left a roll) and the category keys for records that are not concerns.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

# The schools' clock (settings.TIME_ZONE): "the day" of a fact, a cut-off or a date-only record is
# the day in England. The one definition the detectors, the engine and the loaders share.
SCHOOL_TZ = ZoneInfo("Europe/London")


class Part(StrEnum):
    """The child's part in a concern: the subject of it, another child involved, or a witness."""

    SUBJECT = "subject"
    OTHER = "other"
    WITNESS = "witness"


class DecisionKind(StrEnum):
    """What the DSL decided (records-and-access.md §2: decisions, including not to refer)."""

    NFA = "nfa"  # no further action
    MONITOR = "monitor"
    EARLY_HELP = "early_help"
    REFERRAL = "referral"  # to children's social care
    POLICE = "police"
    LADO = "lado"
    PREVENT = "prevent"
    OTHER = "other"


class ActionKind(StrEnum):
    """What an action addresses. `practical` is help with things (food, uniform, equipment,
    housing letters, appointments); the others address the care the child receives or the adults'
    difficulties (national-reviews.md §4, "Practical tasks instead of parenting" [V SecEd])."""

    PRACTICAL = "practical"
    PARENTING = "parenting"  # work with the parents on the care they give
    ADULT_SUPPORT = "adult_support"  # the adults' own difficulties: mental health, substances, DA
    CHILD_SUPPORT = "child_support"  # direct work with the child
    MULTI_AGENCY = "multi_agency"  # a meeting, a referral follow-up, information sharing
    OTHER = "other"


class LeavingReason(StrEnum):
    """Why a child left a school's roll (pupils.models.EnrolmentEndReason's values)."""

    MOVED_SCHOOL = "moved_school"
    MOVED_AWAY = "moved_away"
    ELECTIVE_HOME_EDUCATION = "ehe"
    END_OF_EDUCATION = "end_of_education"
    CHILD_MISSING_EDUCATION = "cme"
    OTHER = "other"


# Category keys for records that are not concerns, read like a concern's categories (the
# detectors' `patterns/data/indicators.json`, "records" source, maps them to indicators).
BODY_MAP = "body_map"
BEHAVIOUR = "behaviour_incident"
ENCOMPASS = "operation_encompass"
# A factor the safeguarding team recorded (factors app): the evidence kind is "factor:known".
KNOWN_FACTOR = "known"


def at_nine(day: date) -> datetime:
    """A date-only record's moment: 09:00 at the school on that day."""
    return datetime.combine(day, time(9), SCHOOL_TZ)
