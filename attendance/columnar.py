"""The columnar copy of each school's registers: a Parquet file DuckDB scans.

See docs/adr/0007-attendance-storage.md.

The database is the record; the Parquet file is a derived copy, one per school, named by the
school's current `ColumnarState.version_token`. An import bumps the token in its transaction
and rebuilds the file after commit; a reader that finds no file for the current token rebuilds
it first, so measures never read a stale copy. Both SQLite and PostgreSQL deployments produce
the same file from the same rows, so the measures give the same answers on both.
"""

import csv
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db import connection

from attendance.models import AttendanceWeek, ColumnarState


def store_dir() -> Path:
    return Path(settings.CAIRN_ATTENDANCE_STORE_DIR)


def _path(school_id: UUID, token: UUID) -> Path:
    return store_dir() / str(school_id) / f"{token}.parquet"


def _tokens(school_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    return dict(
        ColumnarState.objects.filter(school_id__in=list(school_ids)).values_list(
            "school_id", "version_token"
        )
    )


def rebuild(*, school_id: UUID, token: UUID, tsv: Path | None = None) -> Path:
    """Write the school's Parquet file for `token` from the database's week rows, or from
    `tsv` (pupil id, week start, marks) when the importer holds every row of the school."""
    target = _path(school_id, token)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = connection.ops.quote_name(AttendanceWeek._meta.db_table)
    school_db = AttendanceWeek._meta.get_field("school").get_db_prep_value(school_id, connection)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        if tsv is None:
            tsv = Path(work) / "weeks.tsv"
            with (
                tsv.open("w", newline="", encoding="utf-8") as handle,
                connection.cursor() as cursor,
            ):
                # Storage characters hold no tab, quote or newline, so nothing needs escaping.
                writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                cursor.execute(
                    f"SELECT pupil_id, week_start, marks FROM {table} WHERE school_id = %s",
                    [school_db],
                )
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
        partial = Path(work) / "weeks.parquet"
        from attendance.measures import connect

        db = connect()
        try:
            db.execute(
                f"""COPY (
                    SELECT '{school_id}'::UUID AS school_id, pupil_id::UUID AS pupil_id,
                           week_start::DATE AS week_start, marks
                    FROM read_csv('{tsv}', delim='\t', header=false, quote='', escape='',
                                  columns={{'pupil_id': 'VARCHAR', 'week_start': 'VARCHAR',
                                            'marks': 'VARCHAR'}})
                    ORDER BY pupil_id, week_start
                ) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)"""
            )
        finally:
            db.close()
        os.replace(partial, target)
    for old in target.parent.glob("*.parquet"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def ensure_current(
    *, school_ids: Iterable[UUID], teed: dict[UUID, Path] | None = None
) -> dict[UUID, Path]:
    """The current Parquet file of each school that has registers, rebuilding any missing
    (from an importer's complete file of the school's rows where `teed` has one)."""
    files: dict[UUID, Path] = {}
    teed = teed or {}
    for school_id, token in _tokens(school_ids).items():
        path = _path(school_id, token)
        if not path.exists():
            path = rebuild(school_id=school_id, token=token, tsv=teed.get(school_id))
        files[school_id] = path
    return files
