"""Concerns, the DSL's decisions and actions, and the other dated records on a child's timeline.

Every record here is append-only: nothing is updated in place or deleted. A change is a new row
(a `ConcernVersion`, a superseding `Decision`, an `ActionCompletion`) carrying the reason for it.
Source: KCSIE 2024, Part one, "Record keeping" — all concerns, discussions and decisions, and the
reasons for them, in writing [V] (Cairn domain reference, records-and-access.md §2).

The models live in three modules: `records` (a concern and what hangs from it, and drafts),
`decisions` (decisions, referral outcomes, actions, alerts) and `imported` (records from other
systems); everything is imported from `concerns.models`.
"""

from concerns.models.decisions import (
    REFERRAL_OUTCOMES,
    Action,
    ActionCompletion,
    Alert,
    AllegationRecord,
    Decision,
    Outcome,
    ReferralOutcome,
)
from concerns.models.imported import (
    BehaviourIncident,
    ChildPresent,
    EncompassNotification,
    ImportOrigin,
)
from concerns.models.records import (
    Attachment,
    BodyMark,
    BodyRegion,
    BodySide,
    Category,
    CategoryGroup,
    Concern,
    ConcernDraft,
    ConcernPupil,
    ConcernVersion,
    Note,
    Part,
    Source,
)

__all__ = [
    "REFERRAL_OUTCOMES",
    "Action",
    "ActionCompletion",
    "Alert",
    "AllegationRecord",
    "Attachment",
    "BehaviourIncident",
    "BodyMark",
    "BodyRegion",
    "BodySide",
    "Category",
    "CategoryGroup",
    "ChildPresent",
    "Concern",
    "ConcernDraft",
    "ConcernPupil",
    "ConcernVersion",
    "Decision",
    "EncompassNotification",
    "ImportOrigin",
    "Note",
    "Outcome",
    "Part",
    "ReferralOutcome",
    "Source",
]
