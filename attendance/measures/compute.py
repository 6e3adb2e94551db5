"""One DuckDB query for every pupil's attendance measures over a period."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, cast
from uuid import UUID

import duckdb

from attendance.measures.figures import Period, PupilMeasures, Thresholds
from attendance.measures.sql import (
    _calendar_ctes,
    _holiday_masks_values,
    _sql_string,
    _week_translations,
    connect,
    parquet_file_list,
)


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
    thresholds = thresholds or Thresholds.for_school(None)
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
               cnt(rt, '0') + cnt(rt, '1') AS recent_attended,
               cnt(rt, '2') + cnt(rt, 'p') AS recent_authorised
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
            sum(recent_authorised)::INTEGER AS recent_authorised,
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
        pattern_absent, recent_possible, recent_attended, recent_authorised,
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
