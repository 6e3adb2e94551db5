"""Typed reading of one JSON fact: `_Reader` gives each field as the type a fact needs, and
`FactFileError` says which line or item, and which field, was malformed. A date alone is read as
09:00 at the school (`DATE_ONLY_TIME`); a datetime without an offset as school time.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from patterns.facts import (
    SCHOOL_TZ,
    ActionKind,
    DecisionKind,
    LeavingReason,
    Part,
)

DATE_ONLY_TIME = time(9, 0)


class FactFileError(ValueError):
    """A fact could not be read; the message names where (line or item) and the field."""


class _Reader:
    """Typed access to one JSON object's fields, with errors that say where and which field."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, dict):
            raise FactFileError(f"{where}: expected a JSON object")
        self.raw: dict[str, Any] = raw
        self.where = where

    def fail(self, key: str, problem: str) -> FactFileError:
        return FactFileError(f"{self.where}, field '{key}': {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or (default is None and not value):
            raise self.fail(key, "expected text")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "expected a whole number, 0 or more")
        return value

    def optional_integer(self, key: str) -> int | None:
        return None if self.raw.get(key) is None else self.integer(key, 0)

    def flag(self, key: str, default: bool | None = False) -> bool | None:
        value = self.raw.get(key, default)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, "expected true, false or null")
        return value

    def names(self, key: str) -> frozenset[str]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "expected a list of text")
        return frozenset(value)

    def day(self, key: str) -> date:
        value = self.text(key)
        try:
            return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
        except ValueError as error:
            raise self.fail(key, f"not a date (YYYY-MM-DD): {value!r}") from error

    def optional_day(self, key: str) -> date | None:
        return None if self.raw.get(key) is None else self.day(key)

    def moment(self, key: str, default: datetime | None = None) -> datetime:
        if self.raw.get(key) is None and default is not None:
            return default
        value = self.text(key)
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), DATE_ONLY_TIME, SCHOOL_TZ)
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            raise self.fail(key, f"not a date or ISO 8601 datetime: {value!r}") from error
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SCHOOL_TZ)

    def optional_moment(self, key: str) -> datetime | None:
        return None if self.raw.get(key) is None else self.moment(key)

    def choice[E: (Part, DecisionKind, ActionKind, LeavingReason)](
        self, key: str, enum: type[E], default: E | None = None
    ) -> E:
        value = self.raw.get(key, default.value if default is not None else None)
        try:
            return enum(str(value))
        except ValueError as error:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(key, f"{value!r} is not one of: {allowed}") from error
