"""Getting rows into DuckDB: the roll and codes as typed text files, the store's copy."""

import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
from django.conf import settings
from django.db import connection
from django.db.models import CharField, IntegerField, QuerySet
from django.db.models.functions import Cast

from analytics.periods import Period
from concerns.models import Category
from pupils.models import Enrolment


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
