"""The facts about a child's own records: concerns, decisions, actions, attendance days, roll
periods, the child's voice, check-in cadences and household or known factors. Each carries when
it happened and when it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sources.facts.kinds import ActionKind, DecisionKind, LeavingReason, Part


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
