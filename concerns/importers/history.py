"""History from another safeguarding system: JSON Lines or CSV (docs/import-format.md).

All-or-nothing: every line is checked first and every problem is reported with its line number
and field; nothing is written unless the whole file is good. Imported records keep their original
dates, authors and source; they are marked as imported, and the person who ran the import is in
the audit trail. A record whose `source_ref` the school already holds is skipped, so the same file
can be run twice.
"""

import base64
import binascii
import csv
import hashlib
import io
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from audit import services as audit
from audit.bounds import clip, name_problem, quoted, upload_refusal
from audit.models import AuditAction
from concerns.importers.authors import Authors
from concerns.importers.common import (
    BadLine,
    ImportFailed,
    LineError,
    PupilLookup,
    parse_datetime,
)
from concerns.models import (
    Action,
    ActionCompletion,
    AllegationRecord,
    Attachment,
    BehaviourIncident,
    BodyMark,
    BodyRegion,
    BodySide,
    Category,
    ChildPresent,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Decision,
    EncompassNotification,
    Note,
    Outcome,
    Part,
    ReferralOutcome,
    Source,
)
from concerns.services import categories_ensure
from pupils.models import Pupil
from schools.models import Membership
from sources.themes import THEME_CODES, THEME_SLUGS, clean_themes

KINDS = ("concern", "decision", "behaviour", "encompass")
MAX_ITEMS = 500  # amendments, marks, notes, attachments, actions or children on one line
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
    "action_taken",
    "urgent_told_dsl",
    "told_dsl_name",
    "children",
    "amendments",
    "body_marks",
    "notes",
    "attachments",
    "actions",
    "agency",
    "outcome_expected_by",
    "change_reason",
    "lado_reference",
    "referral_outcomes",
    "police_reference",
    "received_at",
    "child_present",
    "voice_of_child",
    "welfare_check_on",
)
# Cells of a CSV row that hold a JSON list (lists of objects have no other way into a cell).
CSV_JSON_COLUMNS = (
    "children",
    "amendments",
    "body_marks",
    "notes",
    "attachments",
    "actions",
    "referral_outcomes",
    # and the kinds other apps import that hold objects or lists (settings.HISTORY_IMPORT_KINDS)
    "pupil",
    "statuses",
    "former_upns",
    "versions",
    "trusted_adult",
    "withdrawn_by",
    "ended_by",
    "returned_by",
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
        bad = ""
        for column in CSV_JSON_COLUMNS:
            if record.get(column):
                try:
                    record[column] = json.loads(record[column])
                except ValueError:
                    bad = column
                    break
        if bad:
            yield number, LineError(number, bad, "must be JSON (a list or an object) in one cell")
            continue
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
        self.decided: set[str] = set()
        self.known_encompass = set(
            EncompassNotification.objects.filter(school_id=school_id).values_list(
                "police_reference", "occurred_at"
            )
        )
        self.file_encompass: set[tuple[str, datetime]] = set()
        self.occurred = self.written = now

    def check(self, line: int, raw: dict[str, Any]) -> _Record | None:
        """The record, or None when it was imported before (skipped); raises _Bad."""
        kind = raw.get("kind")
        extras = extra_kinds()
        if not isinstance(kind, str) or (kind not in KINDS and kind not in extras):
            every = ", ".join([*KINDS, *extras])
            raise _Bad(LineError(line, "kind", f"must be one of {every}"))
        upn = _text(raw.get("upn"), line, "upn", required=True, limit=13)
        pupil = self.lookup.get(upn)
        if pupil is None and hasattr(extras.get(kind), "new_pupil"):
            # A line that brings the child: an enrolment names a pupil not yet in Cairn.
            pupil = extras[kind].new_pupil(line, raw)
            self.lookup.add(upn, pupil)
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
        text = _text(raw.get("text"), line, "text", required=kind in KINDS[:3])
        if kind in extras:
            fields = extras[kind].check(line, raw, pupil=pupil, school_id=self.school_id)
        else:
            self.occurred, self.written = occurred, written
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
        subject = self.lookup.get(str(raw.get("upn", "")))
        return {
            "source_ref": ref,
            "child_words": _text(raw.get("child_words"), line, "child_words", required=False),
            "child_themes": _themes(raw, line, "child_themes"),
            "location": _text(raw.get("location"), line, "location", required=False, limit=200),
            "categories": self._categories(line, raw, "categories"),
            "urgent_told_dsl": _bool(raw.get("urgent_told_dsl"), line, "urgent_told_dsl") or False,
            "told_dsl_name": _text(
                raw.get("told_dsl_name"), line, "told_dsl_name", required=False, limit=200
            ),
            "children": self._children(line, raw, subject),
            "amendments": [self._amendment(line, n, a) for n, a in _items(raw, line, "amendments")],
            "body_marks": [_body_mark(line, n, m) for n, m in _items(raw, line, "body_marks")],
            "notes": [self._note(line, n, note) for n, note in _items(raw, line, "notes")],
            "attachments": [_attachment(line, n, a) for n, a in _items(raw, line, "attachments")],
            "actions": [self._action(line, n, a) for n, a in _items(raw, line, "actions")],
        }

    def _categories(self, line: int, raw: dict[str, Any], name: str) -> list[Category]:
        codes = raw.get("categories", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise _Bad(LineError(line, name, "must be a list of category codes"))
        unknown = [c for c in codes if c not in self.categories]
        if unknown:
            raise _Bad(LineError(line, name, f"unknown category code {quoted(unknown[0])}"))
        return [self.categories[c] for c in codes]

    def _children(self, line: int, raw: dict[str, Any], subject: Pupil | None) -> list[Any]:
        seen = {subject.pk} if subject else set()
        children = []
        for number, item in _items(raw, line, "children"):
            where = f"children[{number}]"
            upn = _text(item.get("upn"), line, f"{where}.upn", required=True, limit=13)
            pupil = self.lookup.get(upn)
            if pupil is None:
                raise _Bad(LineError(line, f"{where}.upn", f"{quoted(upn)} is not a pupil here"))
            if pupil.pk in seen:
                raise _Bad(LineError(line, f"{where}.upn", "names a child twice on one concern"))
            seen.add(pupil.pk)
            part = item.get("part", Part.INVOLVED)
            if part not in Part.values:  # a concern may be about several children
                raise _Bad(LineError(line, f"{where}.part", "must be subject, involved or witness"))
            children.append((pupil, part))
        return children

    def _person(self, item: dict[str, Any], line: int, where: str) -> tuple[str, str]:
        return _person_of(item, line, where)

    def _when(self, item: dict[str, Any], line: int, where: str, *, after: datetime) -> datetime:
        moment = _moment(item.get(where.rsplit(".", 1)[-1]), line, where)
        if moment < after:
            raise _Bad(LineError(line, where, "is before the record it belongs to was written"))
        if moment > self.now:
            raise _Bad(LineError(line, where, "is in the future"))
        return moment

    def _amendment(self, line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
        where = f"amendments[{number}]"
        return {
            "facts": _text(item.get("text"), line, f"{where}.text", required=True),
            "child_words": _text(
                item.get("child_words"), line, f"{where}.child_words", required=False
            ),
            "child_themes": _themes(item, line, f"{where}.child_themes"),
            "categories": self._categories(line, item, f"{where}.categories"),
            "reason": _text(item.get("reason"), line, f"{where}.reason", required=True),
            "written_at": self._when(item, line, f"{where}.written_at", after=self.written),
            "author": self._person(item, line, f"{where}.author"),
        }

    def _note(self, line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
        where = f"notes[{number}]"
        return {
            "text": _text(item.get("text"), line, f"{where}.text", required=True),
            "written_at": self._when(item, line, f"{where}.written_at", after=self.written),
            "author": self._person(item, line, f"{where}.author"),
        }

    def _action(self, line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
        where = f"actions[{number}]"
        due = _date(item.get("due_on"), line, f"{where}.due_on")
        if due is None:
            raise _Bad(LineError(line, f"{where}.due_on", "is required"))
        created = self._when(item, line, f"{where}.created_at", after=self.written)
        done: dict[str, Any] | None = None
        if item.get("completed_at"):
            done = {
                "completed_at": self._when(item, line, f"{where}.completed_at", after=created),
                "note": _text(
                    item.get("completion_note"), line, f"{where}.completion_note", required=True
                ),
                "by": self._person(item, line, f"{where}.completed_by"),
            }
        return {
            "description": _text(item.get("text"), line, f"{where}.text", required=True),
            "due_on": due,
            "created_at": created,
            "author": self._person(item, line, f"{where}.author"),
            "assigned_to": self._person(item, line, f"{where}.assigned_to"),
            "done": done,
        }

    def _decision(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        concern_ref = _text(raw.get("concern_ref"), line, "concern_ref", required=True, limit=200)
        held_before = concern_ref in self.known_refs and concern_ref not in self.file_refs
        if not held_before and concern_ref not in self.file_refs:
            raise _Bad(
                LineError(line, "concern_ref", f"no concern with source_ref {quoted(concern_ref)}")
            )
        try:
            outcome = Outcome(str(raw.get("outcome")))
        except ValueError as exc:
            choices = ", ".join(o.value for o in Outcome)
            raise _Bad(LineError(line, "outcome", f"must be one of {choices}")) from exc
        if (
            held_before
            and Decision.objects.filter(
                concern__school_id=self.school_id,
                concern__source_ref=concern_ref,
                decided_at=self.occurred,
                outcome=outcome,
            ).exists()
        ):
            return None  # this decision was imported with its concern before
        review = _date(raw.get("review_date"), line, "review_date")
        if outcome == Outcome.MONITOR and review is None:
            raise _Bad(LineError(line, "review_date", "is required for monitor"))
        adult_name = _text(
            raw.get("adult_name"), line, "adult_name", required=False, limit=200, is_name=True
        )
        adult_role = _text(raw.get("adult_role"), line, "adult_role", required=False, limit=200)
        if outcome == Outcome.LADO and not (adult_name and adult_role):
            raise _Bad(LineError(line, "adult_name", "adult_name and adult_role are required"))
        change_reason = _text(raw.get("change_reason"), line, "change_reason", required=False)
        if change_reason and concern_ref not in self.decided and not held_before:
            raise _Bad(LineError(line, "change_reason", "there is no earlier decision to change"))
        self.decided.add(concern_ref)
        referral_date = _date(raw.get("referral_date"), line, "referral_date")
        outcomes = []
        for number, item in _items(raw, line, "referral_outcomes"):
            where = f"referral_outcomes[{number}]"
            received = _date(item.get("received_on"), line, f"{where}.received_on")
            if received is None:
                raise _Bad(LineError(line, f"{where}.received_on", "is required"))
            if received < self.occurred.date():
                raise _Bad(LineError(line, f"{where}.received_on", "is before the decision"))
            agrees = _bool(item.get("school_agrees"), line, f"{where}.school_agrees")
            if agrees is None:
                raise _Bad(LineError(line, f"{where}.school_agrees", "must be true or false"))
            next_steps = _text(
                item.get("next_steps"), line, f"{where}.next_steps", required=not agrees
            )
            outcomes.append(
                {
                    "received_on": received,
                    "outcome": _text(item.get("outcome"), line, f"{where}.outcome", required=True),
                    "school_agrees": agrees,
                    "next_steps": next_steps,
                    "recorded_at": self._when(
                        item, line, f"{where}.recorded_at", after=self.occurred
                    ),
                    "author": self._person(item, line, f"{where}.author"),
                }
            )
        return {
            "concern_ref": concern_ref,
            "outcome": outcome,
            "review_date": review,
            "referral_reference": _text(
                raw.get("referral_reference"), line, "referral_reference", required=False, limit=100
            ),
            "referral_date": referral_date,
            "agency": _text(raw.get("agency"), line, "agency", required=False, limit=200),
            "outcome_expected_by": _date(
                raw.get("outcome_expected_by"), line, "outcome_expected_by"
            ),
            "change_reason": change_reason,
            "adult_name": adult_name,
            "adult_role": adult_role,
            "lado_reference": _text(
                raw.get("lado_reference"), line, "lado_reference", required=False, limit=100
            ),
            "referral_outcomes": outcomes,
        }

    def _behaviour(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        ref = self._ref(line, raw, self.known_behaviour, limit=100)
        if ref is None:
            return None
        kind = _text(raw.get("incident_type"), line, "incident_type", required=True, limit=120)
        return {
            "source_ref": ref,
            "incident_type": kind,
            "action_taken": _text(
                raw.get("action_taken"), line, "action_taken", required=False, limit=200
            ),
        }

    def _encompass(self, line: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        reference = _text(
            raw.get("police_reference"), line, "police_reference", required=True, limit=100
        )
        key = (reference, self.occurred)
        if key in self.file_encompass:
            raise _Bad(LineError(line, "police_reference", "appears twice in the file"))
        if key in self.known_encompass:
            return None
        self.file_encompass.add(key)
        received = _moment(raw.get("received_at"), line, "received_at")
        if received < self.occurred:
            raise _Bad(LineError(line, "received_at", "is before the incident (occurred_at)"))
        welfare = _date(raw.get("welfare_check_on"), line, "welfare_check_on")
        if welfare is None:
            raise _Bad(LineError(line, "welfare_check_on", "is required"))
        present = raw.get("child_present", "")
        if present not in ChildPresent.values:
            choices = ", ".join(ChildPresent.values)
            raise _Bad(LineError(line, "child_present", f"must be one of {choices}"))
        subject = self.lookup.get(str(raw.get("upn", "")))
        return {
            "police_reference": reference,
            "received_at": received,
            "child_present": present,
            "voice_of_child": _text(
                raw.get("voice_of_child"), line, "voice_of_child", required=False
            ),
            "welfare_check_on": welfare,
            "children": [p for p, _part in self._children(line, raw, subject)],
        }


def _themes(raw: dict[str, Any], line: int, name: str) -> list[str]:
    """What the child spoke about, as ticked (`sources.themes`): a list of theme codes."""
    themes = raw.get(name.rsplit(".", 1)[-1], [])
    if not isinstance(themes, list) or not all(t in THEME_SLUGS for t in themes):
        raise _Bad(LineError(line, name, f"must list codes of {', '.join(THEME_CODES)}"))
    return clean_themes(themes)


def _bool(value: object, line: int, name: str) -> bool | None:
    if isinstance(value, str):
        value = {"yes": True, "no": False, "true": True, "false": False, "": None}.get(
            value.strip().lower(), "bad"
        )
    if value is not None and not isinstance(value, bool):
        raise _Bad(LineError(line, name, "must be true or false"))
    return value


def _items(raw: dict[str, Any], line: int, name: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(name, [])
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Bad(LineError(line, name, "must be a list of objects"))
    if len(value) > MAX_ITEMS:
        raise _Bad(LineError(line, name, f"holds more than {MAX_ITEMS} items"))
    return list(enumerate(value, start=1))


def _coordinate(value: object, line: int, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError) as exc:
        raise _Bad(LineError(line, name, "must be a number from 0 to 100")) from exc
    if not Decimal(0) <= number <= Decimal(100):
        raise _Bad(LineError(line, name, "must be a number from 0 to 100"))
    return number


def _body_mark(line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
    where = f"body_marks[{number}]"
    side, region = item.get("side"), item.get("region")
    if side not in BodySide.values:
        raise _Bad(LineError(line, f"{where}.side", "must be front or back"))
    if region not in BodyRegion.values:
        choices = ", ".join(BodyRegion.values)
        raise _Bad(LineError(line, f"{where}.region", f"must be one of {choices}"))
    x = _coordinate(item.get("x"), line, f"{where}.x")
    y = _coordinate(item.get("y"), line, f"{where}.y")
    if (x is None) != (y is None):
        raise _Bad(LineError(line, f"{where}.x", "x and y go together"))
    return {
        "side": side,
        "region": region,
        "x": x,
        "y": y,
        "description": _text(
            item.get("description"), line, f"{where}.description", required=True, limit=500
        ),
    }


def _attachment(line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
    where = f"attachments[{number}]"
    encoded = item.get("content")
    if not isinstance(encoded, str) or not encoded:
        raise _Bad(LineError(line, f"{where}.content", "is required (the file, in base64)"))
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _Bad(LineError(line, f"{where}.content", "is not base64")) from exc
    refusal = upload_refusal("attachment", len(content))
    if refusal:
        raise _Bad(LineError(line, f"{where}.content", refusal))
    return {
        "original_name": _text(item.get("name"), line, f"{where}.name", required=True, limit=255),
        "content_type": _text(
            item.get("content_type"), line, f"{where}.content_type", required=False, limit=100
        )
        or "application/octet-stream",
        "content": content,
        "uploaded_at": _moment(item.get("uploaded_at"), line, f"{where}.uploaded_at"),
        "author": _person_of(item, line, f"{where}.author"),
    }


def _person_of(item: dict[str, Any], line: int, where: str) -> tuple[str, str]:
    person = item.get(where.rsplit(".", 1)[-1])
    if not isinstance(person, dict):
        raise _Bad(LineError(line, where, "must be an object with name and role"))
    name = _text(person.get("name"), line, f"{where}.name", required=True, limit=200, is_name=True)
    role = _text(person.get("role"), line, f"{where}.role", required=False, limit=100)
    return name, role


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
        _discard(files)
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
        _write(
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
            _discard(files)


def _discard(files: list[Path]) -> None:
    for path in files:
        path.unlink(missing_ok=True)


def _write(
    *,
    actor: Membership,
    records: list[_Record],
    source_system: str,
    progress: Callable[[int], object] | None,
    files: list[Path],
) -> None:
    school = actor.school
    assert school is not None
    concerns: dict[str, Concern] = {
        c.source_ref: c for c in Concern.objects.filter(school=school).exclude(source_ref="")
    }
    extras = extra_kinds()
    refused: list[LineError] = []
    authors = Authors(school=school, actor=actor, source_system=source_system)
    authors.files = files
    try:
        for record in records:
            if record.kind in extras:
                try:
                    with transaction.atomic():
                        extras[record.kind].write(
                            record, actor=actor, source_system=source_system, authors=authors
                        )
                except ValidationError as error:
                    refused.extend(_line_errors(record.line, error))
                except PermissionDenied as denied:  # a service's "never on this school's roll"
                    refused.append(LineError(record.line, "upn", str(denied)))
            elif record.kind == "concern":
                concern = _write_concern(record, school, source_system, authors, files)
                if concern.source_ref:
                    concerns[concern.source_ref] = concern
            elif record.kind == "decision":
                _write_decision(record, school, concerns, authors)
            elif record.kind == "encompass":
                _write_encompass(record, school, authors)
            else:
                BehaviourIncident.objects.create(
                    school=school,
                    pupil=record.pupil,
                    occurred_at=record.occurred_at,
                    incident_type=record.fields["incident_type"],
                    description=record.text,
                    action_taken=record.fields["action_taken"],
                    author_name=record.author_name,
                    recorded_by=authors.by_name.get(record.author_name.strip().casefold()),
                    source=Source.IMPORT,
                    source_ref=record.fields["source_ref"],
                    recorded_at=record.written_at,
                )
            if progress is not None:
                progress(1)
        if refused:
            raise ImportFailed(refused)
        authors.flush()
    except BaseException:
        _discard(files)  # nothing half-written: the files of a refused import go too
        raise


def _write_concern(
    record: _Record, school: Any, source_system: str, authors: "Authors", files: list[Path]
) -> Concern:
    fields = record.fields
    concern = Concern.objects.create(
        school=school,
        recorded_by=authors.by_name.get(record.author_name.strip().casefold()),
        author_name=record.author_name,
        author_role=record.author_role,
        occurred_at=record.occurred_at,
        written_at=record.written_at,
        location=fields["location"],
        urgent_told_dsl=fields["urgent_told_dsl"],
        told_dsl_name=fields["told_dsl_name"],
        source=Source.IMPORT,
        source_system=source_system,
        source_ref=fields["source_ref"],
    )
    ConcernPupil.objects.bulk_create(
        [ConcernPupil(concern=concern, pupil=record.pupil, part=Part.SUBJECT)]
        + [ConcernPupil(concern=concern, pupil=p, part=part) for p, part in fields["children"]]
    )
    first = ConcernVersion.objects.create(
        concern=concern,
        number=1,
        facts=record.text,
        child_words=fields["child_words"],
        themes=fields["child_themes"],
        written_by=concern.recorded_by,
        written_at=record.written_at,
    )
    first.categories.set(fields["categories"])
    # The author as the old system had it, whether or not a Cairn user here (ImportOrigin).
    authors.keep(concern, record.author_name, record.author_role)
    authors.keep(first, record.author_name, record.author_role)
    for number, amendment in enumerate(fields["amendments"], start=2):
        name, role = amendment["author"]
        version = ConcernVersion.objects.create(
            concern=concern,
            number=number,
            facts=amendment["facts"],
            child_words=amendment["child_words"],
            themes=amendment["child_themes"],
            reason=amendment["reason"],
            written_by=authors.by_name.get(name.strip().casefold()),
            written_at=amendment["written_at"],
        )
        version.categories.set(amendment["categories"])
        authors.keep(version, name, role)
    BodyMark.objects.bulk_create([BodyMark(concern=concern, **m) for m in fields["body_marks"]])
    for item in fields["notes"]:
        name, role = item["author"]
        note = Note.objects.create(
            concern=concern,
            text=item["text"],
            written_by=authors.member(name),
            written_at=item["written_at"],
        )
        authors.keep(note, name, role)
    for item in fields["attachments"]:
        name, role = item["author"]
        stored_name = uuid.uuid4().hex
        folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / stored_name
        with path.open("xb") as out:
            out.write(item["content"])
        files.append(path)
        attachment = Attachment.objects.create(
            concern=concern,
            original_name=item["original_name"],
            content_type=item["content_type"],
            size=len(item["content"]),
            sha256=hashlib.sha256(item["content"]).hexdigest(),
            stored_name=stored_name,
            uploaded_by=authors.member(name),
            uploaded_at=item["uploaded_at"],
        )
        authors.keep(attachment, name, role)
    for item in fields["actions"]:
        name, role = item["author"]
        assignee, assignee_role = item["assigned_to"]
        action = Action.objects.create(
            concern=concern,
            description=item["description"],
            assigned_to=authors.member(assignee),
            due_on=item["due_on"],
            created_by=authors.member(name),
            created_at=item["created_at"],
        )
        authors.keep(action, name, role)
        authors.keep(action, assignee, assignee_role, field="assigned_to")
        if item["done"]:
            done = item["done"]
            by, by_role = done["by"]
            completion = ActionCompletion.objects.create(
                action=action,
                note=done["note"],
                completed_by=authors.member(by),
                completed_at=done["completed_at"],
            )
            authors.keep(completion, by, by_role)
    return concern


def _write_decision(
    record: _Record, school: Any, concerns: dict[str, Concern], authors: "Authors"
) -> None:
    fields = record.fields
    concern = concerns[fields["concern_ref"]]
    supersedes = None
    if fields["change_reason"]:
        supersedes = (
            Decision.objects.filter(concern=concern, superseded_by__isnull=True)
            .order_by("-decided_at")
            .first()
        )
    decision = Decision.objects.create(
        concern=concern,
        outcome=fields["outcome"],
        rationale=record.text,
        review_date=fields["review_date"],
        agency=fields["agency"],
        referral_reference=fields["referral_reference"],
        referral_date=fields["referral_date"],
        outcome_expected_by=fields["outcome_expected_by"],
        supersedes=supersedes,
        change_reason=fields["change_reason"] if supersedes else "",
        decided_by=authors.by_name.get(record.author_name.strip().casefold()),
        decided_by_name=record.author_name,
        decided_at=record.occurred_at,
        written_at=record.written_at,
    )
    authors.keep(decision, record.author_name, record.author_role)
    if fields["outcome"] == Outcome.LADO:
        allegation = AllegationRecord.objects.create(
            school=school,
            decision=decision,
            adult_name=fields["adult_name"],
            adult_role=fields["adult_role"],
            lado_reference=fields["lado_reference"] or fields["referral_reference"],
            recorded_by=authors.member(record.author_name),
            recorded_at=record.written_at,
        )
        authors.keep(allegation, record.author_name, record.author_role)
    for item in fields["referral_outcomes"]:
        name, role = item["author"]
        outcome = ReferralOutcome.objects.create(
            decision=decision,
            received_on=item["received_on"],
            outcome=item["outcome"],
            school_agrees=item["school_agrees"],
            next_steps=item["next_steps"],
            recorded_by=authors.member(name),
            recorded_at=item["recorded_at"],
        )
        authors.keep(outcome, name, role)


def _write_encompass(record: _Record, school: Any, authors: "Authors") -> None:
    fields = record.fields
    notification = EncompassNotification.objects.create(
        school=school,
        police_reference=fields["police_reference"],
        occurred_at=record.occurred_at,
        received_at=fields["received_at"],
        child_present=fields["child_present"],
        voice_of_child=fields["voice_of_child"],
        details=record.text,
        welfare_check_on=fields["welfare_check_on"],
        recorded_by=authors.member(record.author_name),
        recorded_at=record.written_at,
    )
    notification.pupils.set([record.pupil, *fields["children"]])
    authors.keep(notification, record.author_name, record.author_role)


def _line_errors(line: int, error: ValidationError) -> list[LineError]:
    """A record kind's ValidationError as line errors naming the field."""
    if hasattr(error, "error_dict"):
        return [
            LineError(line, "" if name == "__all__" else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [LineError(line, "", message) for message in error.messages]


# What other apps' kinds (settings.HISTORY_IMPORT_KINDS) read their lines with.
read_text = _text
read_date = _date
read_moment = _moment
read_bool = _bool
read_items = _items
read_person = _person_of
read_attachment = _attachment
