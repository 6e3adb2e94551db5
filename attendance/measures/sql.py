"""The columnar copy as DuckDB reads it: register marks decoded from week strings, the school
calendar, and the sessions around holidays."""

import threading
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
from django.conf import settings

from attendance.codes import Treatment, code_table
from attendance.measures.figures import Period

# Treatments as small integers inside DuckDB: the order matters (≤ 3 counts as possible).
T_PRESENT, T_AEA, T_AUTHORISED, T_UNAUTHORISED, T_NOT_COUNTED = range(5)
_T_NUMBER = {
    Treatment.PRESENT: T_PRESENT,
    Treatment.AEA: T_AEA,
    Treatment.AUTHORISED: T_AUTHORISED,
    Treatment.UNAUTHORISED: T_UNAUTHORISED,
    Treatment.NOT_COUNTED: T_NOT_COUNTED,
}


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
