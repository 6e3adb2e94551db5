"""Computing every dashboard measure for the chosen schools and period."""

import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from analytics import store
from analytics.engine.attendance import _attendance, _findings
from analytics.engine.figures import NEGLECT_CP_CODE, PROFILE_DIMENSIONS, Figures, SchoolFigures
from analytics.engine.loading import _dump, _per_request, load_rows
from analytics.engine.records import _category_labels, _dimension_sql, _factor_condition, _setup
from analytics.periods import Period
from analytics.reference import household_factors
from attendance import columnar


def _set(target: SchoolFigures, **values: Any) -> None:
    for name, value in values.items():
        setattr(target, name, value)


def _rows(db: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return db.execute(sql).fetchall()


def compute(
    *,
    school_ids: Sequence[UUID],
    period: Period,
    today: date | None = None,
    attendance_files: Sequence[Path] | None = None,
) -> Figures:
    """Every measure for `school_ids` over `period`. Capacity figures are as at the end of the
    period (or today, if the period has not ended)."""
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    as_of_end = timezone.make_aware(datetime.combine(as_of, time.max))
    end_epoch = int(as_of_end.timestamp())
    ids = list(school_ids)
    figures = {sid: SchoolFigures() for sid in ids}
    monthly: dict[tuple[str, str], int] = {}
    if not ids:
        return Figures(period=period, as_of=as_of, schools={}, category_labels={})
    within_days = settings.CAIRN_ANALYTICS_ESCALATION_DAYS
    with tempfile.TemporaryDirectory(prefix="cairn-analytics-") as work:
        directory = Path(work)
        reads = _per_request(ids, period)
        roll_rows, roll_columns = reads.pop("roll")
        for name, (queryset, columns) in reads.items():
            _dump(directory / f"{name}.tsv", queryset, columns)
        types = {name: columns for name, (_queryset, columns) in reads.items()}
        marker = store.roll_marker()  # before the roll is read (see store.roll_marker)
        copy = store.store()
        # One dashboard at a time per process uses the copy: a refresh that has to read a
        # table whole replaces it, which must not happen under another thread's query.
        with copy.lock:
            copy.refresh(load_rows)
            roll = _kept_roll(
                copy, marker, school_ids=ids, period=period, rows=roll_rows, columns=roll_columns
            )
            db = copy.cursor()
            try:
                db.execute(f"SET threads TO {settings.CAIRN_ATTENDANCE_DUCKDB_THREADS}")
                db.execute("SET TimeZone = 'UTC'")
                _setup(
                    db,
                    directory,
                    types=types,
                    roll=roll,
                    school_ids=ids,
                    period=period,
                    as_of_end=as_of_end,
                )
                _measures(
                    db,
                    figures=figures,
                    monthly=monthly,
                    period=period,
                    as_of=as_of,
                    end_epoch=end_epoch,
                    within_days=within_days,
                )
                files = (
                    attendance_files
                    if attendance_files is not None
                    else list(columnar.ensure_current(school_ids=ids).values())
                )
                _attendance(db, figures, period, files)
            finally:
                db.close()
    _findings(figures)
    _meetings(figures, period)
    labels, neglect = _category_labels(ids)
    return Figures(
        period=period,
        as_of=as_of,
        schools=figures,
        category_labels=labels,
        neglect_codes=neglect,
        monthly=monthly,
    )


def _kept_roll(
    copy: store.Store,
    marker: tuple[int, int],
    *,
    school_ids: list[UUID],
    period: Period,
    rows: QuerySet[Any],
    columns: dict[str, str],
) -> str:
    """The store's table holding the roll (one row per pupil and school) for these schools and
    this period, read from the database only if pupils or enrolments changed since it was
    kept. Rolls kept under an older marker are dropped: they can never be asked for again."""
    copy.forget(lambda key: key[0] == "roll" and key[1] != marker)
    key = ("roll", marker, tuple(sorted(str(s) for s in school_ids)), period.start, period.end)

    def build(name: str) -> None:
        load_rows(copy.db, f"{name}_rows", rows, columns)
        copy.db.execute(f"CREATE TABLE {name} AS SELECT DISTINCT * FROM {name}_rows")
        copy.db.execute(f"DROP TABLE {name}_rows")

    return copy.kept(key, build)


def _measures(
    db: duckdb.DuckDBPyConnection,
    *,
    figures: dict[UUID, SchoolFigures],
    monthly: dict[tuple[str, str], int],
    period: Period,
    as_of: date,
    end_epoch: int,
    within_days: int,
) -> None:
    # Each query's first column is the school; it comes back as text (a Python UUID per row
    # costs more than the query when a trust's monthly table has tens of thousands of rows).
    by_text = {str(school_id): school for school_id, school in figures.items()}

    def put(sql: str, apply: Any) -> None:
        for row in _rows(
            db, f"SELECT * REPLACE (CAST(school_id AS VARCHAR) AS school_id) FROM ({sql})"
        ):
            school = by_text.get(row[0])
            if school is not None:
                apply(school, *row[1:])

    put(
        "SELECT school_id, count(DISTINCT pupil_id) FROM r GROUP BY ALL",
        lambda f, n: setattr(f, "roll", n),
    )
    put(
        "SELECT school_id, count(DISTINCT pupil_id), count(DISTINCT concern_id) FROM cp "
        "GROUP BY ALL",
        lambda f, kids, n: _set(f, children_with_concerns=kids, concerns=n),
    )
    put(
        "SELECT school_id, count(DISTINCT pupil_id), count(DISTINCT concern_id) FROM cpc "
        f"WHERE cp_code = '{NEGLECT_CP_CODE}' GROUP BY ALL",
        lambda f, kids, n: _set(f, neglect_children=kids, neglect_concerns=n),
    )
    # cur_cat and neg_concerns hold each concern (and code) once, so count(*) is exact.
    monthly_sql = f"""WITH m AS (SELECT concern_id, school_id, strftime(occurred, '%Y-%m') AS month
                       FROM inper)
        SELECT school_id, month, code, count(*) FROM m JOIN cur_cat USING (concern_id)
        GROUP BY ALL
        UNION ALL SELECT school_id, month, '', count(*) FROM m GROUP BY ALL
        UNION ALL SELECT school_id, month, '{NEGLECT_CP_CODE}', count(*) FROM m
        WHERE concern_id IN (SELECT concern_id FROM neg_concerns) GROUP BY ALL"""
    if len(figures) == 1:
        put(monthly_sql, lambda f, month, code, n: f.monthly.__setitem__((month, code), n))
        monthly.update(next(iter(figures.values())).monthly)
    else:
        for month, code, n in _rows(
            db, f"SELECT month, code, sum(n) FROM ({monthly_sql}) t(s, month, code, n) GROUP BY ALL"
        ):
            monthly[(month, code)] = int(n)
    put(
        f"""WITH neg AS (SELECT DISTINCT school_id, pupil_id FROM cpc
                         WHERE cp_code = '{NEGLECT_CP_CODE}')
        SELECT c.school_id, c.code, count(DISTINCT c.pupil_id),
               count(DISTINCT c.concern_id) FILTER (WHERE c.concern_id IN
                   (SELECT concern_id FROM neg_concerns))
        FROM cpc c JOIN neg USING (school_id, pupil_id)
        WHERE c.cp_code IS DISTINCT FROM '{NEGLECT_CP_CODE}' GROUP BY ALL""",
        lambda f, code, kids, n: f.cooccurrence.__setitem__(code, (kids, n)),
    )
    for factor in household_factors():
        condition = _factor_condition(factor.slug)
        if condition is None:
            for school in figures.values():
                school.household[factor.slug] = None
            continue
        for school in figures.values():
            school.household[factor.slug] = 0
        condition = condition.replace("$start", f"DATE '{period.start}'").replace(
            "$end", f"DATE '{period.end}'"
        )
        put(
            f"SELECT k.school_id, count(*) FROM kids k WHERE {condition} GROUP BY ALL",
            lambda f, n, slug=factor.slug: f.household.__setitem__(slug, n),
        )
    db.execute(_dimension_sql(as_of))
    for dimension, _label in PROFILE_DIMENSIONS:
        column = "disadvantaged_label" if dimension == "disadvantaged" else dimension
        put(
            f"SELECT school_id, {column}, count(*) FILTER (WHERE has_concern), count(*) "
            "FROM dims GROUP BY ALL",
            lambda f, value, kids, roll, d=dimension: f.profile.__setitem__(
                (d, value), (kids, roll)
            ),
        )
    put(
        f"""SELECT n.school_id,
                   CASE WHEN r.disadvantaged THEN 'disadvantaged' ELSE 'other' END,
                   count(*), count(d.first_decided), count(b.decided),
                   count(b.decided) FILTER (WHERE b.decided - n.written <= {within_days} * 86400),
                   round(median((b.decided - n.written) / 86400.0), 1)
            FROM (SELECT DISTINCT school_id, concern_id, pupil_id, written FROM cpc
                  WHERE cp_code = '{NEGLECT_CP_CODE}') n
            LEFT JOIN r USING (school_id, pupil_id)
            LEFT JOIN cur_dec d USING (concern_id)
            LEFT JOIN first_beyond b USING (concern_id)
            GROUP BY ALL""",
        lambda f, group, *values: f.expectations.__setitem__(group, tuple(values)),
    )
    put(
        """SELECT c.school_id, count(DISTINCT s.pupil_id) FROM concerns c
           JOIN subjects s USING (concern_id) LEFT JOIN cur_dec d USING (concern_id)
           WHERE d.outcome IS NULL OR d.outcome <> 'nfa' GROUP BY ALL""",
        lambda f, n: setattr(f, "open_cases", n),
    )
    put(
        """SELECT c.school_id, count(*) FROM concerns c LEFT JOIN cur_dec d USING (concern_id)
           WHERE d.concern_id IS NULL GROUP BY ALL""",
        lambda f, n: setattr(f, "decisions_waiting", n),
    )
    put(
        f"""SELECT c.school_id, count(*) FROM concerns c JOIN cur_dec d USING (concern_id)
           WHERE d.outcome = 'monitor' AND d.review_date < DATE '{as_of}' GROUP BY ALL""",
        lambda f, n: setattr(f, "overdue_reviews", n),
    )
    put(
        f"""SELECT school_id, count(*) FROM actions WHERE due_on < DATE '{as_of}'
           AND (completed IS NULL OR completed > {end_epoch}) GROUP BY ALL""",
        lambda f, n: setattr(f, "overdue_actions", n),
    )
    put(
        """SELECT i.school_id, count(*), count(*) FILTER (WHERE d.first_decided - i.written
                  <= 86400), round(median((d.first_decided - i.written) / 86400.0), 1)
           FROM inper i JOIN cur_dec d USING (concern_id) GROUP BY ALL""",
        lambda f, n, day, median: _set(
            f, decided_in_period=n, decided_within_day=day, median_days_to_decision=median
        ),
    )


def _meetings(figures: dict[UUID, SchoolFigures], period: Period) -> None:
    """Multi-agency meetings held in the period and the team's time on them (casework)."""
    from casework.selectors import meeting_time

    for school_id, (n, minutes) in meeting_time(
        school_ids=list(figures), start=period.start, end=period.end
    ).items():
        figures[school_id].meetings = n
        figures[school_id].meeting_minutes = minutes
