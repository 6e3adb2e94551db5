"""Reading one pupil file and applying it in one transaction: the batch, its chunks, the
result and the audit of it."""

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit import rows as fast_rows
from audit import services as audit
from audit.models import AuditAction
from pupils.importers.apply.plan import INSERT_ORDER, Outcome
from pupils.importers.apply.writer import _ConflictError, _Writer
from pupils.importers.csv import CsvReader, Mapping
from pupils.importers.ctf import CtfReader
from pupils.importers.records import ImportFileError, PupilRecord
from pupils.models import Enrolment, ImportBatch, ImportKind, ImportStatus, RecordSource
from schools.models import Membership, School

SAMPLE_SIZE = 500
# Pupils read, matched and written together: one lookup per chunk, one insert per table.
CHUNK_SIZE = 400


@dataclass
class ImportResult:
    file_name: str
    kind: str
    dry_run: bool
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    sample: list[Outcome] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    not_in_file_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    batch_id: str = ""

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged

    def summary_line(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {self.file_name}: {self.added} added, {self.changed} changed, "
            f"{self.unchanged} left as they were; {self.not_in_file_count} on roll but not in "
            "the file (not changed)."
        )

    def as_summary(self) -> dict[str, object]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "not_in_file_count": self.not_in_file_count,
            "not_in_file": self.not_in_file[:SAMPLE_SIZE],
            "sample": [
                {"upn": o.upn, "name": o.name, "status": o.status, "changes": list(o.changes)}
                for o in self.sample
            ],
            "ignored_columns": self.ignored_columns,
        }


class _RollbackError(Exception):
    """Rolls a dry run back once it has done all its work."""


def file_sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def import_file(
    *,
    kind: ImportKind,
    stream: IO[bytes],
    file_name: str,
    school: School,
    actor: Membership | None,
    dry_run: bool,
    mapping: Mapping | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    today: date | None = None,
    batch: ImportBatch | None = None,
) -> ImportResult:
    """Import one file into `school`, all or nothing. Raises ImportFileError (audited) when the
    file is refused. `actor` None means the command line. `on_outcome` hears of every child."""
    today = today or timezone.localdate()
    sha256, size = file_sha256(stream)
    result = ImportResult(file_name=file_name, kind=str(kind), dry_run=dry_run)
    try:
        with transaction.atomic():
            _run(
                kind=kind,
                stream=stream,
                file_name=file_name,
                school=school,
                actor=actor,
                mapping=mapping,
                on_outcome=on_outcome,
                today=today,
                result=result,
            )
            if dry_run:
                raise _RollbackError
            batch = _save_batch(
                batch,
                school,
                kind,
                file_name,
                sha256,
                size,
                mapping,
                actor,
                result,
                ImportStatus.IMPORTED,
            )
            result.batch_id = str(batch.pk)
            audit.record(
                actor=actor,
                action=AuditAction.PUPILS_IMPORTED,
                target=batch,
                school_id=school.pk,
                details={"file": file_name, "sha256": sha256, **_counts(result)},
            )
            from pupils.services import household_suggestions_refresh

            household_suggestions_refresh(actor=actor, school=school)
    except _RollbackError:
        audit.record(
            actor=actor,
            action=AuditAction.PUPILS_IMPORT_PREVIEWED,
            school_id=school.pk,
            details={"file": file_name, "sha256": sha256, **_counts(result)},
        )
    except ImportFileError as error:
        with transaction.atomic():
            failed = _save_batch(
                batch,
                school,
                kind,
                file_name,
                sha256,
                size,
                mapping,
                actor,
                result,
                ImportStatus.FAILED,
            )
            failed.summary = {"problems": error.describe().splitlines()[:100]}
            failed.save(update_fields=["summary"])
            audit.record(
                actor=actor,
                action=AuditAction.PUPILS_IMPORT_REFUSED,
                target=failed,
                school_id=school.pk,
                details={"file": file_name, "sha256": sha256, "problems": error.problems[:20]},
            )
        raise
    return result


def _counts(result: ImportResult) -> dict[str, int]:
    return {
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "not_in_file": result.not_in_file_count,
    }


def _save_batch(  # noqa: PLR0917 — a private helper called from two places
    batch: ImportBatch | None,
    school: School,
    kind: ImportKind,
    file_name: str,
    sha256: str,
    size: int,
    mapping: Mapping | None,
    actor: Membership | None,
    result: ImportResult,
    status: ImportStatus,
) -> ImportBatch:
    if batch is None:
        batch = ImportBatch(
            school=school,
            kind=kind,
            file_name=file_name[:255],
            sha256=sha256,
            size=size,
            mapping=mapping.key if mapping else "",
            uploaded_by=actor,
        )
    batch.status = status
    batch.added, batch.changed, batch.unchanged = result.added, result.changed, result.unchanged
    batch.summary = result.as_summary()
    if status == ImportStatus.IMPORTED:
        batch.imported_at = timezone.now()
    batch.save()
    return batch


def _run(  # noqa: PLR0912 — reading, writing and reporting one file, in order
    *,
    kind: ImportKind,
    stream: IO[bytes],
    file_name: str,
    school: School,
    actor: Membership | None,
    mapping: Mapping | None,
    on_outcome: Callable[[Outcome], None] | None,
    today: date,
    result: ImportResult,
) -> None:
    reader: CtfReader | CsvReader
    effective = today
    if kind == ImportKind.CTF:
        reader = CtfReader(stream, file_name=file_name, today=today)
        source = RecordSource.CTF
    else:
        reader = CsvReader(stream, file_name=file_name, mapping=mapping)
        source = RecordSource.CSV
    writer: _Writer | None = None
    chunk: list[PupilRecord] = []
    # PostgreSQL: each chunk's new rows are copied on a writer thread while the next chunk is
    # read (ADR 25); SQLite works in this process, so there is nothing to overlap.
    copier = fast_rows.CopyThread() if connection.vendor == "postgresql" else None
    try:
        with _foreign_keys_checked_per_statement():
            for record in reader.records():
                if writer is None:
                    if isinstance(reader, CtfReader) and reader.header is not None:
                        _check_destination(reader, school)
                        if reader.header.file_date is not None:
                            effective = min(reader.header.file_date, today)
                    writer = _Writer(
                        school=school,
                        actor=actor,
                        source=source,
                        kind=kind,
                        file_name=file_name,
                        effective=effective,
                        copier=copier,
                    )
                if reader.problems:
                    # Keep reading to report every problem, but write nothing more.
                    continue
                chunk.append(record)
                if len(chunk) >= CHUNK_SIZE:
                    _apply_chunk(writer, chunk, reader, result, on_outcome)
                    chunk = []
            if writer is not None and chunk and not reader.problems:
                _apply_chunk(writer, chunk, reader, result, on_outcome)
            _stored(copier, reader)
    finally:
        if copier is not None:
            # Normally stored already; when the import is failing for another reason, its
            # error is the one to report, once the thread has let go of the connection.
            with contextlib.suppress(Exception):
                copier.close()
    seen = writer.applied if writer is not None else set()
    if isinstance(reader, CsvReader):
        result.ignored_columns = reader.ignored_columns
    if writer is None and not reader.problems:
        reader.problems.add(f"{file_name}: there are no pupils in the file.")
    reader.problems.raise_if_any()
    on_roll = (
        Enrolment.objects.filter(school=school, end_date__isnull=True)
        .values_list("pupil_id", "pupil__upn", "pupil__legal_forename", "pupil__legal_surname")
        .iterator(chunk_size=2000)
    )
    for pupil_id, upn, forename, surname in on_roll:
        if pupil_id not in seen:
            result.not_in_file_count += 1
            if len(result.not_in_file) < SAMPLE_SIZE:
                result.not_in_file.append(f"{upn} {forename} {surname}")


def _apply_chunk(
    writer: "_Writer",
    chunk: list[PupilRecord],
    reader: CtfReader | CsvReader,
    result: ImportResult,
    on_outcome: Callable[[Outcome], None] | None,
) -> None:
    if not _stored(writer.copier, reader):
        return
    writer.prefetch(chunk)
    for record in chunk:
        # A new child's rows wait for `flush`; a known child's changes are written now, each
        # child in a savepoint so that one refused change leaves the others to be checked.
        guard: AbstractContextManager[object] = (
            nullcontext() if writer.is_new(record) else transaction.atomic()
        )
        try:
            with guard:
                outcome = writer.apply(record)
        except _ConflictError as conflict:
            reader.problems.add(f"{record.location}: {conflict}")
            continue
        except IntegrityError as error:
            reader.problems.add(f"{record.location}: the database refused it ({error}).")
            continue
        setattr(result, outcome.status, getattr(result, outcome.status) + 1)
        if len(result.sample) < SAMPLE_SIZE and outcome.status != "unchanged":
            result.sample.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    if reader.problems:
        return
    what = f"{chunk[0].location} to {chunk[-1].location}"
    try:
        with transaction.atomic():
            writer.flush()
    except IntegrityError as error:
        reader.problems.add(f"{what}: the database refused them ({error}).")
        return
    if writer.copier is not None:
        writer.copier.send(what=what)


def _stored(copier: fast_rows.CopyThread | None, reader: CtfReader | CsvReader) -> bool:
    """Wait until the chunk the writer thread is copying is stored (before anything else uses
    the connection); the database's refusal of it becomes the file's problem, as a refusal of
    a chunk written here does."""
    if copier is None:
        return True
    what = copier.sending
    try:
        copier.wait()
    except IntegrityError as error:
        reader.problems.add(f"{what}: the database refused them ({error}).")
        return False
    return True


@contextlib.contextmanager
def _foreign_keys_checked_per_statement() -> Iterator[None]:
    """PostgreSQL: while the file is written, the pupil tables' foreign keys are checked as
    each statement (each chunk's COPY) ends, rather than all at commit.

    The same constraints, in the same transaction: a row whose key points nowhere is refused
    just the same, only sooner. At commit the checks ran in series with everything else (about
    12 a child, 4.8 s of 50,000 children); a chunk's now run on the server while the writer
    thread waits for its COPY and the import reads the next chunk (ADR 25). They are deferred
    again (as Django creates them) before anything else in the transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in INSERT_ORDER]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint WHERE contype = 'f' "
            "AND condeferrable AND condeferred AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        (names,) = cursor.fetchone() or ("",)
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def _check_destination(reader: CtfReader, school: School) -> None:
    header = reader.header
    assert header is not None
    addressed = header.dest_la.isdigit() and header.dest_estab.isdigit()
    if addressed and (header.dest_la, header.dest_estab) != (
        school.la_code,
        school.establishment_number,
    ):
        raise ImportFileError(
            [
                f"{reader.file_name}: <Header>/<DestSchool> is {header.dest_la}/"
                f"{header.dest_estab}, but this is {school.name} ({school.dfe_number}). "
                "Import a CTF only at the school it was sent to."
            ]
        )
