"""The five-school-day clock for a child protection file transfer.

Keeping children safe in education 2025 (DfE), Annex C: the file is transferred as soon as
possible and within 5 days for an in-year move, or within the first 5 days of the start of a new
term (records-and-access.md §7). Cairn counts school days: weekdays inside one of the school's
terms (its term dates are a school setting; half terms are gaps between terms). A child who leaves
during a term: the file is due by the end of the fifth school day after the day they left. A child
who leaves in a holiday: by the end of the fifth school day of the next term. With no term dates
set, or none after the day the child left, every weekday counts as a school day.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

SCHOOL_DAYS_ALLOWED = 5


@dataclass(frozen=True, slots=True)
class Term:
    starts_on: date
    ends_on: date

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def _weekday(day: date) -> bool:
    return day.weekday() < 5


def is_school_day(day: date, terms: Sequence[Term]) -> bool:
    if not _weekday(day):
        return False
    return any(t.holds(day) for t in terms) if terms else True


def due_on(left_on: date, terms: Sequence[Term]) -> date:
    """The last day the file may arrive on (see the module's docstring)."""
    ordered = sorted(terms, key=lambda t: t.starts_on)
    in_term = any(t.holds(left_on) for t in ordered)
    later = [t for t in ordered if t.ends_on > left_on]
    if ordered and not in_term and not later:
        ordered = []  # No term dates reach this far: count weekdays.
    # Left in a holiday: the first five school days of the next term.
    day = later[0].starts_on - timedelta(days=1) if ordered and not in_term else left_on
    last_end = max((t.ends_on for t in ordered), default=None)
    counted = 0
    while counted < SCHOOL_DAYS_ALLOWED:
        day += timedelta(days=1)
        # Past the last term the school has set, every weekday counts.
        known = ordered if last_end is not None and day <= last_end else []
        if is_school_day(day, known):
            counted += 1
    return day


def school_days_between(start: date, end: date, terms: Sequence[Term]) -> int:
    """School days after `start` up to and including `end` (0 when `end` is not later)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_school_day(day, terms):
            count += 1
    return count
