"""History from another safeguarding system: JSON Lines or CSV (docs/import-format.md).

All-or-nothing: every line is checked first and every problem is reported with its line number
and field; nothing is written unless the whole file is good. Imported records keep their original
dates, authors and source; they are marked as imported, and the person who ran the import is in
the audit trail. A record whose `source_ref` the school already holds is skipped, so the same file
can be run twice.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from concerns.importers.common import (
    BadLine,
    ImportFailed,
    LineError,
    PupilLookup,
)
from concerns.importers.history_check import CheckedRecord, Checker
from concerns.importers.history_lines import extra_kinds, read_csv, read_json_lines
from concerns.importers.history_write import discard_files, write_records
from concerns.services import categories_ensure
from schools.models import Membership

__all__ = ["ImportResult", "extra_kinds", "import_history", "read_csv", "read_json_lines"]

MAX_LINES = 200_000


@dataclass
class ImportResult:
    created: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values())


def import_history(
    *,
    actor: Membership,
    lines: Iterable[tuple[int, dict[str, Any] | LineError]],
    source_system: str,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ImportResult:
    """Check every line, then write them all in one transaction (or, for a dry run, none)."""
    if actor.school is None:
        raise ImportFailed([LineError(0, "", "the import must be run for a school")])
    result = ImportResult(dry_run=dry_run)
    files: list[Path] = []  # attachments' files: deleted unless the import commits
    try:
        _import(
            actor,
            lines,
            source_system=source_system,
            dry_run=dry_run,
            progress=progress,
            files=files,
            result=result,
        )
    except BaseException:
        discard_files(files)
        raise
    return result


def _import(
    actor: Membership,
    lines: Iterable[tuple[int, dict[str, Any] | LineError]],
    *,
    source_system: str,
    dry_run: bool,
    progress: Callable[[int], object] | None,
    files: list[Path],
    result: ImportResult,
) -> None:
    school = actor.school
    assert school is not None
    with transaction.atomic():
        categories_ensure(school=school)
        checker = Checker(
            school_id=school.pk, lookup=PupilLookup.for_school(school.pk), now=timezone.now()
        )
        records: list[CheckedRecord] = []
        errors: list[LineError] = []
        for number, raw in lines:
            if number > MAX_LINES:
                errors.append(LineError(number, "", f"the file has more than {MAX_LINES} lines"))
                break
            if isinstance(raw, LineError):
                errors.append(raw)
                continue
            try:
                record = checker.check(number, raw)
            except BadLine as bad:
                errors.append(bad.error)
                continue
            except (RecursionError, TypeError, ValueError) as exc:
                # Anything a check did not foresee still names its line, and refuses the file.
                errors.append(LineError(number, "", f"could not be read ({type(exc).__name__})"))
                continue
            if record is None:
                result.skipped += 1
            else:
                records.append(record)
        if errors:
            raise ImportFailed(errors)
        write_records(
            actor=actor,
            records=records,
            source_system=source_system,
            progress=progress,
            files=files,
        )
        result.created.update(r.kind for r in records)
        pupils = Counter(r.pupil.pk for r in records)
        for pupil_id, count in pupils.items():
            audit.record(
                actor=actor,
                action=AuditAction.HISTORY_IMPORTED,
                pupil_id=pupil_id,
                details={"records": count, "source_system": source_system, "dry_run": dry_run},
            )
        if dry_run:
            transaction.set_rollback(True)
            discard_files(files)
