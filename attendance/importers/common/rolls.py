"""What every attendance importer reads against: problems, each school's roll, a week of marks
encoded for storage, and weeks gathered from sessions."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.db import connection

from attendance.codes import NO_MARK, SESSIONS_PER_WEEK, CodeMap, UnknownCodeError
from attendance.models import AttendanceWeek, CodeMapping
from audit.bounds import quoted
from pupils.models import Enrolment, FormerUPN
from schools.models import School

MAX_PROBLEMS = 25
SESSION_NAMES = ("AM", "PM")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

FRIDAY = timedelta(days=4)  # from a week's Monday


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # "row 14", "Pupil 3 (UPN …)"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class AttendanceImportError(Exception):
    """The file was refused; nothing was written. `problems` names each row and field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


class RowError(Exception):
    """One row's problem, raised inside a parser and collected by it."""


def session_label(week_start: date, index: int) -> str:
    day = week_start + timedelta(days=index // 2)
    return f"{day.isoformat()} {SESSION_NAMES[index % 2]}"


@dataclass
class SchoolRoll:
    """One school's pupils as an importer needs them: UPN → pupil, and enrolment spans."""

    school: School
    pupil_by_upn: dict[str, Any]
    spans: dict[Any, list[tuple[date, date | None]]]
    codes: CodeMap
    encoded: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    # pupil → [(first day, last Monday whose whole week is inside)] (see `check_enrolled`)
    _whole_weeks: dict[Any, list[tuple[date, date | None]]] = field(default_factory=dict)
    # The school's id, one object for every row (grouping rows compares it by identity).
    school_id: UUID = field(init=False)

    def __post_init__(self) -> None:
        self.school_id = self.school.pk

    @classmethod
    def load(cls, school: School) -> "SchoolRoll":
        return cls.load_many([school])[school.pk]

    @classmethod
    def load_many(cls, schools: list[School]) -> dict[UUID, "SchoolRoll"]:
        """The rolls of `schools`, read in one query per table whatever their number."""
        # Pupils are keyed by their database value as text (32 hex digits on SQLite, the
        # uuid's text on PostgreSQL) so that rows are written without converting an id per row.
        prep = AttendanceWeek._meta.get_field("pupil").get_db_prep_value
        ids = [school.pk for school in schools]
        pupil_by_upn: dict[UUID, dict[str, Any]] = {pk: {} for pk in ids}
        spans: dict[UUID, dict[Any, list[tuple[date, date | None]]]] = {pk: {} for pk in ids}
        schools_of: dict[UUID, set[UUID]] = {}
        rows = (
            Enrolment.objects.filter(school_id__in=ids)
            .order_by()
            .values_list("school_id", "pupil_id", "pupil__upn", "start_date", "end_date")
        )
        by_uuid: dict[UUID, Any] = {}
        for school_id, pupil_id, upn, start, end in rows:
            key = by_uuid.setdefault(pupil_id, str(prep(pupil_id, connection)))
            pupil_by_upn[school_id][upn] = key
            spans[school_id].setdefault(key, []).append((start, end))
            schools_of.setdefault(pupil_id, set()).add(school_id)
        former = FormerUPN.objects.filter(
            pupil_id__in=Enrolment.objects.filter(school_id__in=ids).values("pupil_id")
        ).order_by()
        for upn, pupil_id in former.values_list("upn", "pupil_id"):
            for school_id in schools_of.get(pupil_id, ()):
                pupil_by_upn[school_id].setdefault(upn, by_uuid[pupil_id])
        # Only equivalents in force: a withdrawn one no longer reads anything.
        mappings: dict[UUID, dict[str, str]] = {pk: {} for pk in ids}
        for school_id, raw_code, statutory in (
            CodeMapping.objects.in_force()
            .filter(school_id__in=ids)
            .order_by()
            .values_list("school_id", "raw_code", "statutory_code")
        ):
            mappings[school_id][raw_code] = statutory
        return {
            school.pk: cls(
                school=school,
                pupil_by_upn=pupil_by_upn[school.pk],
                spans=spans[school.pk],
                codes=CodeMap.build(mappings[school.pk]),
            )
            for school in schools
        }

    def pupil(self, upn: str) -> Any:
        """The pupil's id as the database stores it."""
        pupil_id = self.pupil_by_upn.get(upn)
        if pupil_id is None:
            pupil_id = self.pupil_by_upn.get(upn.strip().upper())
        if pupil_id is None:
            raise RowError(f"no pupil with UPN {quoted(upn)} on the roll of {self.school.name}")
        return pupil_id

    def check_enrolled(self, pupil_id: Any, week_start: date, storage: str) -> None:
        """Every marked session must fall inside an enrolment at this school."""
        spans = self.spans[pupil_id]
        # Nearly always the whole week lies inside one enrolment: compared on the Monday alone
        # (an enrolment's last Monday that still has its Friday inside), with no date built.
        weeks = self._whole_weeks.get(pupil_id)
        if weeks is None:
            weeks = self._whole_weeks[pupil_id] = [
                (start, None if end is None else end - FRIDAY) for start, end in spans
            ]
        for start, last_monday in weeks:
            if start <= week_start and (last_monday is None or week_start <= last_monday):
                return
        for index, char in enumerate(storage):
            if char == NO_MARK:
                continue
            day = week_start + timedelta(days=index // 2)
            if not any(s <= day and (e is None or day <= e) for s, e in self.spans[pupil_id]):
                raise RowError(
                    f"a mark on {day.isoformat()} falls outside the pupil's enrolment at "
                    f"{self.school.name}"
                )

    def encode(self, tokens: list[str], week_start: date) -> tuple[str, str]:
        """(storage characters, raw tokens or '') for ten raw tokens starting `week_start`."""
        storage = []
        differs = False
        for index, token in enumerate(tokens):
            code = self.codes.resolve(token)
            if code is None:
                storage.append(NO_MARK)
                continue
            if code.retired_on is not None:
                day = week_start + timedelta(days=index // 2)
                if not code.usable_on(day):
                    raise RowError(
                        f"code {quoted(token)} ({code.code}) was retired on "
                        f"{code.retired_on:%-d %B %Y} but is used for "
                        f"{session_label(week_start, index)}; map it to a 2024 code "
                        f"(replaced by {code.replaced_by})"
                    )
            storage.append(code.storage_char)
            differs = differs or token != code.code
        return "".join(storage), (" ".join(tokens) if differs else "")

    def encode_week_string(self, marks: str, week_start: date) -> tuple[str, str]:
        """Encode a week's mark string, caching by string (registers repeat a great deal)."""
        cached = self.encoded.get(marks)
        if cached is None:
            try:
                tokens = self.codes.tokenise(marks)
            except UnknownCodeError as exc:
                raise RowError(
                    f"unknown code {quoted(exc.token)} in marks {quoted(marks)}"
                ) from None
            if len(tokens) != SESSIONS_PER_WEEK:
                raise RowError(
                    f"marks {quoted(marks)} hold {len(tokens)} sessions; a week needs "
                    f"{SESSIONS_PER_WEEK} (Monday AM to Friday PM, '{NO_MARK}' where no mark)"
                )
            storage, raw = self.encode(tokens, week_start)
            # A retired code's validity depends on the date, so only date-free strings are kept.
            if not any((c := self.codes.resolve(t)) is not None and c.retired for t in tokens):
                self.encoded[marks] = (storage, raw, False)
            return storage, raw
        return cached[0], cached[1]


class Rolls:
    """Schools and their rolls, loaded when first needed; limited to `allowed_school_ids`."""

    def __init__(self, *, default_school: School | None, allowed_school_ids: set[UUID] | None):
        self.default_school = default_school
        self.allowed = allowed_school_ids
        self._rolls: dict[UUID, SchoolRoll] = {}
        self._by_urn: dict[str, School | None] = {}
        self._roll_by_urn: dict[str, SchoolRoll] = {}
        self._by_dfe: dict[tuple[str, str], School | None] = {}
        self._prefetched = False

    def roll(self, school: School) -> SchoolRoll:
        if self.allowed is not None and school.pk not in self.allowed:
            raise RowError(f"you may not import registers for {school.name}")
        if school.pk not in self._rolls:
            if self._rolls and not self._prefetched and school.trust_id is not None:
                self._prefetch_trust(school.trust_id)
            if school.pk not in self._rolls:
                self._rolls[school.pk] = SchoolRoll.load(school)
        return self._rolls[school.pk]

    def _prefetch_trust(self, trust_id: UUID) -> None:
        """A second school in one file: the file is a trust's, so read the rolls of the
        trust's other schools (those this import may write) together, now. Read one at a
        time as each first appears, every read would wait for the rows being written."""
        self._prefetched = True
        schools = School.objects.filter(trust_id=trust_id).exclude(pk__in=list(self._rolls))
        if self.allowed is not None:
            schools = schools.filter(pk__in=self.allowed)
        chosen = list(schools)
        for school in chosen:
            self._by_urn.setdefault(school.urn, school)
        self._rolls.update(SchoolRoll.load_many(chosen))

    def by_urn(self, urn: str) -> SchoolRoll:
        roll = self._roll_by_urn.get(urn)
        if roll is None:
            roll = self._by_urn_uncached(urn)
            self._roll_by_urn[urn] = roll
        return roll

    def _by_urn_uncached(self, urn: str) -> SchoolRoll:
        urn = urn.strip()
        if not urn:
            if self.default_school is None:
                raise RowError("no school: give a urn column or choose the school")
            return self.roll(self.default_school)
        if urn not in self._by_urn:
            self._by_urn[urn] = School.objects.filter(urn=urn).first()
        school = self._by_urn[urn]
        if school is None:
            raise RowError(f"no school with URN {quoted(urn)} in Cairn")
        return self.roll(school)

    def by_dfe_number(self, la_code: str, establishment: str) -> School | None:
        key = (la_code.strip(), establishment.strip())
        if key not in self._by_dfe:
            self._by_dfe[key] = School.objects.filter(
                la_code=key[0], establishment_number=key[1]
            ).first()
        return self._by_dfe[key]

    @property
    def loaded(self) -> dict[UUID, SchoolRoll]:
        return self._rolls


class WeekRecord(NamedTuple):
    school_id: UUID
    pupil_id: Any  # the database value of the pupil's id (see SchoolRoll.load)
    week_start: date
    marks: str
    raw_marks: str = ""
    minutes_late: str = ""


SessionKey = tuple[UUID, Any, date]  # (school, pupil id as the database writes it, Monday)


@dataclass
class SessionWeek:
    """A week being gathered from per-session rows: tokens, minutes late, its first row."""

    tokens: list[str]
    late: list[str]
    first_row: str


def weeks_from_sessions(
    sessions: dict[SessionKey, SessionWeek], rolls: dict[UUID, SchoolRoll]
) -> Iterator[tuple[str, WeekRecord | RowError]]:
    """Week records from per-session tokens gathered by (school, pupil, Monday)."""
    for (school_id, pupil_id, monday), week in sessions.items():
        roll = rolls[school_id]
        try:
            storage, raw = roll.encode(week.tokens, monday)
            roll.check_enrolled(pupil_id, monday, storage)
        except RowError as problem:
            yield week.first_row, problem
            continue
        yield (
            week.first_row,
            WeekRecord(
                school_id=school_id,
                pupil_id=pupil_id,
                week_start=monday,
                marks=storage,
                raw_marks=raw,
                minutes_late=",".join(week.late) if any(week.late) else "",
            ),
        )
