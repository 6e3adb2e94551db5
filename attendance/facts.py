"""Register weeks as facts for the pattern detectors: one fact per school day with marks (ADR 17;
listed in `settings.PATTERN_FACT_SOURCES`).

Marks are decoded through `attendance.marks` (the code table's statistical treatment,
attendance.md §2-§3 [V], and the late codes setting, §6). "Unexplained" absence is every
unauthorised mark (`G N O U`), as the attendance pages count it (attendance.md §2 "unauthorised
(G N O U)" [V]; §6 first unexplained absence). A week re-imported after the cut is read as its
amendment history says it stood before (the earliest amendment written after the cut holds the
marks then in force, from the import that wrote them).

Each child's days are kept per process (`KEEP_CHILDREN`, the most recently used) for the window
and the schools' register versions (`ColumnarState.version_token`) they were read under. Every
change to a school's week rows (an import that creates or changes weeks, a retention deletion)
gives the school a new token in the same transaction, so while every token is the one read, the
weeks are the ones read: a concern recorded about a child reads one small row per school here
instead of a year of registers. The tokens are read before the weeks, so a kept child is never
older than the tokens it is kept under; any new token (an import seen, or one rolled back)
drops everything kept.
"""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from attendance.marks import week_day_counts
from attendance.models import AttendanceAmendment, AttendanceWeek, ColumnarState
from sources.facts import AttendanceDayFact, FactParts, FactWindow, PupilFacts

Days = tuple[AttendanceDayFact, ...]

# How many children's days a process keeps (about 20 KB each for a year of registers).
KEEP_CHILDREN = 2000


def attendance_days(
    pupil_id: str, week_start: date, marks: str, recorded_at: datetime
) -> list[AttendanceDayFact]:
    """One week row's sessions as day facts (Monday to Friday; days with no mark left out)."""
    days = []
    for day, counts in week_day_counts(week_start, marks):
        days.append(
            AttendanceDayFact(
                pupil_id=pupil_id,
                day=day,
                recorded_at=recorded_at,
                possible=counts.possible,
                attended=counts.attended,
                authorised=counts.authorised,
                unauthorised=counts.unauthorised,
                unexplained=counts.unauthorised,
                late=counts.late,
            )
        )
    return days


class _Kept:
    """The children's days read under one window and one set of register versions."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: Any = None
        self.days: OrderedDict[str, Days] = OrderedDict()

    def take(self, key: Any, pupil_ids: Collection[str]) -> dict[str, Days]:
        """The kept days of these children under `key` (everything kept under another is
        dropped)."""
        with self.lock:
            if key != self.key:
                self.key = key
                self.days.clear()
            found = {}
            for pid in pupil_ids:
                days = self.days.get(pid)
                if days is not None:
                    self.days.move_to_end(pid)
                    found[pid] = days
            return found

    def keep(self, key: Any, days: Mapping[str, Days]) -> None:
        with self.lock:
            if key != self.key:
                return  # the registers changed while these were read: not kept
            self.days.update(days)
            while len(self.days) > KEEP_CHILDREN:
                self.days.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.key = None
            self.days.clear()


kept = _Kept()


def _versions() -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted(
            (str(school), str(token))
            for school, token in ColumnarState.objects.values_list("school_id", "version_token")
        )
    )


def facts_for(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    """Each child's school days over the window, as the registers stood at the cut (kept per
    process while no school's registers change: see the module's docstring)."""
    key = (window, _versions())
    days = kept.take(key, pupils)
    missing = [pid for pid in pupils if pid not in days]
    if missing:
        read = _days_read(missing, window)
        fresh = {pid: tuple(read.get(pid, ())) for pid in missing}
        kept.keep(key, fresh)
        days.update(fresh)
    found: dict[str, FactParts] = {}
    for pid in pupils:
        if days[pid]:
            found[pid] = FactParts(attendance=list(days[pid]))
    return found


def _days_read(pupil_ids: list[str], window: FactWindow) -> dict[str, list[AttendanceDayFact]]:
    """The children's school days over the window, read from the week rows."""
    found: dict[str, list[AttendanceDayFact]] = defaultdict(list)
    weeks = (
        AttendanceWeek.objects.filter(
            pupil_id__in=pupil_ids,
            week_start__gte=window.start - timedelta(days=6),
            week_start__lte=window.as_of,
        )
        .order_by("week_start", "school_id")
        .values_list("id", "pupil_id", "week_start", "marks", "recorded_at")
    )  # in date order, so a child's days read the same on every database, kept or not
    later = [w for w in weeks if w[4] >= window.end]
    earlier: dict[int, tuple[str, datetime]] = {}
    if later:
        amendments = (
            AttendanceAmendment.objects.filter(
                week_id__in=[w[0] for w in later], recorded_at__gte=window.end
            )
            .order_by("-recorded_at", "-id")
            .values_list("week_id", "previous_marks", "previous_import__imported_at")
        )
        for week_id, marks, imported_at in amendments:
            earlier[week_id] = (marks, imported_at)  # the earliest after the cut wins
    for week_id, pupil_id, week_start, current, written in weeks:
        marks, recorded_at = (
            (current, written) if written < window.end else earlier.get(week_id, ("", window.end))
        )
        if recorded_at >= window.end:
            continue  # not imported by then
        pid = str(pupil_id)
        found[pid].extend(attendance_days(pid, week_start, marks, recorded_at))
    return found
