"""What a detector reads about one child (`PupilFacts`, with all their records) and about one
household (`HouseholdFacts`, its children with their own facts and its factors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sources.facts.casework_records import (
    AbsenceFact,
    ContactFact,
    EngagementFact,
    EscalationStageFact,
    HouseholdChildFact,
    LeavingFact,
    MeetingFact,
    NoteFact,
    PlanFact,
)
from sources.facts.records import (
    ActionFact,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    HouseholdFactorFact,
    RollFact,
    VoiceFact,
)


@dataclass(frozen=True, slots=True)
class PupilFacts:
    """Everything a detector may know about one child, as of one date.

    - `pupil_id`, `upn`, `school_id` (the school whose DSL is prompted), `trust_id` (None: none).
    - `date_of_birth`: for age-based rules (adolescents 11+).
    - `disability`: the child is disabled (CIN disability list, cin-codes.md §4 [V]).
    - `disadvantaged`, `free_school_meals`: the family's income, used only to *notice* poverty
      normalising neglect; never to lower or raise a threshold (neglect-indicators.md §5 rule 4).
    - `mobile`: False for a child not yet independently mobile (bruising in non-mobile infants,
      neglect-indicators.md §3 [U]); None when not recorded.
    - `household_ids`: the households the child belongs to.
    - the child's records: concerns, decisions, actions, attendance days, roll periods, voice
      entries and cadences. `concerns` also holds the concerns of a child protection file the
      child's school received from their previous school (`ConcernFact.transferred_from`).
    - `factors`: the factors the safeguarding team recorded as known for this child's family
      (domestic abuse, parental mental ill-health, substance misuse: `HouseholdFactorFact` with
      an empty `household_id`), so that detectors about the family run for a child whom no
      household links to siblings.
    - `history`: decisions on concerns older than the loader's look-back (a referral or a
      closure years ago): history does not expire (national-reviews.md §1, "previously known
      but closed" 19% [V SecEd]), and the decisions in a child protection file received from
      the child's previous school (`transfer.facts`), whenever they were made.
    - casework (issue 17): contacts with other agencies and their answers, plans, meetings,
      stages of escalation, leavings, agreed absences, the household's children on no roll here,
      the parents' engagement and notes that are not concerns (`casework.facts`).
    """

    pupil_id: str
    upn: str
    school_id: str
    date_of_birth: date
    trust_id: str | None = None
    disability: bool = False
    disadvantaged: bool = False
    free_school_meals: bool = False
    mobile: bool | None = None
    household_ids: frozenset[str] = frozenset()
    concerns: tuple[ConcernFact, ...] = ()
    decisions: tuple[DecisionFact, ...] = ()
    actions: tuple[ActionFact, ...] = ()
    attendance: tuple[AttendanceDayFact, ...] = ()
    roll: tuple[RollFact, ...] = ()
    voice: tuple[VoiceFact, ...] = ()
    cadences: tuple[CadenceFact, ...] = ()
    factors: tuple[HouseholdFactorFact, ...] = ()
    history: tuple[DecisionFact, ...] = ()
    contacts: tuple[ContactFact, ...] = ()
    plans: tuple[PlanFact, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()
    escalation_stages: tuple[EscalationStageFact, ...] = ()
    leavings: tuple[LeavingFact, ...] = ()
    absences: tuple[AbsenceFact, ...] = ()
    household_children: tuple[HouseholdChildFact, ...] = ()
    engagement: tuple[EngagementFact, ...] = ()
    notes: tuple[NoteFact, ...] = ()

    @property
    def in_poverty(self) -> bool:
        """Whether the school records the family as low-income (FSM or disadvantaged)."""
        return self.disadvantaged or self.free_school_meals


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """A household: its children who are pupils at any school of the trust (with their own facts,
    so concerns about siblings at another school count), how many other members it has, and the
    household factors recorded for it."""

    household_id: str
    children: tuple[PupilFacts, ...] = ()
    factors: tuple[HouseholdFactorFact, ...] = ()
    adult_count: int = 0

    @property
    def school_ids(self) -> frozenset[str]:
        """The schools whose DSLs a finding about this household prompts."""
        return frozenset(child.school_id for child in self.children)
