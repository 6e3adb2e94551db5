"""Writes to attendance: importing registers, setting and withdrawing a school's code mappings."""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from uuid import UUID, uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from attendance import columnar
from attendance.access import CODE_MAPPERS
from attendance.codes import code_table
from attendance.importers.common import (
    MAX_PROBLEMS,
    AttendanceImportError,
    Problem,
    Rolls,
    RowError,
    WeekRecord,
    WeekWriter,
)
from attendance.importers.csv_format import CsvFormatError, parse_csv
from attendance.importers.ctf import parse_ctf
from attendance.models import (
    AttendanceImport,
    AttendanceWeek,
    CodeMapping,
    ColumnarState,
    ImportSource,
    ImportStatus,
)
from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from schools.models import Membership, School

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    batch: AttendanceImport
    school_ids: list[UUID] = field(default_factory=list)

    @property
    def summary(self) -> str:
        b = self.batch
        verb = "Checked" if b.status == ImportStatus.DRY_RUN else "Imported"
        return (
            f"{verb} {b.marks_read:,} marks from {b.file_name}: {b.weeks_created:,} pupil-weeks "
            f"new, {b.weeks_changed:,} amended, {b.weeks_unchanged:,} unchanged"
            + (f"; {len(b.warnings)} warnings" if b.warnings else "")
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_xml(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


class _CountingLines:
    """Text lines of a binary file, reporting bytes read to `progress` every so often."""

    def __init__(self, handle: IO[bytes], progress: Progress | None) -> None:
        self.handle = handle
        self.progress = progress

    def __iter__(self) -> Iterator[str]:
        pending = 0
        for number, line in enumerate(self.handle, start=1):
            pending += len(line)
            if self.progress is not None and pending > 1 << 20:
                self.progress(pending)
                pending = 0
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                raise CsvFormatError(f"row {number}: not UTF-8 text") from None
        if self.progress is not None and pending:
            self.progress(pending)


def _read_and_write(  # noqa: PLR0912 (one branch per kind of refusal)
    *,
    path: Path,
    is_ctf: bool,
    rolls: Rolls,
    writer: WeekWriter,
    batch: AttendanceImport,
    problems: list[Problem],
    warnings: list[str],
    progress: Progress | None,
) -> None:
    """Parse the file and write its weeks; a bad row or file goes into `problems`."""
    try:
        with path.open("rb") as handle:
            if is_ctf:
                stream = parse_ctf(handle, rolls, warnings)
                if progress is not None:
                    progress(path.stat().st_size)
            else:
                kind, stream = parse_csv(_CountingLines(handle, progress), rolls)
                if kind == "sessions":
                    batch.source = ImportSource.CSV_SESSIONS
            for where, item in stream:
                if isinstance(item, RowError):
                    problems.append(Problem(where, str(item)))
                    if len(problems) >= MAX_PROBLEMS:
                        break
                elif not problems:
                    writer.add(item)
        if not problems:
            writer.finish()
    except CsvFormatError as exc:
        problems.append(Problem("file", str(exc)))
    except RowError as exc:
        problems.append(Problem("file", str(exc)))
    except SyntaxError as exc:  # ElementTree.ParseError and defusedxml's refusals
        problems.append(Problem("file", f"not well-formed or refused XML: {exc}"))
    except ValueError as exc:  # defusedxml: DTDs, entities
        problems.append(Problem("file", f"refused XML: {exc}"))


@transaction.atomic
def attendance_import(
    *,
    actor: Membership | None,
    path: Path,
    file_name: str = "",
    school: School | None = None,
    allowed_school_ids: set[UUID] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file of registers (CSV or CTF), whole or not at all.

    Raises AttendanceImportError naming each bad row and field (up to 25); nothing is written.
    Idempotent: importing the same file again changes nothing. `school` is used for rows with
    no `urn`; `allowed_school_ids` limits which schools the file may write (an uploader's own).
    With `dry_run`, everything is checked and then rolled back.
    """
    file_name = file_name or path.name
    is_ctf = _is_xml(path)
    batch = AttendanceImport.objects.create(
        source=ImportSource.CTF if is_ctf else ImportSource.CSV_WEEKS,
        file_name=file_name[:255],
        sha256=_sha256(path),
        imported_by=actor,
        status=ImportStatus.DRY_RUN if dry_run else ImportStatus.COMPLETED,
    )
    rolls = Rolls(default_school=school, allowed_school_ids=allowed_school_ids)
    writer = WeekWriter(batch=batch)
    problems: list[Problem] = []
    warnings: list[str] = []
    try:
        _read_and_write(
            path=path,
            is_ctf=is_ctf,
            rolls=rolls,
            writer=writer,
            batch=batch,
            problems=problems,
            warnings=warnings,
            progress=progress,
        )
    except BaseException:
        writer.cleanup()  # no COPY may still be running when the transaction rolls back
        raise
    if problems:
        writer.cleanup()
        raise AttendanceImportError(problems)
    counts = writer.counts
    batch.marks_read = counts.marks
    batch.weeks_created = counts.created
    batch.weeks_changed = counts.changed
    batch.weeks_unchanged = counts.unchanged
    batch.warnings = warnings[:500]
    batch.save()
    school_ids = list(rolls.loaded)
    result = ImportResult(batch=batch, school_ids=school_ids)
    if dry_run:
        writer.cleanup()
        transaction.set_rollback(True)
        return result
    if counts.created or counts.changed:
        for school_id in school_ids:
            ColumnarState.objects.update_or_create(
                school_id=school_id, defaults={"version_token": uuid4()}
            )
    audit.record(
        actor=actor,
        action=AuditAction.ATTENDANCE_IMPORTED,
        target=batch,
        school_id=school.pk if school is not None else None,
        details={
            "file": batch.file_name,
            "sha256": batch.sha256,
            "marks": counts.marks,
            "created": counts.created,
            "changed": counts.changed,
            "unchanged": counts.unchanged,
            "schools": [str(s) for s in school_ids],
        },
    )
    teed = writer.teed_files()

    def write_columnar_copies() -> None:
        try:
            columnar.ensure_current(school_ids=school_ids, teed=teed)
        finally:
            writer.cleanup()

    transaction.on_commit(write_columnar_copies)
    batch_id = batch.pk
    announce_records_changed(
        pupil_ids=AttendanceWeek.objects.filter(last_import_id=batch_id)
        .values_list("pupil_id", flat=True)
        .distinct()
    )
    return result


@transaction.atomic
def code_mapping_set(
    *, actor: Membership, school: School, raw_code: str, statutory_code: str
) -> CodeMapping:
    """Map a school's raw MIS code to a statutory code (`attendance.md` §5 vendor sub-codes).

    A later import reads the raw code as the statutory one; marks already stored keep theirs.
    """
    raw_code = raw_code.strip()
    if code_table().get(statutory_code) is None:
        raise ValueError(f"{statutory_code!r} is not a statutory attendance code")
    if not raw_code or any(ch.isspace() for ch in raw_code):
        raise ValueError("a raw code is one or more characters without spaces")
    if CodeMapping.objects.in_force().filter(school=school, raw_code=raw_code).exists():
        raise ValueError(f"{raw_code} is already mapped for this school")
    mapping = CodeMapping.objects.create(
        school=school, raw_code=raw_code, statutory_code=statutory_code, created_by=actor
    )
    audit.record(
        actor=actor,
        action=AuditAction.ATTENDANCE_CODE_MAPPED,
        target=mapping,
        details={"raw_code": raw_code, "statutory_code": statutory_code},
    )
    return mapping


@transaction.atomic
def code_mapping_withdraw(*, actor: Membership, mapping: CodeMapping, reason: str) -> CodeMapping:
    """Withdraw one of a school's equivalents, saying why; nothing is deleted.

    Later imports no longer read the raw code through it (a file still using the code is refused
    until it has an equivalent again, or is read through a default one); marks already stored keep
    the statutory code they were read as. Raises PermissionDenied for anyone but the school's own
    code mappers, ValidationError without a reason or for an equivalent already withdrawn.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Enter why you are withdrawing this equivalent.")
    if actor.role not in CODE_MAPPERS or actor.school_id is None:
        raise PermissionDenied("Only the school's own register importers withdraw equivalents.")
    if actor.school_id != mapping.school_id:
        raise PermissionDenied("An equivalent is withdrawn only by its own school.")
    # Lock the row so that two people withdrawing at once leave one withdrawal, not two.
    locked = CodeMapping.objects.select_for_update().get(pk=mapping.pk)
    if locked.is_withdrawn:
        raise ValidationError(f"{locked.raw_code} was withdrawn already.")
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.withdrawn_reason = reason
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.ATTENDANCE_CODE_MAPPING_WITHDRAWN,
        target=locked,
        school_id=locked.school_id,
        reason=reason,
        details={"raw_code": locked.raw_code, "statutory_code": locked.statutory_code},
    )
    return locked


__all__ = ["AttendanceImportError", "ImportResult", "WeekRecord", "attendance_import"]
