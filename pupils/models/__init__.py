"""The child, where they are enrolled, and the people around them: one module per part
(ADR 17), every model importable from `pupils.models` as before.
"""

from pupils.models.households import (
    Household,
    HouseholdMember,
    HouseholdSuggestion,
    SuggestionReason,
    SuggestionStatus,
)
from pupils.models.imports import ImportBatch, ImportKind, ImportStatus, PupilSourceRecord
from pupils.models.people import (
    ADULT_KINDS,
    SIBLING_KINDS,
    Address,
    Person,
    PupilAddress,
    Relationship,
    RelationshipKind,
)
from pupils.models.pupil import (
    Enrolment,
    EnrolmentEndReason,
    FormerUPN,
    Pupil,
    PupilStatus,
    RecordSource,
    SenStatus,
    Sex,
    SocialCareStatus,
    StatusKind,
)

__all__ = [
    "ADULT_KINDS",
    "SIBLING_KINDS",
    "Address",
    "Enrolment",
    "EnrolmentEndReason",
    "FormerUPN",
    "Household",
    "HouseholdMember",
    "HouseholdSuggestion",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Person",
    "Pupil",
    "PupilAddress",
    "PupilSourceRecord",
    "PupilStatus",
    "RecordSource",
    "Relationship",
    "RelationshipKind",
    "SenStatus",
    "Sex",
    "SocialCareStatus",
    "StatusKind",
    "SuggestionReason",
    "SuggestionStatus",
]
