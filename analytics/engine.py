# ruff: noqa: S608 (SQL built from codes, dates and ids Cairn itself formats; no user text)
"""The analytics engine: every dashboard measure for a set of schools, computed columnar in DuckDB.

The append-only records a dashboard needs (concerns with their versions, categories and
subjects, decisions, actions, Operation Encompass notifications) come from a columnar copy each
process keeps up to date incrementally (analytics/store.py); the roll and category codes are
pulled with the ORM for each dashboard as plain values and written as tab-separated files. DuckDB
cuts the copy to the chosen schools and period and joins the attendance app's Parquet copies
(docs/adr/0007-attendance-storage.md). Values are typed in one canonical form (UUIDs, local
dates, whole seconds since the epoch), so SQLite and PostgreSQL give DuckDB identical input and
the numbers are the same on both (docs/adr/0011-analytics-engine.md).

Every measure is grouped by school: one pass serves a school's dashboard or a trust's schools
side by side. Results are counts only; no name or identifier leaves this module.

Definitions (the dashboard's table notes say how each is counted):
- *Roll*: pupils with an enrolment at the school overlapping the period.
- *Children with concerns*: children who are the subject of a concern that happened in the
  period (KCSIE Part one, "Record keeping" [V], records-and-access.md §2).
- *Neglect*: a concern whose current version carries a category with CP code `NEG` — the CIN
  census child protection category for neglect [V XSD] (cin-codes.md §3).
- *A decision beyond monitoring*: any outcome other than "no further action" and "monitor"
  (early help or a referral), the first made up to the end of the period.
- *Attendance*: possible and attended sessions, with the attendance app's code table;
  persistent absence is missing ≥ the configured share of possible sessions, by integer
  comparison (attendance.md §3 [V]; `CAIRN_ATTENDANCE_PERSISTENT_PERCENT`).
"""

import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
from django.conf import settings
from django.db import connection
from django.db.models import CharField, Exists, IntegerField, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from analytics import store
from analytics.periods import Period
from analytics.reference import ethnicity_groups, household_factors
from attendance import columnar

# The attendance app's own code table and file list (attendance.md §2 treatments).
from attendance.measures import parquet_file_list, storage_translations
from concerns.models import (
    Category,
    Outcome,
)
from patterns.models import Finding, FindingDecision
from pupils.models import Enrolment, SenStatus, Sex, SocialCareStatus

NEGLECT_CP_CODE = "NEG"
# Outcomes that are not "beyond monitoring" (all other outcomes are early help or a referral).
NOT_BEYOND_MONITORING = (Outcome.NO_FURTHER_ACTION.value, Outcome.MONITOR.value)
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 4, "Under 5"),
    (5, 10, "5 to 10"),
    (11, 15, "11 to 15"),
    (16, 200, "16 and over"),
)
PROFILE_DIMENSIONS = (
    ("age_band", "Age"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
    ("sen", "Special educational needs"),
    ("disability", "Disability"),
    ("disadvantaged", "Disadvantaged"),
    ("social_care", "Children's social care"),
)


@dataclass
class SchoolFigures:
    """Every measure for one school over one period (counts; percentages are derived later)."""

    roll: int = 0
    children_with_concerns: int = 0
    concerns: int = 0
    neglect_children: int = 0
    neglect_concerns: int = 0
    # (month "YYYY-MM", category code) -> concerns; "" = all concerns that month, NEG = concerns
    # with a neglect category. Filled for a dashboard of one school; for several, the months
    # of all of them together are in `Figures.monthly` (no table shows one school's months, and
    # a trust's five years are tens of thousands of rows per school).
    monthly: dict[tuple[str, str], int] = field(default_factory=dict)
    # category code -> (children with neglect and this category, neglect concerns also carrying it)
    cooccurrence: dict[str, tuple[int, int]] = field(default_factory=dict)
    # factor slug -> children with concerns with the factor (None: not recorded in Cairn yet)
    household: dict[str, int | None] = field(default_factory=dict)
    # (dimension, value) -> (children with concerns, roll)
    profile: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    # "disadvantaged" / "other" -> (neglect concern-children, decided at all, beyond monitoring,
    #   beyond monitoring within the configured days, median days to beyond monitoring)
    expectations: dict[str, tuple[int, int, int, int, float | None]] = field(default_factory=dict)
    open_cases: int = 0
    decisions_waiting: int = 0
    overdue_actions: int = 0
    overdue_reviews: int = 0
    decided_in_period: int = 0
    decided_within_day: int = 0
    median_days_to_decision: float | None = None
    findings_waiting: int = 0
    # Multi-agency meetings held in the period and the safeguarding team's minutes on them.
    meetings: int = 0
    meeting_minutes: int = 0
    # "with_concerns" / "roll" -> (pupils with possible sessions, possible, attended, persistent)
    attendance: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


@dataclass
class Figures:
    period: Period
    as_of: date
    schools: dict[UUID, SchoolFigures]
    category_labels: dict[str, str]
    neglect_codes: frozenset[str] = frozenset()
    # The chosen schools' concerns by month, together (see SchoolFigures.monthly).
    monthly: dict[tuple[str, str], int] = field(default_factory=dict)


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# How each raw column is turned into its DuckDB value. Values arrive as text (`_dump`): from
# SQLite as it stores them, cast to text in the query (UUIDs as 32 hex digits, booleans as 0/1,
# timestamps in UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]"), from PostgreSQL as COPY writes them
# (UUIDs with hyphens, booleans as t/f, timestamps in the connection's UTC with "+00") — each
# reads back as the same DuckDB value, so both databases give identical tables.
_CASTS = {
    "uuid": "CAST({c} AS UUID)",
    "text": "{c}",
    "int": "CAST({c} AS INTEGER)",
    "bigint": "CAST({c} AS BIGINT)",
    "date": "CAST({c} AS DATE)",
    "bool": "({c} IN ('1', 'True', 'true', 't'))",
    # Whole seconds since the epoch, from a UTC timestamp.
    "epoch": "CAST(floor(epoch(CAST(left({c}, 19) AS TIMESTAMP))) AS BIGINT)",
    # The date in Cairn's time zone (settings.TIME_ZONE) of a UTC timestamp.
    "local_date": "CAST(timezone($tz, CAST(left({c}, 19) || '+00' AS TIMESTAMPTZ)) AS DATE)",
}


def _dump(path: Path, queryset: QuerySet[Any], columns: dict[str, str]) -> None:
    """Write the queryset's rows as tab-separated text, with no Python object per value.

    The database writes each row's text itself: PostgreSQL by `COPY (query) TO STDOUT` (NULL
    as an empty field), its blocks going straight to the file; SQLite by joining each row's
    values with tabs in the query (NULL as an empty string), one string per row to write. An
    empty field reads back as NULL (`_load`). `columns` (name → kind, in the queryset's order)
    says which values are text: a tab or line break in one would end the field or the row, so
    SQLite replaces them with a space there (COPY escapes them, and `_load` reads the escape as
    it stands). Ids, numbers, dates and times need no such care."""
    queryset = queryset.order_by()  # a model's default ordering would only cost a sort here
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    if connection.vendor == "postgresql":
        with path.open("wb") as handle, connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's own cursor, in Django's transaction
            with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT text, NULL '')", params) as copy:
                for block in copy:
                    handle.write(block)
        return
    kinds = list(columns.values())
    if len(kinds) != len(compiler.select):
        raise ValueError(f"{len(compiler.select)} columns selected, {len(kinds)} typed")
    names = [f"c{i}" for i in range(len(kinds))]
    values = []
    for name, kind in zip(names, kinds, strict=True):
        value = f"ifnull(CAST({name} AS TEXT), '')"
        if kind == "text":
            for char in (9, 10, 13):
                value = f"replace({value}, char({char}), ' ')"
        values.append(value)
    line = " || char(9) || ".join(values)
    with path.open("w", encoding="utf-8") as handle, connection.cursor() as cursor:
        cursor.execute(f"WITH q({', '.join(names)}) AS ({sql}) SELECT {line} FROM q", params)
        while rows := cursor.fetchmany(50_000):
            handle.write("\n".join(row[0] for row in rows))
            handle.write("\n")


def _load(
    db: duckdb.DuckDBPyConnection,
    name: str,
    path: Path,
    columns: dict[str, str],
    *,
    temporary: bool = True,
) -> None:
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    casts = ", ".join(
        _CASTS[kind].format(c=column).replace("$tz", _q(settings.TIME_ZONE)) + f" AS {column}"
        for column, kind in columns.items()
    )
    kind = "TEMP TABLE" if temporary else "TABLE"
    db.execute(
        f"CREATE {kind} {name} AS SELECT {casts} FROM read_csv('{path}', delim='\t', "
        f"header=false, quote='', escape='', nullstr='', auto_detect=false, columns={{{spec}}})"
    )


def load_rows(
    db: duckdb.DuckDBPyConnection, name: str, queryset: QuerySet[Any], columns: dict[str, str]
) -> None:
    """Write a queryset's rows into a new (shared) DuckDB table, typed: the store's loader."""
    with tempfile.TemporaryDirectory(prefix="cairn-analytics-") as work:
        path = Path(work) / f"{name}.tsv"
        _dump(path, queryset, columns)
        _load(db, name, path, columns, temporary=False)


def _per_request(
    school_ids: list[UUID], period: Period
) -> dict[str, tuple[QuerySet[Any], dict[str, str]]]:
    """The reads that are not part of the store's incremental copy: the roll (pupils change in
    place; kept whole under a change marker instead) and the schools' category codes (a few
    rows, read for each dashboard)."""
    return {
        "roll": (
            # Dates and flags cast in SQL: the driver then hands back text and numbers without
            # building a Python date or bool for each of a trust's pupils.
            Enrolment.objects.filter(school_id__in=school_ids, start_date__lte=period.end)
            .exclude(end_date__lt=period.start)
            .annotate(
                dob=Cast("pupil__date_of_birth", CharField()),
                disability=Cast("pupil__disability", IntegerField()),
                disadvantaged=Cast("pupil__disadvantaged", IntegerField()),
                fsm=Cast("pupil__free_school_meals", IntegerField()),
            )
            .values_list(
                "school_id",
                "pupil_id",
                "dob",
                "pupil__sex",
                "pupil__ethnicity",
                "pupil__sen_status",
                "disability",
                "disadvantaged",
                "fsm",
                "pupil__social_care_status",
            ),
            {
                "school_id": "uuid",
                "pupil_id": "uuid",
                "dob": "date",
                "sex": "text",
                "ethnicity": "text",
                "sen": "text",
                "disability": "bool",
                "disadvantaged": "bool",
                "fsm": "bool",
                "social_care": "text",
            },
        ),
        "category_codes": (
            Category.objects.filter(school_id__in=school_ids).values_list("id", "code", "cp_code"),
            {"category_id": "uuid", "code": "text", "cp_code": "text"},
        ),
    }


# The records as the measures read them, cut from the store's copy to the chosen schools and
# to what had been written by the end of the period ($end_epoch): the same rows, by the same
# rules, that were once read from the database for each dashboard (ADR 11).
_SQL_RECORDS = """
CREATE TEMP TABLE concerns AS
    SELECT pk AS concern_id, school_id, occurred, written FROM base_concerns
    WHERE school_id IN (SELECT school_id FROM chosen) AND written <= $end_epoch;
CREATE TEMP TABLE subjects AS
    SELECT s.concern_id, s.pupil_id FROM base_subjects s SEMI JOIN concerns USING (concern_id);
CREATE TEMP TABLE categories AS
    WITH latest AS (
        SELECT v.concern_id, arg_max(v.pk, v.number) AS version_id
        FROM base_versions v SEMI JOIN concerns USING (concern_id)
        WHERE v.written <= $end_epoch GROUP BY ALL
    )
    SELECT l.concern_id, c.category_id
    FROM latest l JOIN base_version_categories c USING (version_id);
CREATE TEMP TABLE decisions AS
    SELECT d.concern_id, d.outcome, d.decided, d.review_date
    FROM base_decisions d SEMI JOIN concerns USING (concern_id)
    WHERE d.decided <= $end_epoch;
CREATE TEMP TABLE actions AS
    SELECT c.school_id, a.due_on, a.created, x.completed
    FROM base_actions a JOIN concerns c USING (concern_id)
    LEFT JOIN base_completions x ON x.action_id = a.pk
    WHERE a.created <= $end_epoch;
CREATE TEMP TABLE factors AS
    SELECT f.school_id, f.pupil_id, f.code FROM base_factors f
    WHERE f.school_id IN (SELECT school_id FROM chosen)
      AND f.recorded <= $end_epoch AND f.known_from <= $end
      AND NOT EXISTS (SELECT 1 FROM base_factor_withdrawals w
                      WHERE w.factor_id = f.pk AND w.withdrawn <= $end_epoch);
CREATE TEMP TABLE encompass AS
    SELECT school_id, pupil_id,
           CAST(timezone($tz, to_timestamp(occurred)) AS DATE) AS occurred
    FROM base_encompass
    WHERE school_id IN (SELECT school_id FROM chosen)
      AND occurred BETWEEN $start_epoch AND $end_epoch;
"""


def _category_labels(school_ids: list[UUID]) -> tuple[dict[str, str], frozenset[str]]:
    """Category labels by code, and the codes that are neglect (CP code NEG)."""
    labels: dict[str, str] = {}
    neglect: set[str] = set()
    for code, label, cp_code in Category.objects.filter(school_id__in=school_ids).values_list(
        "code", "label", "cp_code"
    ):
        labels.setdefault(code, label)
        if cp_code == NEGLECT_CP_CODE:
            neglect.add(code)
    return labels, frozenset(neglect)


_SQL_SETUP = """
CREATE TEMP VIEW r AS SELECT * FROM $roll;
CREATE TEMP TABLE cur_cat AS
    SELECT DISTINCT c.concern_id, k.code, k.cp_code
    FROM categories c JOIN category_codes k USING (category_id);
CREATE TEMP TABLE inper AS
    SELECT * FROM concerns WHERE occurred BETWEEN $start AND $end;
CREATE TEMP TABLE cp AS
    SELECT DISTINCT i.school_id, i.concern_id, s.pupil_id, i.written
    FROM inper i JOIN subjects s USING (concern_id);
CREATE TEMP TABLE cpc AS
    SELECT cp.*, k.code, k.cp_code FROM cp JOIN cur_cat k USING (concern_id);
CREATE TEMP TABLE neg_concerns AS
    SELECT DISTINCT concern_id FROM cur_cat WHERE cp_code = 'NEG';
CREATE TEMP TABLE kids AS
    SELECT DISTINCT school_id, pupil_id FROM cp;
CREATE TEMP TABLE cur_dec AS
    SELECT concern_id, arg_max(outcome, decided) AS outcome,
           arg_max(review_date, decided) AS review_date,
           min(decided) AS first_decided
    FROM decisions GROUP BY ALL;
CREATE TEMP TABLE first_beyond AS
    SELECT concern_id, min(decided) AS decided FROM decisions
    WHERE outcome NOT IN ('nfa', 'monitor') GROUP BY ALL;
"""


def _setup(
    db: duckdb.DuckDBPyConnection,
    directory: Path,
    *,
    types: dict[str, dict[str, str]],
    roll: str,
    school_ids: list[UUID],
    period: Period,
    as_of_end: datetime,
) -> None:
    """Load the per-dashboard files written in `directory` (typed by `types`), then cut the
    store's copy to the schools and period; `roll` names the store's kept roll table."""
    for name, columns in types.items():
        _load(db, name, directory / f"{name}.tsv", columns)
    db.execute("CREATE TEMP TABLE chosen (school_id UUID)")
    db.executemany("INSERT INTO chosen VALUES (?)", [(str(s),) for s in school_ids])
    # Encompass notifications from the day before the period (the engine's window for a
    # notification that bears on the period's first day) to the end of the period.
    start = datetime.combine(period.start - timedelta(days=1), time.min, tzinfo=as_of_end.tzinfo)
    values = {
        "$end_epoch": str(int(as_of_end.timestamp())),
        "$start_epoch": str(int(start.timestamp())),
        "$tz": _q(settings.TIME_ZONE),
        "$start": f"DATE '{period.start}'",
        "$end": f"DATE '{period.end}'",
        "$roll": roll,
    }
    sql = _SQL_RECORDS + _SQL_SETUP
    for placeholder, value in values.items():
        sql = sql.replace(placeholder, value)
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _dimension_sql(as_of: date) -> str:
    bands = " ".join(
        f"WHEN age BETWEEN {low} AND {high} THEN {_q(label)}" for low, high, label in AGE_BANDS
    )
    groups = []
    for match, group in ethnicity_groups():
        if match.endswith("*"):
            groups.append(f"WHEN ethnicity LIKE {_q(match[:-1] + '%')} THEN {_q(group)}")
        else:
            groups.append(f"WHEN ethnicity = {_q(match)} THEN {_q(group)}")
    sen = " ".join(f"WHEN sen = {_q(v)} THEN {_q(label)}" for v, label in SenStatus.choices)
    sex = " ".join(f"WHEN sex = {_q(v)} THEN {_q(label)}" for v, label in Sex.choices)
    care = " ".join(
        f"WHEN social_care = {_q(v)} THEN {_q(label)}" for v, label in SocialCareStatus.choices
    )
    return f"""
    CREATE TEMP TABLE dims AS
    SELECT school_id, pupil_id, disadvantaged, k.kid IS NOT NULL AS has_concern,
           CASE {bands} ELSE 'Not known' END AS age_band,
           CASE {sex} ELSE 'Not known' END AS sex,
           CASE WHEN ethnicity IS NULL THEN 'Not known or refused' {" ".join(groups)}
                ELSE 'Not known or refused' END AS ethnicity,
           CASE {sen} ELSE 'Not known' END AS sen,
           CASE WHEN disability THEN 'Yes' ELSE 'No' END AS disability,
           CASE WHEN disadvantaged THEN 'Yes' ELSE 'No' END AS disadvantaged_label,
           CASE {care} ELSE 'Not known' END AS social_care
    FROM (SELECT *, date_part('year', age(DATE '{as_of}', dob))::INTEGER AS age FROM r) a
    LEFT JOIN (SELECT school_id, pupil_id, pupil_id AS kid FROM kids) k USING (school_id, pupil_id)
    """


def _factor_condition(slug: str) -> str | None:
    factor = next(f for f in household_factors() if f.slug == slug)
    parts = []
    if factor.concern_categories:
        codes = ", ".join(_q(c) for c in factor.concern_categories)
        parts.append(
            "EXISTS (SELECT 1 FROM cpc x WHERE x.school_id = k.school_id "
            f"AND x.pupil_id = k.pupil_id AND x.code IN ({codes}))"
        )
    if factor.factor_codes:
        codes = ", ".join(_q(c) for c in factor.factor_codes)
        parts.append(
            "EXISTS (SELECT 1 FROM factors f WHERE f.school_id = k.school_id "
            f"AND f.pupil_id = k.pupil_id AND f.code IN ({codes}))"
        )
    if factor.encompass:
        parts.append(
            "EXISTS (SELECT 1 FROM encompass e WHERE e.school_id = k.school_id "
            "AND e.pupil_id = k.pupil_id AND e.occurred BETWEEN $start AND $end)"
        )
    flag_columns = {"disadvantaged": "disadvantaged", "free_school_meals": "fsm"}
    for flag in factor.pupil_flags:
        parts.append(
            f"EXISTS (SELECT 1 FROM r WHERE r.school_id = k.school_id "
            f"AND r.pupil_id = k.pupil_id AND r.{flag_columns[flag]})"
        )
    return " OR ".join(parts) if parts else None


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


def _meetings(figures: dict[UUID, SchoolFigures], period: Period) -> None:
    """Multi-agency meetings held in the period and the team's time on them (casework)."""
    from casework.selectors import meeting_time

    for school_id, (n, minutes) in meeting_time(
        school_ids=list(figures), start=period.start, end=period.end
    ).items():
        figures[school_id].meetings = n
        figures[school_id].meeting_minutes = minutes
