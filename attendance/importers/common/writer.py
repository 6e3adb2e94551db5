"""Writing week rows in bulk: merged with what is stored, amendments kept, copied to the
database on a background thread (all-or-nothing, idempotent; docs/import-attendance.md)."""

import contextlib
import tempfile
import uuid
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.db import connection
from django.utils import timezone

from attendance.codes import NO_MARK, SESSIONS_PER_WEEK, code_table
from attendance.importers.common.rolls import WeekRecord
from attendance.models import AttendanceAmendment, AttendanceImport, AttendanceWeek, ColumnarState
from audit.rows import quick_handoffs


@dataclass
class WriteCounts:
    marks: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def _merge(old: str, new: str) -> str:
    return "".join(n if n != NO_MARK else o for o, n in zip(old, new, strict=True))


def _raw_tokens(marks: str, raw: str) -> list[str]:
    if raw:
        return raw.split(" ")
    by_storage = code_table().by_storage
    return [by_storage[c].code if c != NO_MARK else NO_MARK for c in marks]


def _merge_raw(old_marks: str, old_raw: str, new_marks: str, new_raw: str, merged: str) -> str:
    if not old_raw and not new_raw:
        return ""
    old_tokens = _raw_tokens(old_marks, old_raw)
    new_tokens = _raw_tokens(new_marks, new_raw)
    tokens = [
        n if m != NO_MARK else o for o, n, m in zip(old_tokens, new_tokens, new_marks, strict=True)
    ]
    by_storage = code_table().by_storage
    plain = [by_storage[c].code if c != NO_MARK else NO_MARK for c in merged]
    return "" if tokens == plain else " ".join(tokens)


def _merge_late(old: str, new: str, new_marks: str) -> str:
    if not new:
        return old
    old_values = old.split(",") if old else [""] * SESSIONS_PER_WEEK
    new_values = new.split(",")
    merged = [
        n if m != NO_MARK else o for o, n, m in zip(old_values, new_values, new_marks, strict=True)
    ]
    return "" if not any(merged) else ",".join(merged)


class WeekWriter:
    """Writes week rows in batches: inserts new weeks, merges into existing ones (a session
    the file leaves blank keeps its mark), and keeps what a changed week held as an amendment.
    Re-importing the same file changes nothing."""

    BATCH = 20_000
    COPIES_QUEUED = 2  # batches handed to the writer thread and not yet stored, at most

    def __init__(self, *, batch: AttendanceImport) -> None:
        self.batch = batch
        self.counts = WriteCounts()
        self.buffer: list[WeekRecord] = []
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.batch_id = self._db(AttendanceImport._meta.pk, batch.pk)
        self.week_table = connection.ops.quote_name(AttendanceWeek._meta.db_table)
        self.amend_table = connection.ops.quote_name(AttendanceAmendment._meta.db_table)
        self._tuned = False
        # Schools with no weeks before this import: only pupils this import has already
        # written need looking up, and the rows written are teed to a file from which the
        # school's Parquet copy is built after commit (no second read of the database).
        self._fresh: dict[UUID, bool] = {}
        self._written: dict[UUID, set[Any]] = {}
        self._tee_dir: tempfile.TemporaryDirectory[str] | None = None
        self._tees: dict[UUID, IO[str]] = {}
        # On PostgreSQL new rows go in by COPY on a writer thread, so the server stores one
        # batch while this thread parses the next (the two run on different cores). The thread
        # uses this connection (and so this transaction); psycopg serialises the two threads'
        # statements, and `_drain()` is the barrier before anything reads what was written.
        self._copier: ThreadPoolExecutor | None = None
        # COPYs queued or running on the writer thread, oldest first (at most COPIES_QUEUED).
        self._copying: deque[Future[None]] = deque()
        self._fresh_pending: dict[UUID, Future[bool]] = {}
        self._last_school: UUID | None = None

    @staticmethod
    def _db(field: Any, value: Any) -> Any:
        return field.get_db_prep_value(value, connection)

    def _is_fresh(self, school_id: UUID, school_db: Any) -> bool:
        fresh = self._fresh.get(school_id)
        if fresh is None:
            pending = self._fresh_pending.pop(school_id, None)
            if pending is not None:
                fresh = pending.result()
            else:
                # Lock the school's columnar state: imports for one school queue behind each
                # other.
                ColumnarState.objects.select_for_update().get_or_create(school_id=school_id)
                fresh = not AttendanceWeek.objects.filter(school_id=school_id).exists()
            self._fresh[school_id] = fresh
            if fresh:
                if self._tee_dir is None:
                    self._tee_dir = tempfile.TemporaryDirectory(prefix="cairn-attendance-")
                path = Path(self._tee_dir.name) / f"{school_id}.tsv"
                self._tees[school_id] = path.open("w", encoding="utf-8", newline="")
                self._written[school_id] = set()
        return fresh

    def _drop_tee(self, school_id: UUID) -> None:
        tee = self._tees.pop(school_id, None)
        if tee is not None:
            tee.close()

    def teed_files(self) -> dict[UUID, Path]:
        """Files holding every row of each school written only by this import (complete)."""
        assert self._tee_dir is not None or not self._tees
        files = {}
        for school_id, tee in self._tees.items():
            tee.close()
            files[school_id] = Path(tee.name)
        return files

    def _drain(self, keep: int = 0) -> None:
        """Wait for the COPYs in flight until at most `keep` remain, raising an error here (the
        transaction then rolls back)."""
        while len(self._copying) > keep:
            self._copying.popleft().result()

    def _executor(self) -> ThreadPoolExecutor:
        if self._copier is None:
            quick_handoffs.enter()
            self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cairn-copy")
        return self._copier

    def _check_fresh_in_background(self, school_id: UUID) -> None:
        """On PostgreSQL, lock a newly seen school's columnar state and ask whether it holds
        weeks already on the writer thread, queued behind the COPY in flight; its rows are
        still being parsed, so the answer is ready before its first batch needs it (`_is_fresh`).
        The same statements as the synchronous path, on the import's own connection."""
        raw = connection.connection
        state = connection.ops.quote_name(ColumnarState._meta.db_table)
        school_db = self._db(AttendanceWeek._meta.get_field("school"), school_id)
        token = self._db(ColumnarState._meta.get_field("version_token"), uuid.uuid4())

        def check() -> bool:
            with raw.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {state} (school_id, version_token, changed_at) "  # noqa: S608
                    "VALUES (%s, %s, %s) ON CONFLICT (school_id) DO NOTHING",
                    [school_db, token, self.now],
                )
                cursor.execute(
                    f"SELECT 1 FROM {state} WHERE school_id = %s FOR UPDATE",  # noqa: S608
                    [school_db],
                )
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {self.week_table} "  # noqa: S608
                    "WHERE school_id = %s)",
                    [school_db],
                )
                row = cursor.fetchone()
                return not row[0]

        self._fresh_pending[school_id] = self._executor().submit(check)

    def _copy_in_background(self, rows: list[tuple[Any, ...]], columns: str) -> None:
        # The text is built here, before waiting for the COPY in flight: the writer thread then
        # only sends bytes (with the GIL released), which keeps the server fed.
        text = _copy_text(rows).encode()
        # One batch may wait queued behind the one being stored, so a batch that parses
        # quickly (a school's last, short one) does not leave the server idle.
        self._drain(keep=self.COPIES_QUEUED - 1)
        self._executor()
        assert self._copier is not None
        raw = connection.connection
        statement = f"COPY {self.week_table} ({columns}) FROM STDIN"

        def copy() -> None:
            with raw.cursor() as cursor, cursor.copy(statement) as stream:
                stream.write(text)

        self._copying.append(self._copier.submit(copy))

    def finish(self) -> None:
        """Write what is buffered and wait until every row is in the database."""
        try:
            self.flush()
            self._drain()
            for pending in self._fresh_pending.values():  # schools seen but not written
                pending.result()
            self._fresh_pending.clear()
        finally:
            self._stop_copier()

    def _stop_copier(self) -> None:
        if self._copier is not None:
            try:
                self._copier.shutdown(wait=True)
            finally:
                self._copier = None
                quick_handoffs.leave()

    def cleanup(self) -> None:
        """Let any COPY in flight end (its error no longer matters), then drop the tee files."""
        with contextlib.suppress(Exception):  # the import is refused or rolling back already
            self._drain()
        for pending in self._fresh_pending.values():
            with contextlib.suppress(Exception):
                pending.result()
        self._fresh_pending.clear()
        self._stop_copier()
        for tee in self._tees.values():
            tee.close()
        if self._tee_dir is not None:
            self._tee_dir.cleanup()

    def add(self, record: WeekRecord) -> None:
        if record.school_id is not self._last_school:  # rows come school by school
            self._last_school = record.school_id
            if (
                connection.vendor == "postgresql"
                and record.school_id not in self._fresh
                and record.school_id not in self._fresh_pending
            ):
                self._check_fresh_in_background(record.school_id)
        self.counts.marks += SESSIONS_PER_WEEK - record.marks.count(NO_MARK)
        self.buffer.append(record)
        if len(self.buffer) >= self.BATCH:
            self.flush(self._batch_end())

    def _batch_end(self) -> int:
        """Where to end a full batch: before the last pupil's run of rows, so that a pupil whose
        weeks come together (as every MIS writes them) is written in one batch. The next batch
        then starts with pupils this import has not written, whose weeks need no look-up, and
        so no wait for the COPY in flight (see `_existing`)."""
        buffer = self.buffer
        last = buffer[-1]
        for index in range(len(buffer) - 2, -1, -1):
            record = buffer[index]
            if record.pupil_id != last.pupil_id or record.school_id != last.school_id:
                return index + 1
        return len(buffer)  # one pupil fills the batch: write it all

    def add_all(self, records: Iterable[WeekRecord]) -> None:
        for record in records:
            self.add(record)

    def flush(self, end: int | None = None) -> None:
        """Write the buffered rows (the first `end` of them, if given; the rest stay)."""
        if not self.buffer:
            return
        if not self._tuned and connection.vendor == "sqlite":
            # A larger page cache for this connection keeps the unique index's pages in memory
            # while a year of weeks goes in (about 1.6 million rows for 40,000 pupils).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
            self._tuned = True
        if end is None:
            end = len(self.buffer)
        records, self.buffer = self.buffer[:end], self.buffer[end:]
        by_school: dict[UUID, dict[tuple[Any, date], WeekRecord]] = {}
        school_id: UUID | None = None
        school_records: dict[tuple[Any, date], WeekRecord] = {}
        for record in records:
            key = (record.pupil_id, record.week_start)
            if record.school_id is not school_id:  # rows come school by school
                school_id = record.school_id
                school_records = by_school.setdefault(school_id, {})
            previous = school_records.get(key)
            if previous is not None:  # the same week twice in one batch: merge in file order
                merged = _merge(previous.marks, record.marks)
                school_records[key] = WeekRecord(
                    school_id=record.school_id,
                    pupil_id=record.pupil_id,
                    week_start=record.week_start,
                    marks=merged,
                    raw_marks=_merge_raw(
                        previous.marks, previous.raw_marks, record.marks, record.raw_marks, merged
                    ),
                    minutes_late=_merge_late(
                        previous.minutes_late, record.minutes_late, record.marks
                    ),
                )
            school_records[key] = record
        for school_id, keyed in by_school.items():
            self._write_school(school_id, keyed)

    def _existing(
        self, school_id: UUID, school_db: Any, keyed: dict[tuple[Any, date], WeekRecord]
    ) -> dict[tuple[Any, date], tuple[Any, str, str, str, Any]]:
        pupils = sorted({k[0] for k in keyed}, key=str)
        if self._is_fresh(school_id, school_db):
            written = self._written[school_id]
            pupils = [p for p in pupils if p in written]
        if not pupils:
            return {}
        self._drain()  # rows still being copied must be seen
        weeks = [k[1] for k in keyed]
        low = connection.ops.adapt_datefield_value(min(weeks))
        high = connection.ops.adapt_datefield_value(max(weeks))
        found: dict[tuple[Any, date], tuple[Any, str, str, str, Any]] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(pupils), 500):
                chunk = pupils[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT id, pupil_id, week_start, marks, raw_marks, minutes_late, "  # noqa: S608
                    f"last_import_id FROM {self.week_table} WHERE school_id = %s "
                    f"AND week_start BETWEEN %s AND %s AND pupil_id IN ({marks})",
                    [school_db, low, high, *chunk],
                )
                for row_id, pupil_id, week, old_marks, old_raw, old_late, last in cursor:
                    day = week if isinstance(week, date) else date.fromisoformat(week)
                    key = (str(pupil_id), day)
                    found[key] = (row_id, old_marks, old_raw, old_late, last)
        return found

    def _write_school(self, school_id: UUID, keyed: dict[tuple[Any, date], WeekRecord]) -> None:
        school_db = self._db(AttendanceWeek._meta.get_field("school"), school_id)
        existing = self._existing(school_id, school_db, keyed)
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        amendments: list[tuple[Any, ...]] = []
        adapt = connection.ops.adapt_datefield_value
        for key, record in keyed.items():
            old = existing.get(key)
            if old is None:
                inserts.append(
                    (
                        school_db,
                        key[0],
                        adapt(record.week_start),
                        record.marks,
                        record.raw_marks,
                        record.minutes_late,
                        self.batch_id,
                        self.now,
                    )
                )
                continue
            row_id, old_marks, old_raw, old_late, last = old
            merged = _merge(old_marks, record.marks)
            raw = _merge_raw(old_marks, old_raw, record.marks, record.raw_marks, merged)
            late = _merge_late(old_late, record.minutes_late, record.marks)
            if (merged, raw, late) == (old_marks, old_raw, old_late):
                self.counts.unchanged += 1
                continue
            updates.append((merged, raw, late, self.batch_id, self.now, row_id))
            amendments.append((row_id, old_marks, old_raw, old_late, last, self.batch_id, self.now))
        inserts.sort(key=itemgetter(1, 2))
        tee = self._tees.get(school_id)
        if tee is not None and updates:
            self._drop_tee(school_id)  # the file would no longer hold the whole school
            tee = None
        if tee is not None:
            self._written[school_id].update(row[1] for row in inserts)
            tee.write("".join(f"{row[1]}\t{row[2]}\t{row[3]}\n" for row in inserts))
        self.counts.created += len(inserts)
        self.counts.changed += len(updates)
        columns = (
            "school_id, pupil_id, week_start, marks, raw_marks, minutes_late, last_import_id, "
            "recorded_at"
        )
        if inserts and connection.vendor == "postgresql":
            self._copy_in_background(inserts, columns)
            inserts = []
        if updates:
            self._drain()
        with connection.cursor() as cursor:
            if inserts:
                cursor.executemany(
                    f"INSERT INTO {self.week_table} ({columns}) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    inserts,
                )
            if updates:
                cursor.executemany(
                    f"UPDATE {self.week_table} SET marks = %s, raw_marks = %s, "  # noqa: S608
                    "minutes_late = %s, last_import_id = %s, recorded_at = %s WHERE id = %s",
                    updates,
                )
                cursor.executemany(
                    f"INSERT INTO {self.amend_table} (week_id, previous_marks, "  # noqa: S608
                    "previous_raw_marks, previous_minutes_late, previous_import_id, "
                    "amended_by_import_id, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    amendments,
                )


def _copy_text(rows: list[tuple[Any, ...]]) -> str:
    """Week rows as PostgreSQL COPY text, built at once (faster than a row at a time).

    Only the marks and raw marks can hold a backslash (the afternoon present mark), which COPY's
    text format escapes; ids, dates and times are plain. Minutes late are digits and commas."""
    if not rows:
        return ""
    school, _pupil, _week, _marks, _raw, _late, batch, now = rows[0]  # one school, one batch
    head = f"{school}\t"
    tail = f"\t{batch}\t{now.isoformat()}\n"
    slash, escaped = "\\", "\\\\"
    return "".join(
        f"{head}{pupil}\t{week}\t{marks.replace(slash, escaped)}\t"
        f"{raw.replace(slash, escaped)}\t{late}{tail}"
        for _school, pupil, week, marks, raw, late, _batch, _now in rows
    )
