"""Attendance measures from the attendance app's Parquet copies, and the findings' counts."""

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import duckdb
from django.conf import settings
from django.db.models import Exists, OuterRef

from analytics import store
from analytics.engine.figures import SchoolFigures
from analytics.engine.loading import _q
from analytics.periods import Period
from attendance.measures import parquet_file_list, storage_translations
from patterns.models import Finding, FindingDecision


def _attendance(
    db: duckdb.DuckDBPyConnection,
    figures: dict[UUID, SchoolFigures],
    period: Period,
    files: Sequence[Path],
) -> None:
    """Attendance of children with concerns against the roll, from the Parquet copies.

    Counted on the week strings (one row per pupil and week): each storage character becomes
    its treatment digit with the attendance app's own table (0 present, 1 approved educational
    activity, 2 authorised, 3 unauthorised, 4 not counted), sessions outside the period are cut
    off, and possible (0-3) and attended (0-1) sessions are counted as characters — once per
    distinct week string and cut, then summed per pupil.
    """
    if not files:
        return
    threshold = int(settings.CAIRN_ATTENDANCE_PERSISTENT_PERCENT)
    copy = store.store()
    # Each pupil's sessions depend only on the period and the copies' files (whose names change
    # with every import), so they are counted once and kept; children with concerns are not.
    with copy.lock:  # a kept table is not dropped while it is read
        per = copy.derived(
            ("attendance", period.start, period.end, *sorted(str(f) for f in files)),
            lambda: _attendance_per_pupil_sql(period, files),
        )
        rows = db.execute(
            f"""WITH tagged AS (
                SELECT per.*, k.pupil_id IS NOT NULL AS with_concern FROM {per} per
                LEFT JOIN kids k USING (school_id, pupil_id) WHERE possible > 0
            )
            SELECT school_id, with_concern, count(*), sum(possible), sum(attended),
                   count(*) FILTER (WHERE 100 * (possible - attended) >= {threshold} * possible)
            FROM tagged GROUP BY ALL"""
        ).fetchall()
    totals: dict[UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for school_id, with_concern, pupils, possible, attended, persistent in rows:
        if school_id not in figures:
            continue
        values = (int(pupils), int(possible), int(attended), int(persistent))
        if with_concern:
            figures[school_id].attendance["with_concerns"] = values
        total = totals[school_id]
        for index, value in enumerate(values):
            total[index] += value
    for school_id, total in totals.items():
        figures[school_id].attendance["roll"] = (total[0], total[1], total[2], total[3])


def _attendance_per_pupil_sql(period: Period, files: Sequence[Path]) -> str:
    """Each pupil's possible and attended sessions in the period, from the Parquet copies."""
    chars, digits, _lates, _parts = storage_translations()
    start, end = f"DATE '{period.start}'", f"DATE '{period.end}'"
    return f"""WITH weeks_read AS (
            SELECT school_id, pupil_id, marks,
                   greatest(0, date_diff('day', week_start, {start})) * 2 AS lo,
                   least(10, (date_diff('day', week_start, {end}) + 1) * 2) AS hi
            FROM read_parquet({parquet_file_list(files)})
            WHERE week_start BETWEEN {start} - 4 AND {end}
        ),
        -- Week strings repeat a great deal: count each distinct (string, cut) once.
        combos AS (
            SELECT marks, lo, hi,
                   substr(translate(marks, {_q(chars)}, {_q(digits)}), lo + 1, hi - lo) AS s
            FROM (SELECT DISTINCT marks, lo, hi FROM weeks_read WHERE hi > lo)
        ),
        counted AS (
            SELECT marks, lo, hi,
                   length(s) - length(replace(replace(replace(replace(
                       s, '0', ''), '1', ''), '2', ''), '3', '')) AS possible,
                   length(s) - length(replace(replace(s, '0', ''), '1', '')) AS attended
            FROM combos
        )
        SELECT school_id, pupil_id, sum(possible) AS possible, sum(attended) AS attended
        FROM weeks_read JOIN counted USING (marks, lo, hi) GROUP BY ALL"""


def _findings(figures: dict[UUID, SchoolFigures]) -> None:
    """Findings waiting for a decision now (current, not stale, no decision yet)."""
    from django.db.models import Count

    undecided = ~Exists(FindingDecision.objects.filter(finding=OuterRef("pk")))
    rows = (
        Finding.objects.filter(school_id__in=list(figures), is_current=True, stale=False)
        .filter(undecided)
        .values("school_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        figures[row["school_id"]].findings_waiting = row["n"]
