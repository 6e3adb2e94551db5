"""Reading one value of a history line (docs/import-format.md): text that fits its column, dates,
yes/no, lists of items, a person, a body mark, an attachment. Each raises `BadLine` naming the
line and the field."""

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from audit.bounds import name_problem, quoted, upload_refusal
from concerns.importers.common import (
    BadLine,
    LineError,
    parse_datetime,
)
from concerns.models import (
    BodyRegion,
    BodySide,
)
from sources.themes import THEME_CODES, THEME_SLUGS, clean_themes

MAX_ITEMS = 500  # amendments, marks, notes, attachments, actions or children on one line


MAX_TEXT = 50_000


def read_text(
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
            raise BadLine(LineError(line, name, "is required"))
        return ""
    if not isinstance(value, str):
        raise BadLine(LineError(line, name, "must be text"))
    if "\x00" in value:
        raise BadLine(LineError(line, name, "holds a NUL character (\\u0000), which is not text"))
    if len(value) > limit:
        raise BadLine(LineError(line, name, f"is {len(value):,} characters, longer than {limit}"))
    if is_name and (problem := name_problem(value)):
        raise BadLine(LineError(line, name, f"{quoted(value, 60)} {problem}"))
    return value.strip()


def read_date(value: object, line: int, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadLine(LineError(line, name, f"{quoted(value)} is not a date (YYYY-MM-DD)")) from exc


def read_moment(value: object, line: int, name: str) -> datetime:
    if not isinstance(value, str):
        raise BadLine(LineError(line, name, "must be an ISO 8601 date-time"))
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise BadLine(LineError(line, name, str(exc))) from exc


def read_themes(raw: dict[str, Any], line: int, name: str) -> list[str]:
    """What the child spoke about, as ticked (`sources.themes`): a list of theme codes."""
    themes = raw.get(name.rsplit(".", 1)[-1], [])
    if not isinstance(themes, list) or not all(t in THEME_SLUGS for t in themes):
        raise BadLine(LineError(line, name, f"must list codes of {', '.join(THEME_CODES)}"))
    return clean_themes(themes)


def read_bool(value: object, line: int, name: str) -> bool | None:
    if isinstance(value, str):
        value = {"yes": True, "no": False, "true": True, "false": False, "": None}.get(
            value.strip().lower(), "bad"
        )
    if value is not None and not isinstance(value, bool):
        raise BadLine(LineError(line, name, "must be true or false"))
    return value


def read_items(raw: dict[str, Any], line: int, name: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(name, [])
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BadLine(LineError(line, name, "must be a list of objects"))
    if len(value) > MAX_ITEMS:
        raise BadLine(LineError(line, name, f"holds more than {MAX_ITEMS} items"))
    return list(enumerate(value, start=1))


def read_coordinate(value: object, line: int, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError) as exc:
        raise BadLine(LineError(line, name, "must be a number from 0 to 100")) from exc
    if not Decimal(0) <= number <= Decimal(100):
        raise BadLine(LineError(line, name, "must be a number from 0 to 100"))
    return number


def read_body_mark(line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
    where = f"body_marks[{number}]"
    side, region = item.get("side"), item.get("region")
    if side not in BodySide.values:
        raise BadLine(LineError(line, f"{where}.side", "must be front or back"))
    if region not in BodyRegion.values:
        choices = ", ".join(BodyRegion.values)
        raise BadLine(LineError(line, f"{where}.region", f"must be one of {choices}"))
    x = read_coordinate(item.get("x"), line, f"{where}.x")
    y = read_coordinate(item.get("y"), line, f"{where}.y")
    if (x is None) != (y is None):
        raise BadLine(LineError(line, f"{where}.x", "x and y go together"))
    return {
        "side": side,
        "region": region,
        "x": x,
        "y": y,
        "description": read_text(
            item.get("description"), line, f"{where}.description", required=True, limit=500
        ),
    }


def read_attachment(line: int, number: int, item: dict[str, Any]) -> dict[str, Any]:
    where = f"attachments[{number}]"
    encoded = item.get("content")
    if not isinstance(encoded, str) or not encoded:
        raise BadLine(LineError(line, f"{where}.content", "is required (the file, in base64)"))
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadLine(LineError(line, f"{where}.content", "is not base64")) from exc
    refusal = upload_refusal("attachment", len(content))
    if refusal:
        raise BadLine(LineError(line, f"{where}.content", refusal))
    return {
        "original_name": read_text(
            item.get("name"), line, f"{where}.name", required=True, limit=255
        ),
        "content_type": read_text(
            item.get("content_type"), line, f"{where}.content_type", required=False, limit=100
        )
        or "application/octet-stream",
        "content": content,
        "uploaded_at": read_moment(item.get("uploaded_at"), line, f"{where}.uploaded_at"),
        "author": read_person(item, line, f"{where}.author"),
    }


def read_person(item: dict[str, Any], line: int, where: str) -> tuple[str, str]:
    person = item.get(where.rsplit(".", 1)[-1])
    if not isinstance(person, dict):
        raise BadLine(LineError(line, where, "must be an object with name and role"))
    name = read_text(
        person.get("name"), line, f"{where}.name", required=True, limit=200, is_name=True
    )
    role = read_text(person.get("role"), line, f"{where}.role", required=False, limit=100)
    return name, role
