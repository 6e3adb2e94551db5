"""CSV registers: one row per pupil-week (a string of ten marks) or one row per pupil-session.

The formats are documented in docs/import-attendance.md. Parsers stream the file and yield
`(where, WeekRecord | RowError)`; they never write.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from attendance.codes import NO_MARK, SESSIONS_PER_WEEK, UnknownCodeError
from attendance.importers.common import (
    SESSION_NAMES,
    Rolls,
    RowError,
    SessionKey,
    SessionWeek,
    WeekRecord,
    weeks_from_sessions,
)
from audit.bounds import quoted

WEEK_COLUMNS = ("upn", "week_start", "marks")
SESSION_COLUMNS = ("upn", "date", "session", "mark")
OPTIONAL_COLUMNS = ("urn", "minutes_late")


class CsvFormatError(ValueError):
    pass


def detect(header: list[str]) -> str:
    """'weeks' or 'sessions' from the header row; CsvFormatError naming what is missing."""
    names = {h.strip().lower() for h in header}
    if set(WEEK_COLUMNS) <= names:
        return "weeks"
    if set(SESSION_COLUMNS) <= names:
        return "sessions"
    raise CsvFormatError(
        "row 1 (header): expected the columns upn, week_start, marks (one row per pupil-week) "
        f"or upn, date, session, mark (one row per pupil-session); found {', '.join(header)}"
    )


class _Dates:
    def __init__(self) -> None:
        self.cache: dict[str, date] = {}

    def parse(self, text: str, column: str) -> date:
        day = self.cache.get(text)
        if day is None:
            try:
                day = date.fromisoformat(text.strip())
            except ValueError:
                raise RowError(f"{column} {quoted(text)} is not a date (YYYY-MM-DD)") from None
            self.cache[text] = day
        return day


def parse_weeks(
    rows: Iterable[list[str]], header: list[str], rolls: Rolls
) -> Iterator[tuple[str, WeekRecord | RowError]]:
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    i_upn, i_week, i_marks = (index[c] for c in WEEK_COLUMNS)
    i_urn = index.get("urn")
    width = len(header)
    dates = _Dates()
    default = rolls.by_urn("") if i_urn is None else None
    # The csv reader is read directly (no wrapping generator: this loop runs once per row of
    # a trust's year, 1.6 million times); a malformed line is reported with its number.
    try:
        for number, row in enumerate(rows, start=2):
            if not row:
                continue
            try:
                if len(row) != width:
                    raise RowError(f"{len(row)} fields; the header has {width}")
                roll = default or rolls.by_urn(row[i_urn] if i_urn is not None else "")
                week_start = dates.parse(row[i_week], "week_start")
                if week_start.weekday() != 0:
                    raise RowError(f"week_start {quoted(row[i_week])} is not a Monday")
                pupil_id = roll.pupil(row[i_upn])
                storage, raw = roll.encode_week_string(row[i_marks], week_start)
                roll.check_enrolled(pupil_id, week_start, storage)
            except RowError as problem:
                yield f"row {number}", problem
                continue
            # Where a good row came from is never shown: no label is made for it.
            yield "", WeekRecord(roll.school_id, pupil_id, week_start, storage, raw)
    except csv.Error as exc:
        raise CsvFormatError(f"row {getattr(rows, 'line_num', '?')}: {exc}") from None


def parse_sessions(
    rows: Iterable[list[str]], header: list[str], rolls: Rolls
) -> Iterator[tuple[str, WeekRecord | RowError]]:
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    i_upn, i_date, i_session, i_mark = (index[c] for c in SESSION_COLUMNS)
    i_urn = index.get("urn")
    i_late = index.get("minutes_late")
    width = len(header)
    dates = _Dates()
    weeks: dict[SessionKey, SessionWeek] = {}
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        where = f"row {number}"
        try:
            if len(row) != width:
                raise RowError(f"{len(row)} fields; the header has {width}")
            roll = rolls.by_urn(row[i_urn] if i_urn is not None else "")
            day = dates.parse(row[i_date], "date")
            if day.weekday() > 4:
                raise RowError(
                    f"date {quoted(row[i_date])} is a {day:%A}; registers run Monday to Friday"
                )
            session = row[i_session].strip().upper()
            if session not in SESSION_NAMES:
                raise RowError(f"session {quoted(row[i_session])} is not AM or PM")
            token = row[i_mark].strip()
            try:
                roll.codes.resolve(token)
            except UnknownCodeError:
                raise RowError(f"unknown code {quoted(token)}") from None
            if token == NO_MARK:
                raise RowError(f"mark {quoted(token)}: leave the row out where there is no mark")
            late = row[i_late].strip() if i_late is not None else ""
            if late and not late.isdigit():
                raise RowError(f"minutes_late {quoted(late)} is not a whole number")
            pupil_id = roll.pupil(row[i_upn])
        except RowError as problem:
            yield where, problem
            continue
        monday = day - timedelta(days=day.weekday())
        key: SessionKey = (roll.school.pk, pupil_id, monday)
        week = weeks.get(key)
        if week is None:
            week = SessionWeek([NO_MARK] * SESSIONS_PER_WEEK, [""] * SESSIONS_PER_WEEK, where)
            weeks[key] = week
        slot = day.weekday() * 2 + SESSION_NAMES.index(session)
        week.tokens[slot] = token
        week.late[slot] = late
    yield from weeks_from_sessions(weeks, rolls.loaded)


def parse_csv(
    lines: Iterable[str], rolls: Rolls
) -> tuple[str, Iterator[tuple[str, WeekRecord | RowError]]]:
    """The detected format and a stream of parsed weeks from CSV text lines."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError("the file is empty") from None
    except csv.Error as exc:
        raise CsvFormatError(f"row 1: {exc}") from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    kind = detect(header)
    names = {h.strip().lower() for h in header}
    if "urn" not in names and rolls.default_school is None:
        raise CsvFormatError("row 1 (header): no urn column, and no school was chosen")
    if kind == "weeks":
        return kind, parse_weeks(reader, header, rolls)
    return kind, parse_sessions(_guarded(reader), header, rolls)


def _guarded(reader: Any) -> Iterator[list[str]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFormatError(f"row {reader.line_num}: {exc}") from None
        yield row
