"""Behaviour incidents from a school MIS export (CSV). All-or-nothing; errors name the line.

Columns (header row required, order free): incident_id, upn, date (YYYY-MM-DD), time (HH:MM,
optional), type, description (optional), action_taken (optional), recorded_by.
Rows whose incident_id the school already holds are skipped, so a re-run imports only new rows
(MIS feeds are read-only signals: interop.md §1, import rules [V]).
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.bounds import name_problem, quoted
from audit.models import AuditAction
from concerns.importers.common import ImportFailed, LineError, PupilLookup, parse_datetime
from concerns.models import BehaviourIncident, Source
from schools.models import Membership

REQUIRED = ("incident_id", "upn", "date", "type", "recorded_by")
# Each column's length in the table that keeps it: a longer value is refused, never cut short.
_COLUMN_LIMITS = {
    "incident_id": 100,
    "type": 120,
    "description": 50_000,
    "action_taken": 200,
    "recorded_by": 200,
}
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class BehaviourImportResult:
    created: int
    skipped: int
    dry_run: bool


def behaviour_import_csv(
    *, actor: Membership, text: str, dry_run: bool = False
) -> BehaviourImportResult:
    """Import every row or none; raise ImportFailed listing each bad line."""
    if actor.school_id is None:
        raise ImportFailed([LineError(0, "", "only a member of a school imports behaviour")])
    school_id = actor.school_id
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportFailed([LineError(reader.line_num or 1, "", f"not valid CSV ({exc})")]) from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed([LineError(1, c, "column is missing") for c in missing])
    reader.fieldnames = header
    lookup = PupilLookup.for_school(school_id)
    existing = set(
        BehaviourIncident.objects.filter(school_id=school_id)
        .exclude(source_ref="")
        .values_list("source_ref", flat=True)
    )
    errors: list[LineError] = []
    rows: list[BehaviourIncident] = []
    seen: set[str] = set()
    skipped = 0
    now = timezone.now()
    for number, raw in _rows(reader, errors):
        if number > MAX_ROWS:
            errors.append(LineError(number, "", f"more than {MAX_ROWS} rows"))
            break
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        ref = row.get("incident_id", "")
        if ref and ref in existing:
            skipped += 1
            continue
        result = _parse_row(actor, school_id, number, row, lookup=lookup, seen=seen, now=now)
        if isinstance(result, LineError):
            errors.append(result)
        else:
            rows.append(result)
    if errors:
        raise ImportFailed(errors)
    if not dry_run:
        with transaction.atomic():
            BehaviourIncident.objects.bulk_create(rows, batch_size=1000)
            audit.record(
                actor=actor,
                action=AuditAction.BEHAVIOUR_IMPORTED,
                details={"created": len(rows), "skipped": skipped},
            )
    return BehaviourImportResult(created=len(rows), skipped=skipped, dry_run=dry_run)


def _rows(
    reader: "csv.DictReader[str]", errors: list[LineError]
) -> "Iterator[tuple[int, dict[str, str]]]":
    """(line, row) for each row, stopping with a line-numbered error where the CSV is broken."""
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        errors.append(LineError(reader.line_num, "", f"not valid CSV ({exc})"))


def _parse_row(
    actor: Membership,
    school_id: UUID,
    number: int,
    row: dict[str, str],
    *,
    lookup: PupilLookup,
    seen: set[str],
    now: datetime,
) -> BehaviourIncident | LineError:
    for column, limit in _COLUMN_LIMITS.items():
        value = row.get(column) or ""
        if "\x00" in value:
            return LineError(number, column, "holds a NUL character (byte 0), which is not text")
        if len(value) > limit:
            return LineError(number, column, f"is {len(value):,} characters, longer than {limit}")
    if problem := name_problem(row.get("recorded_by") or ""):
        return LineError(number, "recorded_by", f"{quoted(row.get('recorded_by'), 60)} {problem}")
    ref = row.get("incident_id", "")
    if not ref:
        return LineError(number, "incident_id", "is empty")
    if ref in seen:
        return LineError(number, "incident_id", f"{quoted(ref)} appears twice in the file")
    seen.add(ref)
    pupil = lookup.get(row.get("upn", ""))
    if pupil is None:
        return LineError(number, "upn", f"{quoted(row.get('upn'))} is not a pupil here")
    try:
        occurred = parse_datetime(
            f"{row['date']}T{row['time']}" if row.get("time") else row["date"]
        )
    except ValueError as exc:
        return LineError(number, "date", str(exc))
    if occurred > now:
        return LineError(number, "date", "is in the future")
    if not row.get("type"):
        return LineError(number, "type", "is empty")
    return _incident(actor, school_id, pupil.pk, occurred, row, now)


def _incident(  # noqa: PLR0917 (one row's context, passed along)
    actor: Membership,
    school_id: UUID,
    pupil_id: UUID,
    occurred: datetime,
    row: dict[str, str],
    now: datetime,
) -> BehaviourIncident:
    return BehaviourIncident(
        school_id=school_id,
        pupil_id=pupil_id,
        occurred_at=occurred,
        incident_type=row["type"],
        description=row.get("description") or "",
        action_taken=row.get("action_taken") or "",
        author_name=row.get("recorded_by") or "MIS",
        source=Source.MIS,
        source_ref=row["incident_id"],
        recorded_by=actor,
        recorded_at=now,
    )
