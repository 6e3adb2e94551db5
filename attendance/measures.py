"""Attendance measures, computed by DuckDB over the columnar copy (never row by row in Python).

Definitions: Cairn domain reference `attendance.md` §3 "Measures" and §4 "Statutory triggers".
- Possible sessions: sessions whose code counts in possible sessions [V].
- Attendance rate = (present + approved educational activity) ÷ possible [V].
- Persistent absence: missing ≥ 10% of own possible sessions — exactly 90.0% attendance *is*
  persistent absence (EES pupil absence methodology [V]); severe absence: missing ≥ 50%
  (EES "Explain severe absence" [V]). Integer comparisons, never floats (§3 Implementation).
- Unexplained absence: codes whose statistical treatment is unauthorised absence — `G N O U`
  (§2 treatment groups [V]).
- Ten continuous school days absent without permission: notify the LA (§4 [V 2006 regs;
  U unchanged in 2024] → `CAIRN_ATTENDANCE_LA_NOTIFY_DAYS`).
- Patterns (§6 candidate detectors, DSL-configurable): Monday/Friday and around-holiday
  concentration, a sudden fall against the pupil's own baseline, lateness (`L`, `U`), part-time
  timetables (`C2`). Their thresholds are Cairn's own defaults [U], all settings.
DfE measures are per enrolment: `per="enrolment"` gives one row per pupil per school, and
`per="child"` one per child across their enrolments (§3 Implementation).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal, cast
from uuid import UUID

import duckdb
from django.conf import settings

from attendance.codes import Treatment, code_table

# Treatments as small integers inside DuckDB: the order matters (≤ 3 counts as possible).
T_PRESENT, T_AEA, T_AUTHORISED, T_UNAUTHORISED, T_NOT_COUNTED = range(5)
_T_NUMBER = {
    Treatment.PRESENT: T_PRESENT,
    Treatment.AEA: T_AEA,
    Treatment.AUTHORISED: T_AUTHORISED,
    Treatment.UNAUTHORISED: T_UNAUTHORISED,
    Treatment.NOT_COUNTED: T_NOT_COUNTED,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    persistent_percent: int
    severe_percent: int
    la_notify_days: int
    pattern_min_absences: int
    pattern_ratio_percent: int
    holiday_adjacent_days: int
    recent_days: int
    baseline_drop_points: int
    late_flag_percent: int
    late_flag_min: int
    part_time_flag_weeks: int

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            persistent_percent=settings.CAIRN_ATTENDANCE_PERSISTENT_PERCENT,
            severe_percent=settings.CAIRN_ATTENDANCE_SEVERE_PERCENT,
            la_notify_days=settings.CAIRN_ATTENDANCE_LA_NOTIFY_DAYS,
            pattern_min_absences=settings.CAIRN_ATTENDANCE_PATTERN_MIN_ABSENCES,
            pattern_ratio_percent=settings.CAIRN_ATTENDANCE_PATTERN_RATIO_PERCENT,
            holiday_adjacent_days=settings.CAIRN_ATTENDANCE_HOLIDAY_ADJACENT_DAYS,
            recent_days=settings.CAIRN_ATTENDANCE_BASELINE_RECENT_DAYS,
            baseline_drop_points=settings.CAIRN_ATTENDANCE_BASELINE_DROP_POINTS,
            late_flag_percent=settings.CAIRN_ATTENDANCE_LATE_FLAG_PERCENT,
            late_flag_min=settings.CAIRN_ATTENDANCE_LATE_FLAG_MIN,
            part_time_flag_weeks=settings.CAIRN_ATTENDANCE_PART_TIME_FLAG_WEEKS,
        )


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def rolling_four_weeks(cls, as_of: date) -> "Period":
        return cls(as_of - timedelta(days=27), as_of, "Last four weeks")

    @classmethod
    def academic_year(cls, as_of: date) -> "Period":
        first = as_of.year if as_of.month >= 9 else as_of.year - 1
        return cls(date(first, 9, 1), date(first + 1, 8, 31), f"{first}/{str(first + 1)[2:]}")


@dataclass(frozen=True, slots=True)
class PupilMeasures:
    """One pupil's measures over a period (at one school, or across schools for per="child")."""

    pupil_id: UUID
    school_id: UUID | None
    possible: int
    present: int
    aea: int
    authorised: int
    unauthorised: int
    late: int
    part_time_sessions: int
    first_part_time: date | None
    last_part_time: date | None
    part_time_current: bool
    monfri_possible: int
    monfri_absent: int
    holiday_possible: int
    holiday_absent: int
    pattern_absent: int
    recent_possible: int
    recent_attended: int
    longest_run_days: int
    longest_run_start: date | None
    current_run_days: int
    first_unexplained: date | None
    thresholds: Thresholds

    @property
    def attended(self) -> int:
        return self.present + self.aea

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def rate(self) -> float | None:
        """Attendance %, for display only; flags use the integer comparisons below."""
        return round(100 * self.attended / self.possible, 1) if self.possible else None

    @property
    def persistent(self) -> bool:
        """Missing ≥ 10% of possible sessions (attendance.md §3 [V]): 100·absent ≥ 10·possible."""
        t = self.thresholds.persistent_percent
        return self.possible > 0 and 100 * self.absent >= t * self.possible

    @property
    def severe(self) -> bool:
        """Missing ≥ 50% of possible sessions (attendance.md §3 [V])."""
        t = self.thresholds.severe_percent
        return self.possible > 0 and 100 * self.absent >= t * self.possible

    @property
    def la_notify(self) -> bool:
        """A run of unexplained absence as long as the LA-notification trigger (§4 [V/U])."""
        return self.longest_run_days >= self.thresholds.la_notify_days

    def _concentrated(self, absent: int, possible: int) -> bool:
        # Share of absences in these sessions ≥ ratio × their share of possible sessions.
        t = self.thresholds
        if absent < t.pattern_min_absences or self.possible == 0:
            return False
        return (
            100 * absent * self.possible >= t.pattern_ratio_percent * possible * self.pattern_absent
        )

    @property
    def monday_friday_pattern(self) -> bool:
        """Absence falls on Mondays and Fridays more than their share of sessions (§6)."""
        return self._concentrated(self.monfri_absent, self.monfri_possible)

    @property
    def holiday_pattern(self) -> bool:
        """Absence clusters in the school days either side of holidays (§6)."""
        return self._concentrated(self.holiday_absent, self.holiday_possible)

    @property
    def baseline_possible(self) -> int:
        return self.possible - self.recent_possible

    @property
    def baseline_attended(self) -> int:
        return self.attended - self.recent_attended

    @property
    def sudden_fall(self) -> bool:
        """Recent attendance has fallen by ≥ the set points below the pupil's own earlier rate
        over the period (§6 "sudden drop against the pupil's own baseline")."""
        rp, bp = self.recent_possible, self.baseline_possible
        if rp < 10 or bp < 20:
            return False
        drop = 100 * (self.baseline_attended * rp - self.recent_attended * bp)
        return drop >= self.thresholds.baseline_drop_points * bp * rp

    @property
    def lateness_pattern(self) -> bool:
        """Late marks (L, U) on ≥ the set share of sessions attended, and at least a few (§6)."""
        t = self.thresholds
        sessions = self.attended + self.late  # U is unauthorised absence, L is present
        return self.late >= t.late_flag_min and 100 * self.late >= t.late_flag_percent * sessions

    @property
    def part_time_weeks(self) -> int:
        if self.first_part_time is None or self.last_part_time is None:
            return 0
        return (self.last_part_time - self.first_part_time).days // 7 + 1

    @property
    def part_time_long(self) -> bool:
        return self.part_time_weeks >= self.thresholds.part_time_flag_weeks


def _translations() -> tuple[str, str, str, str]:
    """(storage chars, treatment digits, late flags, part-time flags) for DuckDB's translate().

    Each storage character becomes its treatment as a digit 0-4 (4: not counted); `NO_MARK`
    is left as it is, so it is never counted.
    """
    late = set(settings.CAIRN_ATTENDANCE_LATE_CODES)
    part_time = set(settings.CAIRN_ATTENDANCE_PART_TIME_CODES)
    chars, digits, lates, parts = [], [], [], []
    for code in code_table().by_code.values():
        # Retired codes are only accepted in marks dated before their retirement (importer),
        # so their dated treatment is the one that applies to every stored mark.
        treatment = code.treatment if code.treatment is not None else code.retired_treatment
        assert treatment is not None
        chars.append(code.storage_char)
        digits.append(str(_T_NUMBER[treatment]))
        lates.append("1" if code.code in late else "0")
        parts.append("1" if code.code in part_time else "0")
    return "".join(chars), "".join(digits), "".join(lates), "".join(parts)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _file_list(files: Sequence[Path]) -> str:
    return "[" + ", ".join(_sql_string(str(f)) for f in files) + "]"


def connect() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("SET threads TO 2")
    db.execute("SET preserve_insertion_order = false")
    return db


def marks_cte(files: Sequence[Path], start: date, end: date, pupil_filter: str = "") -> str:
    """SQL for `sessions` (every session with its storage character `ch`) and `marks` (each
    marked session in the period: school_id, pupil_id, day, pm, t, late, part_time)."""
    chars, digits, lates, parts = (_sql_string(x) for x in _translations())
    return f"""
    weeks AS (
        SELECT school_id, pupil_id, week_start, marks,
               translate(marks, {chars}, {digits}) AS tt,
               translate(marks, {chars}, {lates}) AS ll,
               translate(marks, {chars}, {parts}) AS pp
        FROM read_parquet({_file_list(files)})
        WHERE week_start BETWEEN DATE '{start}' - 4 AND DATE '{end}' {pupil_filter}
    ),
    sessions AS (
        SELECT school_id, pupil_id, (week_start + (r.i // 2)::INTEGER) AS day,
               (r.i % 2)::TINYINT AS pm, substr(marks, r.i + 1, 1) AS ch,
               substr(tt, r.i + 1, 1) AS tch, substr(ll, r.i + 1, 1) = '1' AS late,
               substr(pp, r.i + 1, 1) = '1' AS part_time
        FROM weeks CROSS JOIN range(10) AS r(i)
    ),
    marks AS (
        SELECT school_id, pupil_id, day, pm, tch::TINYINT AS t, late, part_time
        FROM sessions
        WHERE tch BETWEEN '0' AND '4' AND day BETWEEN DATE '{start}' AND DATE '{end}'
    )"""


def pupil_measures(
    *,
    files: Sequence[Path],
    period: Period,
    pupil_ids: Iterable[UUID] | None = None,
    per: Literal["enrolment", "child"] = "enrolment",
    thresholds: Thresholds | None = None,
    db: duckdb.DuckDBPyConnection | None = None,
) -> list[PupilMeasures]:
    """Every pupil's measures over `period`, from the schools' Parquet files."""
    thresholds = thresholds or Thresholds.from_settings()
    if not files:
        return []
    ids = sorted({str(p) for p in pupil_ids}) if pupil_ids is not None else None
    if ids is not None and not ids:
        return []
    pupil_filter = "AND pupil_id IN (" + ", ".join(f"'{i}'::UUID" for i in ids) + ")" if ids else ""
    key = "school_id, pupil_id" if per == "enrolment" else "pupil_id"
    school_col = "school_id" if per == "enrolment" else "NULL::UUID AS school_id"
    near = thresholds.holiday_adjacent_days
    recent_from = period.end - timedelta(days=thresholds.recent_days - 1)
    # The school calendar (days any pupil had a possible session) needs every pupil's marks,
    # so it is read from the files without the pupil filter.
    calendar_source = (
        f"""all_weeks AS (
            SELECT school_id, week_start, translate(marks, {_sql_string(_translations()[0])},
                   {_sql_string(_translations()[1])}) AS tt
            FROM read_parquet({_file_list(files)})
            WHERE week_start BETWEEN DATE '{period.start}' - 4 AND DATE '{period.end}'
        ),
        calendar_days AS (
            SELECT DISTINCT school_id, (week_start + r.d::INTEGER) AS day
            FROM all_weeks CROSS JOIN range(5) AS r(d)
            WHERE regexp_matches(substr(tt, 2 * r.d + 1, 2), '[0-3]')
        ),"""
        if ids
        else "calendar_days AS (SELECT DISTINCT school_id, day FROM days WHERE possible > 0),"
    )
    # The school calendar (days any pupil had a possible session) needs every pupil's marks,
    # so with a pupil filter it is read from the files again without the filter.
    sql = f"""
    WITH {marks_cte(files, period.start, period.end, pupil_filter)},
    days AS (
        SELECT school_id, pupil_id, day,
            count(*) FILTER (t <= 3) AS possible,
            count(*) FILTER (t = 0) AS present,
            count(*) FILTER (t = 1) AS aea,
            count(*) FILTER (t = 2) AS authorised,
            count(*) FILTER (t = 3) AS unauthorised,
            count(*) FILTER (late) AS late,
            count(*) FILTER (part_time) AS part_time,
            count(*) FILTER (t IN (2, 3) AND NOT part_time) AS pattern_absent
        FROM marks GROUP BY school_id, pupil_id, day
    ),
    {calendar_source}
    calendar AS (
        SELECT school_id, day,
               row_number() OVER w AS n,
               (day - lag(day) OVER w) > 4 AS after_break,
               (lead(day) OVER w - day) > 4 AS before_break
        FROM calendar_days WINDOW w AS (PARTITION BY school_id ORDER BY day)
    ),
    near_break AS (
        SELECT school_id, day, dayofweek(day) IN (1, 5) AS monfri,
            coalesce(n - max(CASE WHEN after_break THEN n END) OVER (
                PARTITION BY school_id ORDER BY day ROWS UNBOUNDED PRECEDING) < {near}, false)
            OR coalesce(min(CASE WHEN before_break THEN n END) OVER (
                PARTITION BY school_id ORDER BY day
                ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - n < {near}, false)
            AS near
        FROM calendar
    ),
    d AS (
        SELECT days.*, coalesce(nb.near, false) AS near,
               coalesce(nb.monfri, dayofweek(days.day) IN (1, 5)) AS monfri
        FROM days LEFT JOIN near_break nb USING (school_id, day)
    ),
    counts AS (
        SELECT {key},
            sum(possible)::INTEGER AS possible, sum(present)::INTEGER AS present,
            sum(aea)::INTEGER AS aea, sum(authorised)::INTEGER AS authorised,
            sum(unauthorised)::INTEGER AS unauthorised, sum(late)::INTEGER AS late,
            sum(part_time)::INTEGER AS part_time_sessions,
            min(day) FILTER (part_time > 0) AS first_part_time,
            max(day) FILTER (part_time > 0) AS last_part_time,
            sum(possible) FILTER (monfri)::INTEGER AS monfri_possible,
            sum(pattern_absent) FILTER (monfri)::INTEGER AS monfri_absent,
            sum(possible) FILTER (near)::INTEGER AS holiday_possible,
            sum(pattern_absent) FILTER (near)::INTEGER AS holiday_absent,
            sum(pattern_absent)::INTEGER AS pattern_absent,
            sum(possible) FILTER (day >= DATE '{recent_from}')::INTEGER AS recent_possible,
            sum(present + aea) FILTER (day >= DATE '{recent_from}')::INTEGER AS recent_attended,
            max(day) FILTER (possible > 0) AS last_day,
            min(day) FILTER (unauthorised > 0) AS first_unexplained,
            arg_max(part_time > 0, day) FILTER (possible > 0) AS part_time_current
        FROM d GROUP BY {key}
    ),
    flagged AS (
        SELECT {key}, day, unauthorised = possible AS u,
               row_number() OVER (PARTITION BY {key} ORDER BY day)
               - row_number() OVER (PARTITION BY {key}, unauthorised = possible ORDER BY day)
               AS grp
        FROM (SELECT {key}, day, sum(possible) AS possible, sum(unauthorised) AS unauthorised
              FROM days GROUP BY {key}, day HAVING sum(possible) > 0)
    ),
    runs AS (
        SELECT {key}, min(day) AS run_start, max(day) AS run_end, count(*) AS run_days
        FROM flagged WHERE u GROUP BY {key}, grp
    ),
    best AS (
        SELECT {key}, arg_max(run_start, run_days) AS longest_start, max(run_days) AS longest
        FROM runs GROUP BY {key}
    )
    SELECT c.pupil_id, {"c." + school_col if per == "enrolment" else school_col},
        c.possible, c.present, c.aea, c.authorised, c.unauthorised, c.late,
        c.part_time_sessions, c.first_part_time, c.last_part_time,
        coalesce(c.part_time_current, false),
        coalesce(c.monfri_possible, 0), coalesce(c.monfri_absent, 0),
        coalesce(c.holiday_possible, 0), coalesce(c.holiday_absent, 0),
        c.pattern_absent, coalesce(c.recent_possible, 0), coalesce(c.recent_attended, 0),
        coalesce(b.longest, 0)::INTEGER, b.longest_start, coalesce(r.run_days, 0)::INTEGER,
        c.first_unexplained
    FROM counts c
    LEFT JOIN best b USING ({key})
    LEFT JOIN runs r ON {" AND ".join(f"r.{k.strip()} = c.{k.strip()}" for k in key.split(","))}
        AND r.run_end = c.last_day
    ORDER BY c.pupil_id
    """
    own = db is None
    db = db or connect()
    try:
        rows = db.execute(sql).fetchall()
    finally:
        if own:
            db.close()
    return [_measures(row, thresholds) for row in rows]


def _measures(row: tuple[Any, ...], thresholds: Thresholds) -> PupilMeasures:
    build: Any = PupilMeasures  # the row's columns are the dataclass's fields, in order
    return cast(PupilMeasures, build(*row, thresholds))


@dataclass(frozen=True, slots=True)
class GroupMeasures:
    """Totals over a group of pupils (a school, a year group, a trust)."""

    label: str
    pupils: int
    possible: int
    attended: int
    persistent: int
    severe: int
    unexplained: int
    la_notify: int
    part_time: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.possible, 1) if self.possible else None

    @property
    def persistent_percent(self) -> float | None:
        return round(100 * self.persistent / self.pupils, 1) if self.pupils else None

    @property
    def severe_percent(self) -> float | None:
        return round(100 * self.severe / self.pupils, 1) if self.pupils else None


def group_measures(label: str, pupils: Iterable[PupilMeasures]) -> GroupMeasures:
    rows = [p for p in pupils if p.possible > 0]
    return GroupMeasures(
        label=label,
        pupils=len(rows),
        possible=sum(p.possible for p in rows),
        attended=sum(p.attended for p in rows),
        persistent=sum(p.persistent for p in rows),
        severe=sum(p.severe for p in rows),
        unexplained=sum(p.unauthorised for p in rows),
        la_notify=sum(p.la_notify for p in rows),
        part_time=sum(p.part_time_sessions > 0 for p in rows),
    )
