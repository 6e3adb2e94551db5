"""Attendance from a Common Transfer File: `Pupil/Attendance/YearData/AttendSessions`.

Element names and nesting from `ctf.md` §3 [V names; optionality and order U]. The marks string
is read as one mark per session from `AttendanceStartDate`, AM then PM, Monday to Friday
(weekends skipped) — how the CTF lays marks over the calendar is [U] (`ctf.md` §3 "Attendance
marks"), so the layout is documented in docs/import-attendance.md and the totals in `Sessions*`
are compared with a recount and reported, never "fixed" (`ctf.md` §5).
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import IO, Any

from defusedxml.ElementTree import iterparse

from attendance.codes import NO_MARK, SESSIONS_PER_WEEK, Treatment, UnknownCodeError
from attendance.importers.common import (
    Rolls,
    RowError,
    SessionKey,
    SessionWeek,
    WeekRecord,
    weeks_from_sessions,
)
from audit.bounds import clip, quoted


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Any, name: str) -> Any:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Any, name: str) -> str:
    child = _child(element, name) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def parse_ctf(
    stream: IO[bytes], rolls: Rolls, warnings: list[str]
) -> Iterator[tuple[str, WeekRecord | RowError]]:
    """Weeks from every pupil's attendance marks; schools not in Cairn are reported and skipped."""
    weeks: dict[SessionKey, SessionWeek] = {}
    number = 0
    for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
        if _local(element.tag) != "Pupil":
            continue
        number += 1
        upn = _text(element, "UPN")
        where = f"Pupil {number} (UPN {clip(upn, 20) or 'missing'})"
        attendance = _child(element, "Attendance")
        for year in _children(attendance, "YearData") if attendance is not None else []:
            try:
                yield from _year(year, upn, where, rolls, weeks, warnings)
            except RowError as problem:
                yield where, problem
        element.clear()
    if number == 0:
        yield "file", RowError("no Pupil elements: is this a Common Transfer File?")
    yield from weeks_from_sessions(weeks, rolls.loaded)


def _year(  # noqa: PLR0917 (an internal helper of parse_ctf)
    year: Any,
    upn: str,
    where: str,
    rolls: Rolls,
    weeks: dict[SessionKey, SessionWeek],
    warnings: list[str],
) -> Iterator[tuple[str, RowError]]:
    school = rolls.by_dfe_number(_text(year, "LEA"), _text(year, "Estab"))
    label = f"{clip(_text(year, 'LEA'), 10)}/{clip(_text(year, 'Estab'), 10)}"
    if school is None:
        warnings.append(f"{where}: attendance at {label} skipped (that school is not in Cairn)")
        return
    roll = rolls.roll(school)
    pupil_id = roll.pupil(upn)
    recount = {"possible": 0, "authorised": 0, "unauthorised": 0}
    for sessions in _children(year, "AttendSessions"):
        start_text = _text(sessions, "AttendanceStartDate")
        try:
            day = date.fromisoformat(start_text)
        except ValueError:
            yield (
                where,
                RowError(f"AttendanceStartDate {quoted(start_text)} is not a date (YYYY-MM-DD)"),
            )
            continue
        marks = _text(sessions, "AttendanceMarks")
        try:
            tokens = roll.codes.tokenise(marks.replace(" ", NO_MARK))
        except UnknownCodeError as exc:
            yield where, RowError(f"AttendanceMarks: unknown code {quoted(exc.token)}")
            continue
        slot = 0
        while day.weekday() > 4:
            day += timedelta(days=1)
        for token in tokens:
            code = roll.codes.resolve(token)
            if code is not None:
                monday = day - timedelta(days=day.weekday())
                key = (school.pk, pupil_id, monday)
                week = weeks.get(key)
                if week is None:
                    week = SessionWeek(
                        [NO_MARK] * SESSIONS_PER_WEEK, [""] * SESSIONS_PER_WEEK, where
                    )
                    weeks[key] = week
                week.tokens[day.weekday() * 2 + slot] = token
                treatment = code.treatment_on(day)
                if treatment != Treatment.NOT_COUNTED:
                    recount["possible"] += 1
                if treatment in (Treatment.AUTHORISED, Treatment.UNAUTHORISED):
                    recount[treatment.value] += 1
            slot += 1
            if slot == 2:
                slot = 0
                day += timedelta(days=3 if day.weekday() == 4 else 1)
    stated = {
        "possible": _text(year, "SessionsPossible"),
        "authorised": _text(year, "SessionsAuthorised"),
        "unauthorised": _text(year, "SessionsUnauthorised"),
    }
    mismatched = [
        f"{name} {clip(stated[name], 20)} stated, {recount[name]} in the marks"
        for name in recount
        if stated[name] and stated[name] != str(recount[name])
    ]
    if mismatched:
        year_label = clip(_text(year, "Year"), 20)
        warnings.append(f"{where}, {label} {year_label}: " + "; ".join(mismatched))
