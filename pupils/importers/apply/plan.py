"""What a pupil import writes and reports: the tables in the order their keys need, the fields
compared when a child's record changes, and each record's outcome."""

from dataclasses import dataclass
from typing import Literal

from django.db.models import Model

from pupils.models import (
    Address,
    Enrolment,
    FormerUPN,
    Person,
    Pupil,
    PupilAddress,
    PupilSourceRecord,
    PupilStatus,
    Relationship,
    StatusKind,
)

# Tables written for new pupils, in the order their foreign keys need.
INSERT_ORDER: tuple[type[Model], ...] = (
    Pupil,
    Address,
    FormerUPN,
    Enrolment,
    PupilStatus,
    PupilAddress,
    Person,
    Relationship,
    PupilSourceRecord,
)
FLAG_STATUS = {
    "looked_after": StatusKind.LOOKED_AFTER,
    "previously_looked_after": StatusKind.PREVIOUSLY_LOOKED_AFTER,
    "young_carer": StatusKind.YOUNG_CARER,
    "free_school_meals": StatusKind.FREE_SCHOOL_MEALS,
    "disadvantaged": StatusKind.DISADVANTAGED,
    "eal": StatusKind.EAL,
    "disability": StatusKind.DISABILITY,
}
TEXT_FIELDS = (
    "middle_names",
    "preferred_forename",
    "preferred_surname",
    "sex",
    "ethnicity",
    "year_group",
    "sen_status",
    "care_authority",
    "social_care_status",
)


# Which of a record's status_dates dates each status.
DATE_KEYS = {
    StatusKind.SEN_SUPPORT: "sen",
    StatusKind.EHC_PLAN: "sen",
    StatusKind.SOCIAL_CARE_OPEN: "social_care",
    StatusKind.SOCIAL_CARE_PREVIOUS: "social_care",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    upn: str
    name: str
    status: Literal["added", "changed", "unchanged"]
    changes: tuple[str, ...] = ()

    def line(self) -> str:
        detail = f": {'; '.join(self.changes)}" if self.changes else ""
        return f"{self.status:<9} {self.upn} {self.name}{detail}"
