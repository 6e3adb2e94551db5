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

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
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


def storage_translations() -> tuple[str, str, str, str]:
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


def _week_translations() -> tuple[str, str, str]:
    """(storage chars, category chars, late flags): categories 0-4 as the treatments, except
    part-time timetable codes, which are authorised absence written `p` so that patterns can
    leave them out."""
    chars, digits, lates, parts = storage_translations()
    categories = "".join("p" if p == "1" else d for d, p in zip(digits, parts, strict=True))
    return chars, categories, lates


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def parquet_file_list(files: Sequence[Path]) -> str:
    return "[" + ", ".join(_sql_string(str(f)) for f in files) + "]"


_local = threading.local()


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for one query or page. Opening an in-memory database costs about
    10 ms, so each thread keeps one and hands out cursors on it (closing a cursor is cheap)."""
    base = getattr(_local, "db", None)
    if base is None:
        base = duckdb.connect()
        base.execute(f"SET threads TO {settings.CAIRN_ATTENDANCE_DUCKDB_THREADS}")
        base.execute("SET preserve_insertion_order = false")
        _local.db = base
    return base.cursor()


def marks_cte(files: Sequence[Path], start: date, end: date, pupil_filter: str = "") -> str:
    """SQL for `sessions` (every session with its storage character `ch`) and `marks` (each
    marked session in the period: school_id, pupil_id, day, pm, t, late, part_time)."""
    chars, digits, lates, parts = (_sql_string(x) for x in storage_translations())
    return f"""
    weeks_read AS (
        SELECT school_id, pupil_id, week_start, marks FROM read_parquet({parquet_file_list(files)})
        WHERE week_start BETWEEN DATE '{start}' - 4 AND DATE '{end}' {pupil_filter}
    ),
    week_strings AS (
        SELECT marks, translate(marks, {chars}, {digits}) AS tt,
               translate(marks, {chars}, {lates}) AS ll,
               translate(marks, {chars}, {parts}) AS pp
        FROM (SELECT DISTINCT marks FROM weeks_read)
    ),
    weeks AS (SELECT * FROM weeks_read JOIN week_strings USING (marks)),
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


def _calendar_ctes(*, near: int) -> str:
    """CTEs from `raw_weeks` and `strings` to `masks`: per school and week, which weekdays lie
    within `near` school days of a break in the school's calendar (two or more weekdays with
    no possible session for any pupil)."""
    school_day_string = " || ".join(
        f"CASE WHEN substr(raw_t, {2 * d + 1}, 2) IN ('44', '4-', '-4', '--') THEN '0' ELSE '1' END"
        for d in range(5)
    )
    school_day = " || ".join(f"max(substr(s.school_days, {d + 1}, 1))" for d in range(5))
    return f"""
    string_days AS (SELECT *, {school_day_string} AS school_days FROM strings),
    calendar_weeks AS (
        SELECT w.school_id, w.week_start, {school_day} AS school_days
        FROM raw_weeks w JOIN string_days s USING (marks) GROUP BY w.school_id, w.week_start
    ),
    calendar AS (
        SELECT school_id, week_start + d.i::INTEGER AS day, week_start, d.i AS i
        FROM calendar_weeks CROSS JOIN range(5) AS d(i)
        WHERE substr(school_days, d.i + 1, 1) = '1'
    ),
    numbered AS (
        SELECT *, row_number() OVER w AS n,
               (day - lag(day) OVER w) > 4 AS after_break,
               (lead(day) OVER w - day) > 4 AS before_break
        FROM calendar WINDOW w AS (PARTITION BY school_id ORDER BY day)
    ),
    near_days AS (
        SELECT school_id, week_start, i,
            coalesce(n - max(CASE WHEN after_break THEN n END) OVER (
                PARTITION BY school_id ORDER BY day ROWS UNBOUNDED PRECEDING) < {near}, false)
            OR coalesce(min(CASE WHEN before_break THEN n END) OVER (
                PARTITION BY school_id ORDER BY day
                ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - n < {near}, false) AS near
        FROM numbered
    ),
    near_masks AS (
        SELECT school_id, week_start,
               string_agg(CASE WHEN near THEN '1' ELSE '0' END, '' ORDER BY i) AS nm_partial,
               list(i ORDER BY i) AS idx
        FROM near_days GROUP BY school_id, week_start
    ),
    masks AS (
        SELECT school_id, week_start,
               list_aggregate(list_transform(range(5), lambda d: CASE
                   WHEN list_position(idx, d) IS NULL THEN '0'
                   ELSE substr(nm_partial, list_position(idx, d)::INTEGER, 1) END),
                   'string_agg', '') AS nm
        FROM near_masks
    ),
"""


@lru_cache(maxsize=256)
def _holiday_masks_cached(files: tuple[Path, ...], period: Period, near: int) -> str:
    chars, categories, _lates = (_sql_string(x) for x in _week_translations())
    sql = f"""
    WITH raw_weeks AS (
        SELECT school_id, pupil_id, week_start, marks FROM read_parquet({parquet_file_list(files)})
        WHERE week_start BETWEEN DATE '{period.start}' - 4 AND DATE '{period.end}'
    ),
    strings AS (
        SELECT marks, translate(marks, {chars}, {categories}) AS raw_t
        FROM (SELECT DISTINCT marks FROM raw_weeks)
    ),
    {_calendar_ctes(near=near).rstrip().rstrip(",")}
    SELECT school_id, week_start, nm FROM masks WHERE contains(nm, '1')
    """
    db = connect()
    try:
        rows = db.execute(sql).fetchall()
    finally:
        db.close()
    values = ", ".join(f"('{school}'::UUID, DATE '{week}', '{nm}')" for school, week, nm in rows)
    if not values:
        values = "(NULL::UUID, NULL::DATE, NULL::VARCHAR)"
    return f"masks AS (SELECT * FROM (VALUES {values}) AS m(school_id, week_start, nm)),"


def _holiday_masks_values(*, files: Sequence[Path], period: Period, near: int) -> str:
    """The school calendars' holiday masks as a VALUES list, computed once per version of the
    schools' Parquet files (their names change with every import) and period."""
    return _holiday_masks_cached(tuple(files), period, near)


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
    chars, categories, lates = (_sql_string(x) for x in _week_translations())
    order = "week_start, school_id"
    days = []
    for d in range(5):
        day = f"substr(t, {2 * d + 1}, 2)"
        days.append(
            f"CASE WHEN {day} IN ('44', '4-', '-4', '--') THEN '.' "
            f"WHEN contains({day}, 'p') THEN 'p' "
            f"WHEN {day} IN ('33', '34', '43', '3-', '-3') THEN 'u' ELSE 'x' END"
        )
    near_sessions = " || ".join(
        f"CASE WHEN substr(nm, {d + 1}, 1) = '1' THEN substr(t, {2 * d + 1}, 2) ELSE '' END"
        for d in range(5)
    )
    masks_sql = (
        _holiday_masks_values(files=files, period=period, near=near)
        if ids
        else _calendar_ctes(near=near)
    )
    # Everything is computed on week strings (one row per pupil-week): each storage character
    # is translated to its category (0 present, 1 approved activity, 2 authorised, p part-time
    # (authorised), 3 unexplained, 4 not counted, - no mark), sessions outside the period are
    # blanked, and counts are character counts. Runs of unexplained days are found in a string
    # of one character per weekday: u (every possible session unexplained), x, p, or '.' (no
    # possible session: neither breaks nor extends a run).
    sql = f"""
    WITH raw_weeks AS (
        SELECT school_id, pupil_id, week_start, marks FROM read_parquet({parquet_file_list(files)})
        WHERE week_start BETWEEN DATE '{period.start}' - 4 AND DATE '{period.end}'
        {pupil_filter}
    ),
    -- Registers repeat a great deal (most weeks are "/\\/\\/\\/\\/\\"): each distinct
    -- week string is translated once and joined back.
    strings AS (
        SELECT marks, translate(marks, {chars}, {categories}) AS raw_t,
               translate(marks, {chars}, {lates}) AS raw_l
        FROM (SELECT DISTINCT marks FROM raw_weeks)
    ),
    {masks_sql}
    clipped AS (
        SELECT school_id, pupil_id, week_start, marks,
               greatest(0, (DATE '{period.start}' - week_start) * 2)::INTEGER AS lo,
               least(10, (DATE '{period.end}' - week_start + 1) * 2)::INTEGER AS hi,
               least(10, greatest(0, (DATE '{recent_from}' - week_start) * 2))::INTEGER AS rlo
        FROM raw_weeks
    ),
    keyed AS (
        SELECT c.school_id, c.pupil_id, c.week_start, c.marks, c.lo, c.hi, c.rlo,
               coalesce(m.nm, '00000') AS nm
        FROM clipped c LEFT JOIN masks m USING (school_id, week_start)
        WHERE c.hi > c.lo
    ),
    -- Each distinct week string, with its period cut and holiday mask, is measured once.
    combos AS (SELECT DISTINCT marks, lo, hi, rlo, nm FROM keyed),
    w AS (
        SELECT c.*,
               repeat('-', lo) || substr(raw_t, lo + 1, hi - lo) || repeat('-', 10 - hi) AS t,
               repeat('-', lo) || substr(raw_l, lo + 1, hi - lo) || repeat('-', 10 - hi) AS l
        FROM combos c JOIN strings USING (marks)
    ),
    combo_metrics AS (
        SELECT marks, lo, hi, rlo, nm,
            cnt(t, '0') AS present, cnt(t, '1') AS aea, cnt(t, '2') AS auth_other,
            cnt(t, 'p') AS part_time, cnt(t, '3') AS unauthorised, cnt(l, '1') AS late,
            4 - cnt(substr(t, 1, 2) || substr(t, 9, 2), '4')
              - cnt(substr(t, 1, 2) || substr(t, 9, 2), '-') AS monfri_possible,
            cnt(substr(t, 1, 2) || substr(t, 9, 2), '2')
              + cnt(substr(t, 1, 2) || substr(t, 9, 2), '3') AS monfri_absent,
            {near_sessions} AS hs,
            substr(t, rlo + 1) AS rt,
            CASE WHEN contains(t, '3') THEN ((instr(t, '3') - 1) // 2)::INTEGER END
                AS first_unexplained_offset,
            CASE WHEN contains(t, 'p') THEN ((instr(t, 'p') - 1) // 2)::INTEGER END
                AS first_part_time_offset,
            CASE WHEN contains(t, 'p') THEN ((10 - instr(reverse(t), 'p')) // 2)::INTEGER END
                AS last_part_time_offset,
            {" || ".join(days)} AS daystr
        FROM w
    ),
    combo_sums AS (
        SELECT *, length(hs) - cnt(hs, '4') - cnt(hs, '-') AS holiday_possible,
               cnt(hs, '2') + cnt(hs, '3') AS holiday_absent,
               length(rt) - cnt(rt, '4') - cnt(rt, '-') AS recent_possible,
               cnt(rt, '0') + cnt(rt, '1') AS recent_attended
        FROM combo_metrics
    ),
    per_week AS (
        SELECT k.school_id, k.pupil_id, k.week_start, m.*,
               k.week_start + m.first_unexplained_offset AS first_unexplained,
               k.week_start + m.first_part_time_offset AS first_part_time,
               k.week_start + m.last_part_time_offset AS last_part_time
        FROM keyed k JOIN combo_sums m USING (marks, lo, hi, rlo, nm)
    ),
    pupils AS (
        SELECT {key},
            sum(present + aea + auth_other + part_time + unauthorised)::INTEGER AS possible,
            sum(present)::INTEGER AS present, sum(aea)::INTEGER AS aea,
            sum(auth_other + part_time)::INTEGER AS authorised,
            sum(unauthorised)::INTEGER AS unauthorised, sum(late)::INTEGER AS late,
            sum(part_time)::INTEGER AS part_time_sessions,
            min(first_part_time) AS first_part_time, max(last_part_time) AS last_part_time,
            sum(monfri_possible)::INTEGER AS monfri_possible,
            sum(monfri_absent)::INTEGER AS monfri_absent,
            sum(holiday_possible)::INTEGER AS holiday_possible,
            sum(holiday_absent)::INTEGER AS holiday_absent,
            sum(auth_other + unauthorised)::INTEGER AS pattern_absent,
            sum(recent_possible)::INTEGER AS recent_possible,
            sum(recent_attended)::INTEGER AS recent_attended,
            min(first_unexplained) AS first_unexplained,
            string_agg(daystr, '' ORDER BY {order}) AS s,
            list(week_start ORDER BY {order}) AS weeks
        FROM per_week GROUP BY {key}
    ),
    runs AS (
        SELECT *, regexp_extract_all(s, 'u[u.]*') AS found FROM pupils
    ),
    longest AS (
        SELECT *, list_transform(found, lambda r: length(replace(r, '.', ''))) AS lengths FROM runs
    ),
    result AS (
        SELECT *, coalesce(list_max(lengths), 0)::INTEGER AS longest_days,
            CASE WHEN len(found) > 0
                THEN instr(s, found[list_position(lengths, list_max(lengths))]) END AS run_pos
        FROM longest
    )
    SELECT pupil_id, {school_col},
        possible, present, aea, authorised, unauthorised, late,
        part_time_sessions, first_part_time, last_part_time,
        regexp_matches(s, 'p[.]*$') AS part_time_current,
        monfri_possible, monfri_absent, holiday_possible, holiday_absent,
        pattern_absent, recent_possible, recent_attended,
        longest_days,
        CASE WHEN run_pos IS NOT NULL
            THEN weeks[(run_pos - 1) // 5 + 1] + ((run_pos - 1) % 5)::INTEGER END,
        length(replace(coalesce(regexp_extract(s, 'u[u.]*$'), ''), '.', ''))::INTEGER,
        first_unexplained
    FROM result
    ORDER BY pupil_id
    """
    own = db is None
    db = db or connect()
    db.execute("CREATE OR REPLACE TEMP MACRO cnt(s, c) AS length(s) - length(replace(s, c, ''))")
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
