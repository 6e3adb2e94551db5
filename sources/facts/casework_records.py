"""The casework facts (issue 17), built by `casework.facts`: contacts with other agencies and
their answers, plans, meetings, stages of escalation, leavings, agreed absences, the household's
children on no roll here, the parents' engagement and notes that are not concerns. The values of
`kind`, `reason`, ... are the casework models' choice values, named in each docstring or comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# ---- Casework: what happened around the child (issue 17). Built by `casework.facts`; the values
# of `kind`, `reason`, ... are the casework models' choice values, named in each comment.


@dataclass(frozen=True, slots=True)
class ResponseFact:
    """An agency's answer to a contact: `kind` is a `casework.ResponseKind` value (`accepted`,
    `strategy`, `nfa`, `no_concerns`, `early_help`, `information`, `no_answer`); whether the
    school agrees (None: not said) and, while waiting, when an answer is expected."""

    id: str
    kind: str
    received_on: date
    school_agrees: bool | None
    answer_expected_by: date | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ContactFact:
    """A contact with another agency (`casework.Agency` value) for a `purpose` (`referral`,
    `asked`, `shared`), the referral decision it carries out if any, and its answers (oldest
    first, only those written by the cut)."""

    id: str
    school_id: str
    agency: str
    purpose: str
    contacted_on: date
    referral_decision_id: str | None
    answer_expected_by: date | None
    recorded_at: datetime
    responses: tuple[ResponseFact, ...] = ()

    @property
    def latest(self) -> ResponseFact | None:
        return self.responses[-1] if self.responses else None


@dataclass(frozen=True, slots=True)
class PlanFact:
    """A plan the child was on (`casework.PlanKind`: `early_help`, `cin`, `cp`, `looked_after`),
    with its end where the end was written by the cut."""

    id: str
    kind: str
    cp_category: str
    started_on: date
    ended_on: date | None
    end_reason: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class MeetingFact:
    """A multi-agency meeting (`casework.MeetingKind` value) held about the child."""

    id: str
    kind: str
    held_on: date
    agencies_present: tuple[str, ...]
    minutes_spent: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class EscalationStageFact:
    """A stage of professional challenge; `outcome` (`changed`, `accepted`, `next`, `closed`)
    is None while the stage waits."""

    id: str
    escalation_id: str
    position: int
    name: str
    started_on: date
    due_on: date
    outcome: str | None
    decided_on: date | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class LeavingFact:
    """The child left a school's roll (`casework.LeavingReason`: `moved_school`, `ehe`,
    `moved_away`, `cme`, `other`), with how many concerns were open then."""

    id: str
    school_id: str
    left_on: date
    reason: str
    open_concerns: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class AbsenceFact:
    """An agreed absence and when the child is expected back; `returned_on` None: not back."""

    id: str
    starts_on: date
    expected_back_on: date
    returned_on: date | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class HouseholdChildFact:
    """A child of the household who is not on this school's roll: `setting_kind` is a
    `casework.SettingKind` value (`none` for no setting at all); when a professional last saw
    them, where known."""

    id: str
    date_of_birth: date
    setting_kind: str
    last_seen_on: date | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class EngagementFact:
    """How the parents or carers engaged (`casework.EngagementKind`: `missed`, `cancelled`,
    `refused`, `hostility`, `explanation`); for an appointment its kind (`health`, `school`,
    `other`); for an explanation what it explained (`injury`, `absence`) and whether it was
    checked (`consistent`, `inconsistent`, `not_checked`)."""

    id: str
    kind: str
    occurred_on: date
    appointment_kind: str
    explained_event: str
    checked: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class NoteFact:
    """A note that is not a concern: detectors may read it as context, never count it."""

    id: str
    tone: str
    noted_on: date
    recorded_at: datetime
