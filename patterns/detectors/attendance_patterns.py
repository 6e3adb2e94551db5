"""Attendance patterns, found in one place (issue 16): absence concentrated on Mondays and
Fridays or around holidays, a sudden fall against the child's own earlier attendance, repeated
lateness. The thresholds were global settings of the attendance pages; here they are this
detector's, so each school sets its own, and the attendance pages read the same values
(`patterns.selectors.attendance_thresholds`). Integer comparisons, as attendance.md §3 asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_pupil,
    attendance_ref,
    plural,
    since,
)
from patterns.facts import AttendanceDayFact, PupilFacts
from patterns.registry import Raised, Severity, detector, setting

PATTERN_SOURCE = "attendance.md §6 candidate detectors (DSL-configurable)"


@dataclass(frozen=True)
class AttendancePatternSettings:
    window_days: int = setting(
        182,
        doc="How far back the register is read (about two terms); the sudden fall compares its "
        "last weeks with the rest.",
        source=CAIRN_DEFAULT,
    )
    min_absences: int = setting(
        6,
        doc="Fewest absent sessions on Mondays and Fridays, or around holidays, before their "
        "share is looked at.",
        source=f"{PATTERN_SOURCE}: 'Monday/Friday or post-holiday absence pattern'; "
        + CAIRN_DEFAULT,
    )
    ratio_percent: int = setting(
        150,
        doc="Absence counts as concentrated when its share on those days is at least this "
        "percentage of their share of possible sessions (150: one and a half times).",
        source=f"{PATTERN_SOURCE}; " + CAIRN_DEFAULT,
    )
    holiday_adjacent_days: int = setting(
        2,
        doc="School days either side of a break that count as around a holiday.",
        source=f"{PATTERN_SOURCE}: 'post-holiday absence'; " + CAIRN_DEFAULT,
    )
    recent_days: int = setting(
        28,
        doc="The recent weeks (calendar days) compared with the child's own earlier attendance.",
        source=f"{PATTERN_SOURCE}: 'sudden drop against the pupil's own baseline'; "
        + CAIRN_DEFAULT,
    )
    drop_points: int = setting(
        10,
        doc="A fall of this many percentage points against the earlier rate is sudden.",
        source=f"{PATTERN_SOURCE}; " + CAIRN_DEFAULT,
    )
    min_recent_sessions: int = setting(
        10,
        doc="Fewest possible sessions in the recent weeks before a fall is measured.",
        source=CAIRN_DEFAULT,
    )
    min_baseline_sessions: int = setting(
        20,
        doc="Fewest possible sessions before the recent weeks before a fall is measured.",
        source=CAIRN_DEFAULT,
    )
    fall_counts_authorised: bool = setting(
        False,
        doc="Whether authorised absence (illness with a reason, agreed leave) counts towards a "
        "sudden fall; by default only absence without permission does, and the welfare "
        "detectors read any absence alongside concerns.",
        source=CAIRN_DEFAULT,
    )
    late_percent: int = setting(
        10,
        doc="Late marks (L, U) on at least this percentage of sessions make repeated lateness.",
        source=f"{PATTERN_SOURCE}: 'repeated late marks (L, U)'; attendance.md §2; "
        + CAIRN_DEFAULT,
    )
    late_min: int = setting(
        6,
        doc="Fewest late marks that can make repeated lateness.",
        source=f"{PATTERN_SOURCE}; " + CAIRN_DEFAULT,
    )


def _absent(day: AttendanceDayFact) -> int:
    return day.authorised + day.unauthorised


def _near_breaks(days: list[AttendanceDayFact], near: int) -> set[date]:
    """School days within `near` school days of a break: weekdays with no register between two
    school days (a holiday, a bank holiday or a closure)."""
    found: set[date] = set()
    for i in range(1, len(days)):
        before, after = days[i - 1].day, days[i].day
        gap = (after - before).days
        if gap == 1 or (gap == 3 and before.weekday() == 4):  # the next day, or Friday to Monday
            continue
        if any((before + timedelta(n)).weekday() < 5 for n in range(1, gap)):
            found.update(d.day for d in days[max(0, i - near) : i])
            found.update(d.day for d in days[i : i + near])
    return found


def _concentrated(
    some: list[AttendanceDayFact], every: list[AttendanceDayFact], config: AttendancePatternSettings
) -> bool:
    """At least `min_absences` absent sessions on `some` days, and their share of all absence at
    least `ratio_percent`% of their share of possible sessions."""
    absent, possible = sum(map(_absent, some)), sum(d.possible for d in some)
    if absent < config.min_absences or possible == 0:
        return False
    total_absent, total_possible = sum(map(_absent, every)), sum(d.possible for d in every)
    return 100 * absent * total_possible >= config.ratio_percent * possible * total_absent


def _sudden_fall(
    days: list[AttendanceDayFact], as_of: date, config: AttendancePatternSettings
) -> bool:
    recent_from = since(as_of, config.recent_days)
    recent = [d for d in days if d.day >= recent_from]
    earlier = [d for d in days if d.day < recent_from]
    rp, bp = sum(d.possible for d in recent), sum(d.possible for d in earlier)
    if rp < config.min_recent_sessions or bp < config.min_baseline_sessions:
        return False

    def kept(part: list[AttendanceDayFact]) -> int:
        """Sessions attended, and authorised absence unless the school counts it in a fall."""
        extra = 0 if config.fall_counts_authorised else sum(d.authorised for d in part)
        return sum(d.attended for d in part) + extra

    ra, ba = kept(recent), kept(earlier)
    return 100 * (ba * rp - ra * bp) >= config.drop_points * bp * rp


@detector(slug="attendance-patterns", version=1, settings=AttendancePatternSettings)
def attendance_patterns(
    facts: PupilFacts, *, as_of: date, config: AttendancePatternSettings
) -> list[Raised]:
    """A pattern in the register: absence concentrated on Mondays and Fridays or around
    holidays, a sudden fall against the child's own earlier attendance, or repeated lateness.

    Why: attendance can indicate neglect or abuse (national-reviews.md §4 [V Norfolk SCR key
    themes]); the candidate detectors are a Monday/Friday or post-holiday absence pattern, a
    sudden drop against the pupil's own baseline and repeated late marks (attendance.md §6);
    "missing school or consistently late" is a sign of neglect (neglect-indicators.md §4 [V]).

    Evidence: the register days behind each pattern: the absent Mondays and Fridays, the
    absent days around breaks, the recent weeks of the fall, the days marked late.

    Does not mean: that anything is wrong at home; most patterns have an ordinary reason. It
    asks whoever follows up attendance to look, and the DSL to read it with any concerns.
    """
    start = since(as_of, config.window_days)
    days = sorted(
        (d for d in facts.attendance if d.possible > 0 and d.day >= start), key=lambda d: d.day
    )
    if not days:
        return []
    found: list[str] = []
    evidence: set[date] = set()
    edges = [d for d in days if d.day.weekday() in (0, 4)]
    edge_absent = [d for d in edges if _absent(d)]
    if _concentrated(edges, days, config):
        found.append(f"absence on Mondays and Fridays ({plural(len(edge_absent), 'day')})")
        evidence.update(d.day for d in edge_absent)
    near = _near_breaks(days, config.holiday_adjacent_days)
    around = [d for d in days if d.day in near]
    around_absent = [d for d in around if _absent(d)]
    if _concentrated(around, days, config):
        found.append(f"absence around holidays ({plural(len(around_absent), 'day')})")
        evidence.update(d.day for d in around_absent)
    if _sudden_fall(days, as_of, config):
        found.append(f"a sudden fall in the last {config.recent_days} days against earlier weeks")
        recent_from = since(as_of, config.recent_days)
        evidence.update(d.day for d in days if d.day >= recent_from and _absent(d))
    late = [d for d in days if d.late]
    late_sessions = sum(d.late for d in late)
    sessions = sum(d.attended for d in days) + late_sessions
    if late_sessions >= config.late_min and 100 * late_sessions >= config.late_percent * sessions:
        found.append(f"repeated lateness ({plural(late_sessions, 'late mark')})")
        evidence.update(d.day for d in late)
    if not found:
        return []
    severity = Severity.REVIEW if len(found) >= 2 else Severity.CONSIDER
    detail = f"In the register since {days[0].day:%-d %b %Y}: {'; '.join(found)}."
    refs = [attendance_ref(facts.pupil_id, day) for day in sorted(evidence)]
    return [about_pupil(facts, severity, detail, refs)]
