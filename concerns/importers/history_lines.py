"""Reading a history file into lines (docs/import-format.md): JSON Lines or CSV, each line a dict
or the `LineError` that names it, before any line is checked."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from audit.bounds import clip
from concerns.importers.common import (
    LineError,
)

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


@cache
def extra_kinds() -> dict[str, Any]:
    """Record kinds other apps import (settings.HISTORY_IMPORT_KINDS, dotted paths): each has a
    `kind`, `check(line, raw, *, pupil, school_id) -> dict | None` (None: imported before;
    raises BadLine) and `write(record, *, actor, source_system)` (raises ValidationError)."""
    kinds = [import_string(p) for p in getattr(settings, "HISTORY_IMPORT_KINDS", [])]
    return {k.kind: k for k in kinds}
