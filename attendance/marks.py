"""Register marks as stored, decoded in one place.

Each session's mark is one storage character (`attendance.codes`; `NO_MARK` where the register
holds nothing), seven days a week stored as Monday AM to Friday PM. Its meaning is the code
table's: the statistical treatment (attendance.md §2-§3 [V]) and whether the code is a late mark
(`CAIRN_ATTENDANCE_LATE_CODES`, `L` and `U`: attendance.md §6). The attendance pages and the facts
the pattern detectors read (`attendance.facts`) both decode marks through here.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

from django.conf import settings

from attendance.codes import NO_MARK, SESSIONS_PER_WEEK, AttendanceCode, Treatment, code_table


@dataclass(frozen=True, slots=True)
class Mark:
    """One session's mark: its code, how it counts, and whether it is a late mark."""

    code: AttendanceCode
    treatment: Treatment
    late: bool

    @property
    def possible(self) -> bool:
        return self.treatment != Treatment.NOT_COUNTED

    @property
    def attended(self) -> bool:
        return self.treatment in (Treatment.PRESENT, Treatment.AEA)

    @property
    def authorised(self) -> bool:
        return self.treatment == Treatment.AUTHORISED

    @property
    def unauthorised(self) -> bool:
        return self.treatment == Treatment.UNAUTHORISED


@cache
def _marks() -> dict[str, Mark]:
    late_codes = set(settings.CAIRN_ATTENDANCE_LATE_CODES)
    table: dict[str, Mark] = {}
    for char, code in code_table().by_storage.items():
        # A retired code's marks all date from before it was retired.
        day = code.retired_on - timedelta(days=1) if code.retired_on else date.max
        table[char] = Mark(
            code=code, treatment=code.treatment_on(day), late=code.code in late_codes
        )
    return table


def decode_mark(char: str) -> Mark:
    """The meaning of one stored mark (never `NO_MARK`: there is no mark to decode)."""
    return _marks()[char]


def week_days(week_start: date, marks: str) -> Iterator[tuple[date, tuple[Mark, ...]]]:
    """Monday to Friday of one stored week, each day with its marks (morning, then afternoon);
    days with no mark at all are left out."""
    table = _marks()
    for offset in range(SESSIONS_PER_WEEK // 2):
        sessions = tuple(table[c] for c in marks[2 * offset : 2 * offset + 2] if c != NO_MARK)
        if sessions:
            yield week_start + timedelta(days=offset), sessions


@dataclass(frozen=True, slots=True)
class DayCounts:
    """One day's sessions counted by treatment (only possible sessions count as attended,
    authorised or unauthorised; a late mark counts whatever its treatment)."""

    possible: int
    attended: int
    authorised: int
    unauthorised: int
    late: int


@lru_cache(maxsize=4096)
def _day_counts(pair: str) -> DayCounts | None:
    sessions = [_marks()[c] for c in pair if c != NO_MARK]
    if not sessions:
        return None
    counted = [m for m in sessions if m.possible]
    return DayCounts(
        possible=len(counted),
        attended=sum(m.attended for m in counted),
        authorised=sum(m.authorised for m in counted),
        unauthorised=sum(m.unauthorised for m in counted),
        late=sum(m.late for m in sessions),
    )


def week_day_counts(week_start: date, marks: str) -> Iterator[tuple[date, DayCounts]]:
    """`week_days`, counted: Monday to Friday of one stored week with each day's sessions counted
    by treatment; days with no mark left out. A year of registers holds a few dozen distinct
    pairs of marks, so each pair is decoded and counted once (the findings refresh reads a
    year of weeks for every child it looks at)."""
    for offset in range(SESSIONS_PER_WEEK // 2):
        counts = _day_counts(marks[2 * offset : 2 * offset + 2])
        if counts is not None:
            yield week_start + timedelta(days=offset), counts
