"""The facts detectors read: frozen snapshots of records, built by selectors, never by detectors.

A detector never touches the ORM. Each record app turns its own records into these dataclasses
(`<app>/facts.py`, listed in `settings.PATTERN_FACT_SOURCES`; ADR 17), as does the JSON Lines
loader in `patterns.loaders` (the command line and the scenario suite); the engine then keeps
only the facts that had happened *and* been written by the date asked for (`engine.visible_as_of`).
The types live here, below the record apps, so a record app offers facts without importing
`patterns`; `patterns.facts` re-exports them for the detectors.

Every record-like fact carries both when it happened (`occurred_at` or its equivalent) and when it
was written (`recorded_at`): a record has both (records-and-access.md §2, "Minimum entry fields").
Datetimes are timezone-aware. Identifiers are strings (UUIDs as text) so facts read the same from
the database, a JSON file or a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Protocol
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


@dataclass(frozen=True, slots=True)
class ConcernFact:
    """One concern recorded about a child (one row per child the concern names).

    - `id`: the concern's id; with `pupil_id`, one child's part in it.
    - `occurred_at` / `recorded_at`: when it happened / when it was written.
    - `author_id`, `author_role`: the adult who wrote it (a membership id) and their role; detectors
      that need "more than one adult" count distinct `author_id`s.
    - `part`: whether this child is the subject, another child involved, or a witness.
    - `categories`: the concern's category codes as recorded (KCSIE/CIN codes such as `NEG`, or a
      specific-issue name; mapped to indicators by `patterns.indicators`).
    - `indicators`: the indicator slugs the concern shows (hunger, hygiene, injury, ...); built from
      `categories` through `patterns/data/indicators.json` plus any the author ticked.
    - `explanation_suitable`: for injuries and presentation, whether the explanation given was
      suitable (NICE CG89 "unsuitable explanation", neglect-indicators.md §1 [V]); None = not asked.
    - `record_kind`: the kind of record the fact was built from, named in the evidence: `concern`,
      or another dated record about the child that shows an indicator (`behaviour` for a
      behaviour incident, `encompass` for an Operation Encompass notification).
    - `text`: what the adult saw and heard, as recorded (the version in force at the cut);
      `child_words`: the child's own words in it, verbatim (records-and-access.md §11); empty
      when none were recorded.
    - `body_regions`: the body-map regions of the marks recorded with it (`concerns.BodyRegion`
      values: `head`, `neck`, `upper_back`, ...).
    - `themes`: what the child spoke about, as ticked by the person recording (voice distress
      themes: `hunger`, `fear`, `hurt`, `alone`, `caring`); empty when the form has no ticks.
    - `transferred_from`: the school whose child protection file this concern came in, when it
      was recorded there and received by this school (`transfer.facts`); empty for this school's
      own records. `id` is then the transferred record's id, and `recorded_at` when this school
      received the file (what it knew, and since when). Detectors leave transferred concerns out
      unless they say they count them (`patterns.detectors._common.about_child`).
    """

    id: str
    pupil_id: str
    occurred_at: datetime
    recorded_at: datetime
    author_id: str
    author_role: str = "staff"
    part: Part = Part.SUBJECT
    categories: frozenset[str] = frozenset()
    indicators: frozenset[str] = frozenset()
    explanation_suitable: bool | None = None
    record_kind: str = "concern"
    text: str = ""
    child_words: str = ""
    body_regions: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    transferred_from: str = ""


@dataclass(frozen=True, slots=True)
class DecisionFact:
    """A DSL's decision about a child, on a case (records-and-access.md §2: "decision,
    decision_reason, decided_by, review_date — including no referral").

    - `case_id`: the case (the run of work about this child) the decision belongs to.
    - `kind`: what was decided (`DecisionKind`).
    - `concern_ids`: the concerns the decision answers.
    - `decided_at` / `recorded_at`: when decided / when written.
    - `review_date`: for monitoring, when it is to be looked at again.
    - `outcome_due`: for a referral, when its outcome is expected.
    - `outcome_recorded_at`: when the outcome was written (the engine hides it before then).
    - `closes_case`: whether this decision closed the case. A decision on a case after one that
      closed it reopens the case.
    - `transferred_from`: the school whose child protection file this decision came in (see
      `ConcernFact.transferred_from`); empty for this school's own decisions. A transferred
      decision is the child's history (`PupilFacts.history`), never a decision of this school's.
    """

    id: str
    pupil_id: str
    case_id: str
    kind: DecisionKind
    decided_at: datetime
    recorded_at: datetime
    author_id: str = ""
    concern_ids: frozenset[str] = frozenset()
    review_date: date | None = None
    outcome_due: date | None = None
    outcome_recorded_at: datetime | None = None
    closes_case: bool = False
    transferred_from: str = ""


@dataclass(frozen=True, slots=True)
class ActionFact:
    """A task agreed for a child or family.

    - `kind`: what it addresses (`ActionKind`); `summary` says it in words.
    - `concern_ids`: the concerns it answers.
    - `created_at` / `recorded_at`: when agreed / when written.
    - `due`: when it should be done; `done_at`: when it was recorded done (hidden before then).
    """

    id: str
    pupil_id: str
    kind: ActionKind
    created_at: datetime
    recorded_at: datetime
    summary: str = ""
    concern_ids: frozenset[str] = frozenset()
    due: date | None = None
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AttendanceDayFact:
    """One school day's register for a child, summarised by statistical treatment.

    Sessions are counted after the attendance app has mapped each mark's code to its treatment
    (attendance.md §2-§3): `possible` sessions (0-2), `attended` (present + approved educational
    activity), `authorised`, `unauthorised`; `unexplained` is the unauthorised sessions whose code
    says no reason is known (`N`, `O`: attendance.md §6 "first unexplained absence (N/O)"), and
    `late` the sessions marked late (`L` before the register closed, `U` after: attendance.md §2).
    `recorded_at` is when the marks were taken or imported. Period summaries and runs are computed
    from these days by `patterns.detectors.attendance`.
    """

    pupil_id: str
    day: date
    recorded_at: datetime
    possible: int = 2
    attended: int = 2
    authorised: int = 0
    unauthorised: int = 0
    unexplained: int = 0
    late: int = 0


@dataclass(frozen=True, slots=True)
class RollFact:
    """A period on a school's roll (pupils.Enrolment). `end_date`/`end_reason` say how it ended;
    `recorded_at` is when the ending was written (an enrolment still open has end_date None)."""

    id: str
    pupil_id: str
    school_id: str
    start_date: date
    recorded_at: datetime
    end_date: date | None = None
    end_reason: LeavingReason | None = None


@dataclass(frozen=True, slots=True)
class VoiceFact:
    """The child's own words recorded on `heard_at` (records-and-access.md §11, "Voice of the
    child": verbatim words, who asked, setting). `words` is everything the child said, as in
    force at the cut (an amendment written later is not yet known); `themes` what the person
    recording ticked that the child spoke about (see `ConcernFact.themes`)."""

    id: str
    pupil_id: str
    heard_at: datetime
    recorded_at: datetime
    words: str = ""
    themes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CadenceFact:
    """How often a vulnerable child's voice should be heard, from `effective_from`.

    `days` is the interval the DSL set; `status` the reason (e.g. `cp`, `cin`, `early_help`,
    `looked_after`). A later cadence replaces an earlier one; `days` None ends the cadence.
    """

    id: str
    pupil_id: str
    effective_from: date
    recorded_at: datetime
    days: int | None
    status: str = ""


@dataclass(frozen=True, slots=True)
class HouseholdFactorFact:
    """A household factor recorded for a household: an adult's difficulty that touches every child
    in it (national-reviews.md §4, "The trio of vulnerabilities" [V SecEd]).

    - `indicator`: the indicator slug (`domestic_abuse_household`, `parental_mental_health`,
      `parental_substance_misuse`, ...), from `cin_code` through `patterns/data/indicators.json`.
    - `cin_code`: the CIN assessment factor code as recorded (e.g. `3B`), cin-codes.md §1 [V].
    - `source_kind`: where it came from (`household`, `encompass` for an Operation Encompass
      notification (records-and-access.md §8), `concern`).
    - `noted_at` / `recorded_at`: when it became known / when written.
    """

    id: str
    household_id: str
    indicator: str
    noted_at: datetime
    recorded_at: datetime
    cin_code: str = ""
    source_kind: str = "household"


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


@dataclass(frozen=True, slots=True)
class FactWindow:
    """What one detector run reads: records from `start` (the look-back) up to the cut `end`
    (the end of `as_of` at the school), each as it stood at the cut."""

    as_of: date
    start: date
    end: datetime


@dataclass(slots=True)
class FactParts:
    """What one record app knows about one child, for the detectors: the `PupilFacts` fields it
    fills. The pattern engine's loader puts every app's parts together (`patterns.db_loader`)."""

    concerns: list[ConcernFact] = field(default_factory=list)
    decisions: list[DecisionFact] = field(default_factory=list)
    actions: list[ActionFact] = field(default_factory=list)
    attendance: list[AttendanceDayFact] = field(default_factory=list)
    voice: list[VoiceFact] = field(default_factory=list)
    cadences: list[CadenceFact] = field(default_factory=list)
    factors: list[HouseholdFactorFact] = field(default_factory=list)
    history: list[DecisionFact] = field(default_factory=list)
    contacts: list[ContactFact] = field(default_factory=list)
    plans: list[PlanFact] = field(default_factory=list)
    meetings: list[MeetingFact] = field(default_factory=list)
    escalation_stages: list[EscalationStageFact] = field(default_factory=list)
    leavings: list[LeavingFact] = field(default_factory=list)
    absences: list[AbsenceFact] = field(default_factory=list)
    household_children: list[HouseholdChildFact] = field(default_factory=list)
    engagement: list[EngagementFact] = field(default_factory=list)
    notes: list[NoteFact] = field(default_factory=list)


class FactsFor(Protocol):
    """A record app's fact source (`settings.PATTERN_FACT_SOURCES`): for the children given (their
    identity, school and roll already known, as `PupilFacts` with no records), the app's facts
    over the window, by pupil id. A fixed number of queries, whatever the number of children."""

    def __call__(
        self, *, pupils: Mapping[str, PupilFacts], window: FactWindow
    ) -> Mapping[str, FactParts]: ...
