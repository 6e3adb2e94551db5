"""History from another safeguarding system: JSON Lines or CSV (docs/import-format.md).

All-or-nothing: every line is checked first and every problem is reported with its line number
and field; nothing is written unless the whole file is good. Imported records keep their original
dates, authors and source; they are marked as imported, and the person who ran the import is in
the audit trail. A record whose `source_ref` the school already holds is skipped, so the same file
can be run twice.
"""

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from audit import services as audit
from audit.bounds import clip, name_problem, quoted
from audit.models import AuditAction
from concerns.importers.common import (
    BadLine,
    ImportFailed,
    LineError,
    PupilLookup,
    parse_datetime,
)
from concerns.models import (
    AllegationRecord,
    BehaviourIncident,
    Category,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    Outcome,
    Part,
    Source,
)
from concerns.services import categories_ensure
from pupils.models import Pupil
from schools.models import Membership

KINDS = ("concern", "decision", "behaviour")
MAX_LINES = 200_000
MAX_TEXT = 50_000
CSV_COLUMNS = (
    "kind",
    "upn",
    "occurred_at",
    "written_at",
    "author_name",
    "author_role",
    "text",
    "child_words",
    "categories",
    "location",
    "source_ref",
    "concern_ref",
    "outcome",
    "review_date",
    "referral_reference",
    "referral_date",
    "incident_type",
    "adult_name",
    "adult_role",
)


@dataclass
class ImportResult:
    created: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values())


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    kind: str
    pupil: Pupil
    occurred_at: datetime
    written_at: datetime
    author_name: str
    author_role: str
    text: str
    fields: dict[str, Any]


MAX_DEPTH = 4  # a line, its author object or category list, and one spare level


def _too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """True when objects and lists nest deeper than `limit` (checked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[object] = ()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def read_json_lines(text: str) -> Iterator[tuple[int, dict[str, Any] | LineError]]:
    """Each line of a JSON Lines file, or the error that names it. Lines are split on line feeds
    only: a JSON string may hold U+2028 and other characters that `str.splitlines` breaks on."""
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield number, LineError(number, "", f"not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            # The decoder gives up on deep nesting by recursing until Python stops it.
            yield number, LineError(number, "", f"nested more than {MAX_DEPTH} levels deep")
            continue
        except ValueError as exc:
            # Not a decoding error, yet not JSON Cairn can read: a number of 100,000 digits.
            yield number, LineError(number, "", f"not valid JSON ({clip(str(exc), 120)})")
            continue
        if not isinstance(value, dict):
            yield number, LineError(number, "", "each line must be a JSON object")
            continue
        if _too_deep(value):
            yield number, LineError(number, "", f"nested more than {MAX_DEPTH} levels deep")
            continue
        yield number, value


def read_csv(text: str) -> Iterator[tuple[int, dict[str, Any] | LineError]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        yield from _read_csv_rows(reader, header)
    except csv.Error as exc:
        line = reader.line_num or 1
        yield line, LineError(line, "", f"not valid CSV ({exc})")


def _read_csv_rows(
    reader: "csv.DictReader[str]", header: list[str]
) -> Iterator[tuple[int, dict[str, Any] | LineError]]:
    missing = [c for c in ("kind", "upn", "occurred_at", "author_name", "text") if c not in header]
    if missing:
        for column in missing:
            yield 1, LineError(1, column, "column is missing from the header")
        return
    more = {c for k in extra_kinds().values() for c in getattr(k, "columns", ())}
    unknown = [h for h in header if h not in CSV_COLUMNS and h not in more]
    if unknown:
        yield 1, LineError(1, unknown[0], "is not a column of the format")
        return
    reader.fieldnames = header
    for row in reader:
        number = reader.line_num  # the file's line where the row ends (quoted cells may span)
        if None in row:
            yield number, LineError(number, "", "has more cells than the header")
            continue
        record: dict[str, Any] = {k: (v or "").strip() for k, v in row.items()}
        record["author"] = {
            "name": record.pop("author_name", ""),
            "role": record.pop("author_role", ""),
        }
        raw_categories = record.pop("categories", "")
        record["categories"] = [c.strip() for c in raw_categories.split(";") if c.strip()]
        yield number, {k: v for k, v in record.items() if v not in ("", [])}


def _text(
    value: object,
    line: int,
    name: str,
    *,
    required: bool,
    limit: int = MAX_TEXT,
    is_name: bool = False,
) -> str:
    """Text that fits its column (`limit`, the column's length); a person's name (`is_name`)
    may not hold control characters or bidirectional controls (audit.bounds.name_problem)."""
    if value is None or value == "":
        if required:
            raise _Bad(LineError(line, name, "is required"))
        return ""
    if not isinstance(value, str):
        raise _Bad(LineError(line, name, "must be text"))
    if "\x00" in value:
        raise _Bad(LineError(line, name, "holds a NUL character (\\u0000), which is not text"))
    if len(value) > limit:
        raise _Bad(LineError(line, name, f"is {len(value):,} characters, longer than {limit}"))
    if is_name and (problem := name_problem(value)):
        raise _Bad(LineError(line, name, f"{quoted(value, 60)} {problem}"))
    return value.strip()


def _date(value: object, line: int, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _Bad(LineError(line, name, f"{quoted(value)} is not a date (YYYY-MM-DD)")) from exc


def _moment(value: object, line: int, name: str) -> datetime:
    if not isinstance(value, str):
        raise _Bad(LineError(line, name, "must be an ISO 8601 date-time"))
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise _Bad(LineError(line, name, str(exc))) from exc


_Bad = BadLine


@cache
def extra_kinds() -> dict[str, Any]:
    """Record kinds other apps import (settings.HISTORY_IMPORT_KINDS, dotted paths): each has a
    `kind`, `check(line, raw, *, pupil, school_id) -> dict | None` (None: imported before;
    raises BadLine) and `write(record, *, actor, source_system)` (raises ValidationError)."""
    kinds = [import_string(p) for p in getattr(settings, "HISTORY_IMPORT_KINDS", [])]
    return {k.kind: k for k in kinds}


class _Checker:
    """Checks one record at a time against the school's pupils, categories and earlier lines."""

    def __init__(self, *, school_id: UUID, lookup: PupilLookup, now: datetime) -> None:
        self.lookup = lookup
        self.now = now
        self.school_id = school_id
        self.categories = {c.code: c for c in Category.objects.filter(school_id=school_id)}
        self.known_refs = set(
            Concern.objects.filter(school_id=school_id)
            .exclude(source_ref="")
            .values_list("source_ref", flat=True)
        )
        self.known_behaviour = set(
            BehaviourIncident.objects.filter(school_id=school_id)
            .exclude(source_ref="")
            .values_list("source_ref", flat=True)
        )
        self.file_refs: set[str] = set()

    def check(self, line: int, raw: dict[str, Any]) -> _Record | None:
        """The record, or None when it was imported before (skipped); raises _Bad."""
        kind = raw.get("kind")
        extras = extra_kinds()
        if not isinstance(kind, str) or (kind not in KINDS and kind not in extras):
            every = ", ".join([*KINDS, *extras])
            raise _Bad(LineError(line, "kind", f"must be one of {every}"))
        upn = _text(raw.get("upn"), line, "upn", required=True, limit=13)
        pupil = self.lookup.get(upn)
        if pupil is None:
            raise _Bad(LineError(line, "upn", f"{quoted(upn)} is not a pupil at this school"))
        occurred = _moment(raw.get("occurred_at"), line, "occurred_at")
        written = (
            _moment(raw["written_at"], line, "written_at") if raw.get("written_at") else occurred
        )
        if occurred > self.now:
            raise _Bad(LineError(line, "occurred_at", "is in the future"))
        if written < occurred:
            raise _Bad(LineError(line, "written_at", "is before occurred_at"))
        if written > self.now:
            raise _Bad(LineError(line, "written_at", "is in the future"))
        author = raw.get("author")
        if not isinstance(author, dict):
            raise _Bad(LineError(line, "author", "must be an object with name and role"))
        name = _text(
            author.get("name"), line, "author.name", required=True, limit=200, is_name=True
        )
        role = _text(author.get("role"), line, "author.role", required=False, limit=100)
        # A kind another app imports says for itself whether its text is required.
        text = _text(raw.get("text"), line, "text", required=kind not in extras)
        if kind in extras:
            fields = extras[kind].check(line, raw, pupil=pupil, school_id=self.school_id)
        else:
            fields = getattr(self, f"_{kind}")(line, raw)
        if fields is None:
            return None
        return _Record(line, str(kind), pupil, occurred, written, name, role, text, fields)

    def _ref(
        self, line: int, raw: dict[str, Any], known: set[str], *, limit: int = 200
    ) -> str | None:
        ref = _text(raw.get("source_ref"), line, "source_ref", required=False, limit=limit)
        if ref and ref in self.file_refs:
            raise _Bad(LineError(line, "source_ref", f"{quoted(ref)} appears twice in the file"))
        if ref and ref in known:
            return None
        if ref:
            self.file_refs.add(ref)
        return ref

    def _concern(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        ref = self._ref(line, raw, self.known_refs)
        if ref is None:
            return None
        codes = raw.get("categories", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise _Bad(LineError(line, "categories", "must be a list of category codes"))
        unknown = [c for c in codes if c not in self.categories]
        if unknown:
            raise _Bad(LineError(line, "categories", f"unknown category code {quoted(unknown[0])}"))
        return {
            "source_ref": ref,
            "child_words": _text(raw.get("child_words"), line, "child_words", required=False),
            "location": _text(raw.get("location"), line, "location", required=False, limit=200),
            "categories": [self.categories[c] for c in codes],
        }

    def _decision(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        concern_ref = _text(raw.get("concern_ref"), line, "concern_ref", required=True, limit=200)
        if concern_ref in self.known_refs and concern_ref not in self.file_refs:
            return None  # its concern was imported before, and the decision with it
        if concern_ref not in self.file_refs:
            raise _Bad(
                LineError(line, "concern_ref", f"no concern with source_ref {quoted(concern_ref)}")
            )
        try:
            outcome = Outcome(str(raw.get("outcome")))
        except ValueError as exc:
            choices = ", ".join(o.value for o in Outcome)
            raise _Bad(LineError(line, "outcome", f"must be one of {choices}")) from exc
        review = _date(raw.get("review_date"), line, "review_date")
        if outcome == Outcome.MONITOR and review is None:
            raise _Bad(LineError(line, "review_date", "is required for monitor"))
        adult_name = _text(
            raw.get("adult_name"), line, "adult_name", required=False, limit=200, is_name=True
        )
        adult_role = _text(raw.get("adult_role"), line, "adult_role", required=False, limit=200)
        if outcome == Outcome.LADO and not (adult_name and adult_role):
            raise _Bad(LineError(line, "adult_name", "adult_name and adult_role are required"))
        return {
            "concern_ref": concern_ref,
            "outcome": outcome,
            "review_date": review,
            "referral_reference": _text(
                raw.get("referral_reference"), line, "referral_reference", required=False, limit=100
            ),
            "referral_date": _date(raw.get("referral_date"), line, "referral_date"),
            "adult_name": adult_name,
            "adult_role": adult_role,
        }

    def _behaviour(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        ref = self._ref(line, raw, self.known_behaviour, limit=100)
        if ref is None:
            return None
        kind = _text(raw.get("incident_type"), line, "incident_type", required=True, limit=120)
        return {"source_ref": ref, "incident_type": kind}


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
    school = actor.school
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        categories_ensure(school=school)
        checker = _Checker(
            school_id=school.pk, lookup=PupilLookup.for_school(school.pk), now=timezone.now()
        )
        records: list[_Record] = []
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
            except _Bad as bad:
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
        _write(actor=actor, records=records, source_system=source_system, progress=progress)
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
    return result


def _write(
    *,
    actor: Membership,
    records: list[_Record],
    source_system: str,
    progress: Callable[[int], object] | None,
) -> None:
    school = actor.school
    assert school is not None
    concerns: dict[str, Concern] = {
        c.source_ref: c for c in Concern.objects.filter(school=school).exclude(source_ref="")
    }
    extras = extra_kinds()
    refused: list[LineError] = []
    for record in records:
        if record.kind in extras:
            try:
                with transaction.atomic():
                    extras[record.kind].write(record, actor=actor, source_system=source_system)
            except ValidationError as error:
                refused.extend(_line_errors(record.line, error))
        elif record.kind == "concern":
            concern = Concern.objects.create(
                school=school,
                author_name=record.author_name,
                author_role=record.author_role,
                occurred_at=record.occurred_at,
                written_at=record.written_at,
                location=record.fields["location"],
                source=Source.IMPORT,
                source_system=source_system,
                source_ref=record.fields["source_ref"],
            )
            ConcernPupil.objects.create(concern=concern, pupil=record.pupil, part=Part.SUBJECT)
            version = ConcernVersion.objects.create(
                concern=concern,
                number=1,
                facts=record.text,
                child_words=record.fields["child_words"],
                written_at=record.written_at,
            )
            version.categories.set(record.fields["categories"])
            if concern.source_ref:
                concerns[concern.source_ref] = concern
        elif record.kind == "decision":
            concern = concerns[record.fields["concern_ref"]]
            decision = Decision.objects.create(
                concern=concern,
                outcome=record.fields["outcome"],
                rationale=record.text,
                review_date=record.fields["review_date"],
                referral_reference=record.fields["referral_reference"],
                referral_date=record.fields["referral_date"],
                decided_by_name=record.author_name,
                decided_at=record.occurred_at,
                written_at=record.written_at,
            )
            if record.fields["outcome"] == Outcome.LADO:
                AllegationRecord.objects.create(
                    school=school,
                    decision=decision,
                    adult_name=record.fields["adult_name"],
                    adult_role=record.fields["adult_role"],
                    lado_reference=record.fields["referral_reference"],
                    recorded_by=actor,
                    recorded_at=timezone.now(),
                )
        else:
            BehaviourIncident.objects.create(
                school=school,
                pupil=record.pupil,
                occurred_at=record.occurred_at,
                incident_type=record.fields["incident_type"],
                description=record.text,
                author_name=record.author_name,
                source=Source.IMPORT,
                source_ref=record.fields["source_ref"],
                recorded_at=record.written_at,
            )
        if progress is not None:
            progress(1)
    if refused:
        raise ImportFailed(refused)


def _line_errors(line: int, error: ValidationError) -> list[LineError]:
    """A record kind's ValidationError as line errors naming the field."""
    if hasattr(error, "error_dict"):
        return [
            LineError(line, "" if name == "__all__" else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [LineError(line, "", message) for message in error.messages]
