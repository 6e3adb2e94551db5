"""Facts from the database: selectors over the pupils, concerns, attendance, voice and factors
apps.

`DatabaseFacts(...).source()` is the engine's `FactSource` for real records (the JSON Lines loader
in `patterns.loaders` is the other one; it stays free of Django so `make evaluate` needs no
database). It only reads. Children are loaded in chunks of `CHUNK` with a fixed number of queries
per chunk (about twenty, whatever the chunk's size): never a query per child.

"As of" (docs/adr/0006): the engine hides whatever had not happened *and* been written by the end
of the day asked for; the loader gives it both moments for every record from the models' own
fields (`occurred_at`/`written_at`, `decided_at`/`written_at`, `recorded_at`, `created_at`,
`set_at`). Where an amendment is written later, the loader picks what was in force at the cut: a
concern's categories come from its latest version written by then, a decision superseded after
the cut is still in force before it, and a referral's outcome carries when it was written.

Mappings are data: concern categories to indicators through `patterns/data/indicators.json`;
register marks through the attendance app's code table (`attendance.codes.code_table`, a mark's
statistical treatment; attendance.md §2-§3 [V]) and its late codes setting
(`CAIRN_ATTENDANCE_LATE_CODES`, `L` and `U`: attendance.md §6). "Unexplained" absence is every
unauthorised mark (`G N O U`), as the attendance app's `unexplained_runs` counts it (attendance.md
§2 "unauthorised (G N O U)" [V]; §6 first unexplained absence).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q

from attendance.codes import NO_MARK, Treatment, code_table
from attendance.models import AttendanceAmendment, AttendanceWeek
from concerns.models import (
    Action,
    BehaviourIncident,
    BodyMark,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Outcome,
    ReferralOutcome,
)
from concerns.models import Part as ConcernPart
from factors.codes import CodeGroup, recordable_codes
from factors.models import KnownFactor
from patterns.engine import FactSource, cutoff
from patterns.facts import (
    SCHOOL_TZ,
    ActionFact,
    ActionKind,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    DecisionKind,
    HouseholdFactorFact,
    HouseholdFacts,
    LeavingReason,
    Part,
    PupilFacts,
    RollFact,
    VoiceFact,
)
from patterns.indicators import action_kind_for, indicator_for_cin, indicators_for
from pupils.models import Enrolment, HouseholdMember, Pupil, Relationship
from voice.models import (
    CheckInSchedule,
    SupportLevel,
    SupportStatus,
    VoiceEntryVersion,
    VoiceSettings,
)

CHUNK = 500
# How far back records are read for a run: the longest detector window (a year of closures and
# referrals, casework.py) plus room for a review date or cadence set before it.
LOOKBACK_DAYS = 400
# Indicator keys in indicators.json for records that are not concerns (see its "records" source).
BODY_MAP = "body_map"
BEHAVIOUR = "behaviour_incident"
ENCOMPASS = "operation_encompass"
# A factor the safeguarding team recorded (factors app): the evidence kind is "factor:known".
KNOWN_FACTOR = "known"

_PARTS: dict[str, Part] = {
    ConcernPart.SUBJECT: Part.SUBJECT,
    ConcernPart.INVOLVED: Part.OTHER,
    ConcernPart.WITNESS: Part.WITNESS,
}
# The concerns app's decision outcomes as the detectors' decision kinds. A referral to children's
# social care is the referral whose outcome the school chases (records-and-access.md §2).
_KINDS: dict[str, DecisionKind] = {
    Outcome.NO_FURTHER_ACTION: DecisionKind.NFA,
    Outcome.MONITOR: DecisionKind.MONITOR,
    Outcome.EARLY_HELP: DecisionKind.EARLY_HELP,
    Outcome.SOCIAL_CARE: DecisionKind.REFERRAL,
    Outcome.POLICE: DecisionKind.POLICE,
    Outcome.LADO: DecisionKind.LADO,
    Outcome.PREVENT: DecisionKind.PREVENT,
    Outcome.OTHER_AGENCY: DecisionKind.OTHER,
}
_LEAVING = {reason.value: reason for reason in LeavingReason}
# The fields of a voice entry that hold the child's own words (voice.models.VoiceEntryVersion).
_VOICE_WORDS = (
    "words",
    "typical_morning",
    "food",
    "sleep",
    "who_looks_after_me",
    "who_i_talk_to",
    "worries",
    "wishes",
)


@dataclasses.dataclass(frozen=True, slots=True)
class _Mark:
    possible: bool
    attended: bool
    authorised: bool
    unauthorised: bool
    late: bool


@cache
def _marks() -> dict[str, _Mark]:
    """Each storage character's meaning, from the attendance app's code table and late codes."""
    late_codes = set(settings.CAIRN_ATTENDANCE_LATE_CODES)
    table: dict[str, _Mark] = {}
    for char, code in code_table().by_storage.items():
        # A retired code's marks all date from before it was retired.
        day = code.retired_on - timedelta(days=1) if code.retired_on else date.max
        treatment = code.treatment_on(day)
        table[char] = _Mark(
            possible=treatment != Treatment.NOT_COUNTED,
            attended=treatment in (Treatment.PRESENT, Treatment.AEA),
            authorised=treatment == Treatment.AUTHORISED,
            unauthorised=treatment == Treatment.UNAUTHORISED,
            late=code.code in late_codes,
        )
    return table


def attendance_days(
    pupil_id: str, week_start: date, marks: str, recorded_at: datetime
) -> list[AttendanceDayFact]:
    """One week row's sessions as day facts (Monday to Friday; days with no mark left out)."""
    table = _marks()
    days = []
    for offset in range(5):
        sessions = [table[c] for c in marks[2 * offset : 2 * offset + 2] if c != NO_MARK]
        if not sessions:
            continue
        unauthorised = sum(s.unauthorised for s in sessions if s.possible)
        days.append(
            AttendanceDayFact(
                pupil_id=pupil_id,
                day=week_start + timedelta(days=offset),
                recorded_at=recorded_at,
                possible=sum(s.possible for s in sessions),
                attended=sum(s.attended for s in sessions if s.possible),
                authorised=sum(s.authorised for s in sessions if s.possible),
                unauthorised=unauthorised,
                unexplained=unauthorised,
                late=sum(s.late for s in sessions),
            )
        )
    return days


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), SCHOOL_TZ)


class DatabaseFacts:
    """The database as a fact source for one run as of `as_of`.

    `school_ids` limits a batch run (`pupils(None, ...)`) to children on those schools' rolls
    (None: every child on any roll). The children of the last call are kept, so a child loaded
    for a run is not loaded again for their household.
    """

    def __init__(self, *, as_of: date, school_ids: Collection[str] | None = None) -> None:
        self.as_of = as_of
        self.school_ids = None if school_ids is None else sorted(school_ids)
        self.end = cutoff(as_of)
        self.start = as_of - timedelta(days=LOOKBACK_DAYS)
        self._pupils: dict[str, PupilFacts] = {}
        # Household memberships as of the cut, once read: each child's households, and the
        # children of each household whose members were all read.
        self._households_of: dict[str, set[str]] = {}
        self._members_of: dict[str, set[str]] = {}
        self._complete: set[str] = set()
        # Each loaded child's recorded factors about the household, for their households.
        self._household_factors: dict[str, list[HouseholdFactorFact]] = {}
        self.queries_by_chunk: list[int] = []

    def source(self) -> FactSource:
        return FactSource(pupils=self.load_pupils, households=self.load_households)

    # ---- which children -------------------------------------------------------------------

    def pupil_ids(self) -> list[str]:
        """Every child on a roll (of the schools asked for) on the as-of date, as ids."""
        rolls = Enrolment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=self.start), start_date__lte=self.as_of
        )
        if self.school_ids is not None:
            rolls = rolls.filter(school_id__in=self.school_ids)
        return sorted({str(p) for p in rolls.values_list("pupil_id", flat=True)})

    def load_pupils(self, pupil_ids: Collection[str] | None, as_of: date) -> list[PupilFacts]:
        """The children asked for (None: see `pupil_ids`), as they stood at `as_of`."""
        if as_of != self.as_of:
            raise ValueError(f"this source loads facts as of {self.as_of}, not {as_of}")
        wanted = self.pupil_ids() if pupil_ids is None else sorted(set(pupil_ids))
        missing = [pid for pid in wanted if pid not in self._pupils]
        loaded = {pid: self._pupils[pid] for pid in wanted if pid in self._pupils}
        if missing and len(missing) <= CHUNK:
            # The engine asks for these children's households next: load the other children of
            # those households in the same pass (one query here saves a second round).
            self._know_memberships(missing, self._memberships(pupil_id__in=missing))
            households = sorted({h for p in missing for h in self._households_of[p]})
            if households:
                # Every membership of every member of those households, in one query.
                members = HouseholdMember.objects.filter(household_id__in=households)
                rows = self._memberships(pupil_id__in=members.values("pupil_id"))
                self._know_memberships({p for _, p in rows}, rows)
                self._complete.update(households)
                siblings = {p for h in households for p in self._members_of.get(h, ())}
                missing = sorted(set(missing) | (siblings - set(self._pupils)))
        for i in range(0, len(missing), CHUNK):
            for facts in self._load_chunk(missing[i : i + CHUNK]):
                loaded[facts.pupil_id] = facts
        # Keep only the last call's children: the engine asks for a chunk, then for its
        # households (whose children are mostly the same), so memory stays one chunk deep.
        self._pupils = loaded
        return [loaded[pid] for pid in wanted if pid in loaded]

    def load_households(self, household_ids: Collection[str], as_of: date) -> list[HouseholdFacts]:
        """The households asked for: their member children (at any school) and adult count."""
        wanted = sorted(set(household_ids))
        if not wanted:
            return []
        members: dict[str, set[str]] = defaultdict(set)
        if all(h in self._complete for h in wanted):
            members.update({h: self._members_of[h] for h in wanted if self._members_of.get(h)})
        else:
            for household_id, pupil_id in self._memberships(household_id__in=wanted):
                members[household_id].add(pupil_id)
        children = {p.pupil_id: p for p in self.load_pupils(set().union(*members.values()), as_of)}
        adults = self._adult_counts(members)
        return [
            HouseholdFacts(
                household_id=household_id,
                children=tuple(children[p] for p in sorted(members[household_id]) if p in children),
                factors=tuple(
                    dataclasses.replace(f, household_id=household_id)
                    for p in sorted(members[household_id])
                    if p in children
                    for f in self._household_factors.get(p, ())
                ),
                adult_count=adults.get(household_id, 0),
            )
            for household_id in wanted
            if household_id in members
        ]

    # ---- one chunk ------------------------------------------------------------------------

    def _know_memberships(self, pupil_ids: Iterable[str], rows: list[tuple[str, str]]) -> None:
        """Remember the memberships of `pupil_ids`, given every row of theirs (`rows`)."""
        for pid in pupil_ids:
            self._households_of[pid] = set()
        for household_id, pupil_id in rows:
            self._households_of[pupil_id].add(household_id)
            self._members_of.setdefault(household_id, set()).add(pupil_id)

    def _memberships(self, **lookup: Any) -> list[tuple[str, str]]:
        rows = HouseholdMember.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=self.as_of),
            joined_on__lte=self.as_of,
            recorded_at__lt=self.end,
            **lookup,
        ).values_list("household_id", "pupil_id")
        return [(str(h), str(p)) for h, p in rows]

    def _adult_counts(self, members: dict[str, set[str]]) -> dict[str, int]:
        """Distinct adults living with any child of each household (by name: each school's
        import has its own Person rows, ADR 0009 consequence 1)."""
        household_of: dict[str, list[str]] = defaultdict(list)
        for household_id, pupils in members.items():
            for pupil_id in pupils:
                household_of[pupil_id].append(household_id)
        rows = Relationship.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=self.as_of),
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.as_of),
            pupil_id__in=list(household_of),
            lives_with_pupil=True,
            person__is_adult=True,
            recorded_at__lt=self.end,
        ).values_list("pupil_id", "person__forename", "person__surname")
        names: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for child, forename, surname in rows:
            for household_id in household_of[str(child)]:
                names[household_id].add((forename.strip().lower(), surname.strip().lower()))
        return {household_id: len(found) for household_id, found in names.items()}

    def _load_chunk(self, pupil_ids: Sequence[str]) -> list[PupilFacts]:
        pupils = {
            str(p["id"]): p
            for p in Pupil.objects.filter(pk__in=pupil_ids).values(
                "id", "upn", "date_of_birth", "disability", "disadvantaged", "free_school_meals"
            )
        }
        roll = self._roll(pupils)
        school_of, trust_of = self._schools(pupils)
        unknown = [pid for pid in pupils if pid not in self._households_of]
        if unknown:
            self._know_memberships(unknown, self._memberships(pupil_id__in=unknown))
        households = self._households_of
        concerns = self._concerns(pupils)
        decisions, actions = self._casework(pupils)
        history = self._history(pupils)
        attendance = self._attendance(pupils)
        voice = self._voice(pupils)
        cadences = self._cadences(pupils, school_of)
        self._household_factors.update(self._known_factors(pupils))
        facts = []
        for pid, row in pupils.items():
            if pid not in school_of:
                continue  # never on a roll: no school's DSL to prompt
            facts.append(
                PupilFacts(
                    pupil_id=pid,
                    upn=row["upn"],
                    school_id=school_of[pid],
                    trust_id=trust_of.get(pid),
                    date_of_birth=row["date_of_birth"],
                    disability=row["disability"],
                    disadvantaged=row["disadvantaged"],
                    free_school_meals=row["free_school_meals"],
                    household_ids=frozenset(households[pid]),
                    concerns=tuple(concerns[pid]),
                    decisions=tuple(decisions[pid]),
                    actions=tuple(actions[pid]),
                    attendance=tuple(attendance[pid]),
                    roll=tuple(roll[pid]),
                    voice=tuple(voice[pid]),
                    cadences=tuple(cadences[pid]),
                    factors=tuple(self._household_factors.get(pid, ())),
                    history=tuple(history[pid]),
                )
            )
        return facts

    def _roll(self, pupils: dict[str, Any]) -> dict[str, list[RollFact]]:
        """Periods on a roll. An enrolment has no written-at for its ending: the end date is
        taken as when it was written (as the JSON loader does)."""
        self._enrolments = list(
            Enrolment.objects.filter(pupil_id__in=list(pupils))
            .order_by("start_date", "id")
            .values(
                "id",
                "pupil_id",
                "school_id",
                "school__trust_id",
                "start_date",
                "end_date",
                "end_reason",
            )
        )
        roll: dict[str, list[RollFact]] = defaultdict(list)
        for e in self._enrolments:
            end = e["end_date"]
            roll[str(e["pupil_id"])].append(
                RollFact(
                    id=str(e["id"]),
                    pupil_id=str(e["pupil_id"]),
                    school_id=str(e["school_id"]),
                    start_date=e["start_date"],
                    recorded_at=_at_nine(end or e["start_date"]),
                    end_date=end,
                    end_reason=_LEAVING.get(e["end_reason"], LeavingReason.OTHER) if end else None,
                )
            )
        return roll

    def _schools(self, pupils: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
        """The school whose DSL is prompted: the roll the child is on at the as-of date, else
        the one they were last on (a child who left while records were open)."""
        school_of: dict[str, str] = {}
        trust_of: dict[str, str] = {}
        ranked = sorted(
            (e for e in self._enrolments if e["start_date"] <= self.as_of),
            key=lambda e: (
                e["end_date"] is None or e["end_date"] >= self.as_of,
                e["end_date"] or date.max,
                e["start_date"],
            ),
        )
        for e in ranked:  # the best last
            pid = str(e["pupil_id"])
            school_of[pid] = str(e["school_id"])
            if e["school__trust_id"] is not None:
                trust_of[pid] = str(e["school__trust_id"])
            else:
                trust_of.pop(pid, None)
        return school_of, trust_of

    def _concerns(self, pupils: dict[str, Any]) -> dict[str, list[ConcernFact]]:
        parts = list(
            ConcernPupil.objects.filter(
                pupil_id__in=list(pupils),
                concern__occurred_at__gte=_at_nine(self.start),
                concern__occurred_at__lt=self.end,
                concern__written_at__lt=self.end,
            ).values(
                "pupil_id",
                "part",
                "concern_id",
                "concern__occurred_at",
                "concern__written_at",
                "concern__recorded_by_id",
                "concern__author_name",
                "concern__author_role",
            )
        )
        concern_ids = sorted({p["concern_id"] for p in parts})
        self._concern_parts = parts
        # The categories and words of each concern's latest version written by the cut: an
        # amendment written later was not known on the day.
        versions: dict[Any, tuple[int, int]] = {}
        words: dict[Any, tuple[str, str]] = {}
        for vid, cid, number, text, child_words in ConcernVersion.objects.filter(
            concern_id__in=concern_ids, written_at__lt=self.end
        ).values_list("id", "concern_id", "number", "facts", "child_words"):
            if cid not in versions or number > versions[cid][1]:
                versions[cid] = (vid, number)
                words[cid] = (text, child_words)
        codes: dict[Any, set[str]] = defaultdict(set)
        through = ConcernVersion.categories.through
        latest = {vid: cid for cid, (vid, _) in versions.items()}
        for vid, code in through.objects.filter(concernversion_id__in=list(latest)).values_list(
            "concernversion_id", "category__code"
        ):
            codes[latest[vid]].add(code)
        regions: dict[Any, set[str]] = defaultdict(set)
        for cid, region in BodyMark.objects.filter(concern_id__in=concern_ids).values_list(
            "concern_id", "region"
        ):
            regions[cid].add(region)
        found: dict[str, list[ConcernFact]] = defaultdict(list)
        for p in parts:
            cid = p["concern_id"]
            categories = frozenset(codes[cid]) | ({BODY_MAP} if cid in regions else frozenset())
            author = p["concern__recorded_by_id"]
            text, child_words = words.get(cid, ("", ""))
            found[str(p["pupil_id"])].append(
                ConcernFact(
                    id=str(cid),
                    pupil_id=str(p["pupil_id"]),
                    occurred_at=p["concern__occurred_at"],
                    recorded_at=p["concern__written_at"],
                    author_id=str(author) if author else f"name:{p['concern__author_name']}",
                    author_role=p["concern__author_role"] or "staff",
                    part=_PARTS.get(p["part"], Part.OTHER),
                    categories=categories,
                    indicators=indicators_for(categories),
                    text=text,
                    child_words=child_words,
                    body_regions=frozenset(regions.get(cid, ())),
                )
            )
        behaviour = BehaviourIncident.objects.filter(
            pupil_id__in=list(pupils),
            occurred_at__gte=_at_nine(self.start),
            occurred_at__lt=self.end,
            recorded_at__lt=self.end,
        ).values("id", "pupil_id", "occurred_at", "recorded_at", "recorded_by_id", "author_name")
        for b in behaviour:
            found[str(b["pupil_id"])].append(
                self._record_fact(b, b["pupil_id"], BEHAVIOUR, "behaviour", b["author_name"])
            )
        through_e = EncompassNotification.pupils.through
        encompass = through_e.objects.filter(
            pupil_id__in=list(pupils),
            encompassnotification__occurred_at__gte=_at_nine(self.start),
            encompassnotification__occurred_at__lt=self.end,
            encompassnotification__recorded_at__lt=self.end,
        ).values(
            "pupil_id",
            "encompassnotification_id",
            "encompassnotification__occurred_at",
            "encompassnotification__recorded_at",
            "encompassnotification__recorded_by_id",
        )
        for e in encompass:
            row = {
                "id": e["encompassnotification_id"],
                "occurred_at": e["encompassnotification__occurred_at"],
                "recorded_at": e["encompassnotification__recorded_at"],
                "recorded_by_id": e["encompassnotification__recorded_by_id"],
            }
            found[str(e["pupil_id"])].append(
                self._record_fact(row, e["pupil_id"], ENCOMPASS, "encompass", "police")
            )
        return found

    @staticmethod
    def _record_fact(
        row: Mapping[str, Any], pupil_id: Any, key: str, kind: str, name: str
    ) -> ConcernFact:
        author = row["recorded_by_id"]
        categories = frozenset({key})
        return ConcernFact(
            id=str(row["id"]),
            pupil_id=str(pupil_id),
            occurred_at=row["occurred_at"],
            recorded_at=row["recorded_at"],
            author_id=str(author) if author else f"name:{name}",
            categories=categories,
            indicators=indicators_for(categories),
            record_kind=kind,
        )

    def _casework(
        self, pupils: dict[str, Any]
    ) -> tuple[dict[str, list[DecisionFact]], dict[str, list[ActionFact]]]:
        """Decisions and actions, for each child the concern is about (its subjects). A concern
        is the case: its decisions continue it, no further action closes it."""
        subjects: dict[Any, list[str]] = defaultdict(list)
        for p in self._concern_parts:
            if p["part"] == ConcernPart.SUBJECT:
                subjects[p["concern_id"]].append(str(p["pupil_id"]))
        concern_ids = list(subjects)
        rows = list(
            Decision.objects.filter(
                concern_id__in=concern_ids, decided_at__lt=self.end, written_at__lt=self.end
            ).values(
                "id",
                "concern_id",
                "outcome",
                "decided_at",
                "written_at",
                "decided_by_id",
                "review_date",
                "outcome_expected_by",
                "supersedes_id",
            )
        )
        superseded = {r["supersedes_id"] for r in rows if r["supersedes_id"]}
        outcomes: dict[Any, datetime] = {}
        for did, at in ReferralOutcome.objects.filter(
            decision_id__in=[r["id"] for r in rows]
        ).values_list("decision_id", "recorded_at"):
            outcomes[did] = min(at, outcomes.get(did, at))
        decisions: dict[str, list[DecisionFact]] = defaultdict(list)
        for r in rows:
            if r["id"] in superseded:
                continue  # replaced (by a decision written before the cut)
            for pid in subjects[r["concern_id"]]:
                decisions[pid].append(
                    DecisionFact(
                        id=str(r["id"]),
                        pupil_id=pid,
                        case_id=str(r["concern_id"]),
                        kind=_KINDS.get(r["outcome"], DecisionKind.OTHER),
                        decided_at=r["decided_at"],
                        recorded_at=r["written_at"],
                        author_id=str(r["decided_by_id"] or ""),
                        concern_ids=frozenset({str(r["concern_id"])}),
                        review_date=r["review_date"],
                        outcome_due=r["outcome_expected_by"],
                        outcome_recorded_at=outcomes.get(r["id"]),
                        closes_case=r["outcome"] == Outcome.NO_FURTHER_ACTION,
                    )
                )
        actions: dict[str, list[ActionFact]] = defaultdict(list)
        for a in Action.objects.filter(concern_id__in=concern_ids, created_at__lt=self.end).values(
            "id", "concern_id", "description", "due_on", "created_at", "completion__completed_at"
        ):
            kind = action_kind_for(a["description"])
            for pid in subjects[a["concern_id"]]:
                actions[pid].append(
                    ActionFact(
                        id=str(a["id"]),
                        pupil_id=pid,
                        kind=ActionKind(kind) if kind else ActionKind.OTHER,
                        created_at=a["created_at"],
                        recorded_at=a["created_at"],
                        summary=a["description"][:80],
                        concern_ids=frozenset({str(a["concern_id"])}),
                        due=a["due_on"],
                        done_at=a["completion__completed_at"],
                    )
                )
        return decisions, actions

    def _history(self, pupils: dict[str, Any]) -> dict[str, list[DecisionFact]]:
        """Decisions on concerns about the child older than the look-back (referrals and
        closures years ago): history does not expire. One query per chunk."""
        subjects: dict[Any, list[str]] = defaultdict(list)
        for pupil_id, concern_id in ConcernPupil.objects.filter(
            pupil_id__in=list(pupils),
            part=ConcernPart.SUBJECT,
            concern__occurred_at__lt=_at_nine(self.start),
        ).values_list("pupil_id", "concern_id"):
            subjects[concern_id].append(str(pupil_id))
        rows = list(
            Decision.objects.filter(
                concern_id__in=list(subjects), decided_at__lt=self.end, written_at__lt=self.end
            ).values_list(
                "id", "concern_id", "outcome", "decided_at", "written_at", "supersedes_id"
            )
        )
        superseded = {r[5] for r in rows if r[5]}
        history: dict[str, list[DecisionFact]] = defaultdict(list)
        for did, cid, outcome, decided_at, written_at, _ in rows:
            if did in superseded:
                continue
            for pid in subjects[cid]:
                history[pid].append(
                    DecisionFact(
                        id=str(did),
                        pupil_id=pid,
                        case_id=str(cid),
                        kind=_KINDS.get(outcome, DecisionKind.OTHER),
                        decided_at=decided_at,
                        recorded_at=written_at,
                        concern_ids=frozenset({str(cid)}),
                        closes_case=outcome == Outcome.NO_FURTHER_ACTION,
                    )
                )
        return history

    def _attendance(self, pupils: dict[str, Any]) -> dict[str, list[AttendanceDayFact]]:
        """Each week's marks as they stood at the cut: a week re-imported after it is read as
        its amendment history says it was before (the earliest amendment written after the cut
        holds the marks then in force, from the import that wrote them)."""
        days: dict[str, list[AttendanceDayFact]] = defaultdict(list)
        weeks = AttendanceWeek.objects.filter(
            pupil_id__in=list(pupils),
            week_start__gte=self.start - timedelta(days=6),
            week_start__lte=self.as_of,
        ).values_list("id", "pupil_id", "week_start", "marks", "recorded_at")
        later = [w for w in weeks if w[4] >= self.end]
        earlier: dict[int, tuple[str, datetime]] = {}
        if later:
            amendments = (
                AttendanceAmendment.objects.filter(
                    week_id__in=[w[0] for w in later], recorded_at__gte=self.end
                )
                .order_by("-recorded_at", "-id")
                .values_list("week_id", "previous_marks", "previous_import__imported_at")
            )
            for week_id, marks, imported_at in amendments:
                earlier[week_id] = (marks, imported_at)  # the earliest after the cut wins
        for week_id, pupil_id, week_start, current, written in weeks:
            marks, recorded_at = (
                (current, written) if written < self.end else earlier.get(week_id, ("", self.end))
            )
            if recorded_at >= self.end:
                continue  # not imported by then
            pid = str(pupil_id)
            days[pid].extend(attendance_days(pid, week_start, marks, recorded_at))
        return days

    def _voice(self, pupils: dict[str, Any]) -> dict[str, list[VoiceFact]]:
        """When each child's words were heard (the first version's date: what was known when the
        entry was written)."""
        voice: dict[str, list[VoiceFact]] = defaultdict(list)
        versions = VoiceEntryVersion.objects.filter(
            entry__pupil_id__in=list(pupils),
            entry__created_at__lt=self.end,
            written_at__lt=self.end,
        ).order_by("entry_id", "number")
        first: dict[Any, Any] = {}
        latest: dict[Any, Any] = {}
        for row in versions.values(
            "entry_id", "entry__pupil_id", "occurred_at", "entry__created_at", *_VOICE_WORDS
        ):
            first.setdefault(row["entry_id"], row)
            latest[row["entry_id"]] = row
        for entry_id, row in first.items():
            said = latest[entry_id]
            voice[str(row["entry__pupil_id"])].append(
                VoiceFact(
                    id=str(entry_id),
                    pupil_id=str(row["entry__pupil_id"]),
                    heard_at=row["occurred_at"],
                    recorded_at=row["entry__created_at"],
                    words="\n".join(said[name] for name in _VOICE_WORDS if said[name]),
                )
            )
        return voice

    def _cadences(
        self, pupils: dict[str, Any], school_of: dict[str, str]
    ) -> dict[str, list[CadenceFact]]:
        """Cadences from the voice app (ADR 0005): each status at the child's school brings its
        school's default (`VoiceSettings.cadence_for`), a status's end ends it, and a cadence
        the safeguarding team set by hand applies from the day it was set."""
        cadences: dict[str, list[CadenceFact]] = defaultdict(list)
        schools = sorted(set(school_of.values()))
        statuses = list(
            SupportStatus.objects.filter(
                pupil_id__in=list(pupils), school_id__in=schools, recorded_at__lt=self.end
            ).values("id", "pupil_id", "school_id", "level", "starts_on", "ends_on", "recorded_at")
        )
        # Each school's cadences, read only when some child has a status.
        stored = (
            {str(s.school_id): s for s in VoiceSettings.objects.filter(school_id__in=schools)}
            if statuses
            else {}
        )
        for s in statuses:
            pid, school = str(s["pupil_id"]), str(s["school_id"])
            if school_of.get(pid) != school:
                continue
            # A school that never changed its cadences has the defaults (an unsaved row).
            voice_settings = stored.get(school) or VoiceSettings(school_id=UUID(school))
            level = SupportLevel(s["level"])
            cadences[pid].append(
                CadenceFact(
                    id=str(s["id"]),
                    pupil_id=pid,
                    effective_from=s["starts_on"],
                    recorded_at=s["recorded_at"],
                    days=voice_settings.cadence_for(level),
                    status=level.value,
                )
            )
            if s["ends_on"] is not None:
                cadences[pid].append(
                    CadenceFact(
                        id=f"{s['id']}:ended",
                        pupil_id=pid,
                        effective_from=s["ends_on"],
                        recorded_at=s["recorded_at"],
                        days=None,
                        status=level.value,
                    )
                )
        schedules = CheckInSchedule.objects.filter(
            pupil_id__in=list(pupils),
            school_id__in=schools,
            cadence_days__isnull=False,
            set_at__lt=self.end,
        ).values("id", "pupil_id", "school_id", "cadence_days", "set_at")
        for c in schedules:
            pid = str(c["pupil_id"])
            if school_of.get(pid) != str(c["school_id"]):
                continue
            cadences[pid].append(
                CadenceFact(
                    id=str(c["id"]),
                    pupil_id=pid,
                    effective_from=c["set_at"].astimezone(SCHOOL_TZ).date(),
                    recorded_at=c["set_at"],
                    days=c["cadence_days"],
                    status="set by the safeguarding team",
                )
            )
        return cadences

    def _known_factors(self, pupils: dict[str, Any]) -> dict[str, list[HouseholdFactorFact]]:
        """Factors the safeguarding team recorded about each child's household (factors app):
        the codes about the parent(s) or carer(s) or another person in the household, and
        domestic abuse of which the child is the subject (3A), that map to an indicator
        (`patterns/data/indicators.json` "cin_factors": 3A, 3B, 3C, 4B, 1B, 2B). Those known by
        the as-of date and written by its end count, unless withdrawn by then (the withdrawal
        is written when it is made, so "what did we know at the time" keeps one withdrawn later).
        """
        codes = [
            code
            for code, factor in recordable_codes().items()
            if (factor.group in {CodeGroup.PARENT, CodeGroup.HOUSEHOLD} or code == "3A")
            and indicator_for_cin(code)
        ]
        rows = (
            KnownFactor.objects.filter(
                pupil_id__in=list(pupils),
                code__in=codes,
                known_from__lte=self.as_of,
                recorded_at__lt=self.end,
            )
            .exclude(withdrawal__withdrawn_at__lt=self.end)
            .values_list("id", "pupil_id", "code", "known_from", "recorded_at")
        )
        found: dict[str, list[HouseholdFactorFact]] = {pid: [] for pid in pupils}
        for factor_id, pupil_id, code, known_from, recorded_at in rows:
            indicator = indicator_for_cin(code)
            assert indicator is not None
            found[str(pupil_id)].append(
                HouseholdFactorFact(
                    id=str(factor_id),
                    household_id="",  # set per household by load_households
                    indicator=indicator,
                    noted_at=_at_nine(known_from),
                    recorded_at=recorded_at,
                    cin_code=code,
                    source_kind=KNOWN_FACTOR,
                )
            )
        return found


def database_source(*, as_of: date, school_ids: Collection[str] | None = None) -> FactSource:
    """The engine's fact source over the database, for one run as of `as_of`."""
    return DatabaseFacts(as_of=as_of, school_ids=school_ids).source()
