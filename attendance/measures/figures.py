"""Thresholds, periods, and what one pupil's or one group's attendance measures say."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Thresholds:
    persistent_percent: int
    severe_percent: int
    la_notify_days: int
    pattern_min_absences: int
    pattern_ratio_percent: int
    holiday_adjacent_days: int
    recent_days: int
    baseline_drop_points: int
    late_flag_percent: int
    late_flag_min: int
    part_time_flag_weeks: int

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            persistent_percent=settings.CAIRN_ATTENDANCE_PERSISTENT_PERCENT,
            severe_percent=settings.CAIRN_ATTENDANCE_SEVERE_PERCENT,
            la_notify_days=settings.CAIRN_ATTENDANCE_LA_NOTIFY_DAYS,
            pattern_min_absences=settings.CAIRN_ATTENDANCE_PATTERN_MIN_ABSENCES,
            pattern_ratio_percent=settings.CAIRN_ATTENDANCE_PATTERN_RATIO_PERCENT,
            holiday_adjacent_days=settings.CAIRN_ATTENDANCE_HOLIDAY_ADJACENT_DAYS,
            recent_days=settings.CAIRN_ATTENDANCE_BASELINE_RECENT_DAYS,
            baseline_drop_points=settings.CAIRN_ATTENDANCE_BASELINE_DROP_POINTS,
            late_flag_percent=settings.CAIRN_ATTENDANCE_LATE_FLAG_PERCENT,
            late_flag_min=settings.CAIRN_ATTENDANCE_LATE_FLAG_MIN,
            part_time_flag_weeks=settings.CAIRN_ATTENDANCE_PART_TIME_FLAG_WEEKS,
        )


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def rolling_four_weeks(cls, as_of: date) -> "Period":
        return cls(as_of - timedelta(days=27), as_of, "Last four weeks")

    @classmethod
    def academic_year(cls, as_of: date) -> "Period":
        first = as_of.year if as_of.month >= 9 else as_of.year - 1
        return cls(date(first, 9, 1), date(first + 1, 8, 31), f"{first}/{str(first + 1)[2:]}")


@dataclass(frozen=True, slots=True)
class PupilMeasures:
    """One pupil's measures over a period (at one school, or across schools for per="child")."""

    pupil_id: UUID
    school_id: UUID | None
    possible: int
    present: int
    aea: int
    authorised: int
    unauthorised: int
    late: int
    part_time_sessions: int
    first_part_time: date | None
    last_part_time: date | None
    part_time_current: bool
    monfri_possible: int
    monfri_absent: int
    holiday_possible: int
    holiday_absent: int
    pattern_absent: int
    recent_possible: int
    recent_attended: int
    longest_run_days: int
    longest_run_start: date | None
    current_run_days: int
    first_unexplained: date | None
    thresholds: Thresholds

    @property
    def attended(self) -> int:
        return self.present + self.aea

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def rate(self) -> float | None:
        """Attendance %, for display only; flags use the integer comparisons below."""
        return round(100 * self.attended / self.possible, 1) if self.possible else None

    @property
    def persistent(self) -> bool:
        """Missing ≥ 10% of possible sessions (attendance.md §3 [V]): 100·absent ≥ 10·possible."""
        t = self.thresholds.persistent_percent
        return self.possible > 0 and 100 * self.absent >= t * self.possible

    @property
    def severe(self) -> bool:
        """Missing ≥ 50% of possible sessions (attendance.md §3 [V])."""
        t = self.thresholds.severe_percent
        return self.possible > 0 and 100 * self.absent >= t * self.possible

    @property
    def la_notify(self) -> bool:
        """A run of unexplained absence as long as the LA-notification trigger (§4 [V/U])."""
        return self.longest_run_days >= self.thresholds.la_notify_days

    def _concentrated(self, absent: int, possible: int) -> bool:
        # Share of absences in these sessions ≥ ratio × their share of possible sessions.
        t = self.thresholds
        if absent < t.pattern_min_absences or self.possible == 0:
            return False
        return (
            100 * absent * self.possible >= t.pattern_ratio_percent * possible * self.pattern_absent
        )

    @property
    def monday_friday_pattern(self) -> bool:
        """Absence falls on Mondays and Fridays more than their share of sessions (§6)."""
        return self._concentrated(self.monfri_absent, self.monfri_possible)

    @property
    def holiday_pattern(self) -> bool:
        """Absence clusters in the school days either side of holidays (§6)."""
        return self._concentrated(self.holiday_absent, self.holiday_possible)

    @property
    def baseline_possible(self) -> int:
        return self.possible - self.recent_possible

    @property
    def baseline_attended(self) -> int:
        return self.attended - self.recent_attended

    @property
    def sudden_fall(self) -> bool:
        """Recent attendance has fallen by ≥ the set points below the pupil's own earlier rate
        over the period (§6 "sudden drop against the pupil's own baseline")."""
        rp, bp = self.recent_possible, self.baseline_possible
        if rp < 10 or bp < 20:
            return False
        drop = 100 * (self.baseline_attended * rp - self.recent_attended * bp)
        return drop >= self.thresholds.baseline_drop_points * bp * rp

    @property
    def lateness_pattern(self) -> bool:
        """Late marks (L, U) on ≥ the set share of sessions attended, and at least a few (§6)."""
        t = self.thresholds
        sessions = self.attended + self.late  # U is unauthorised absence, L is present
        return self.late >= t.late_flag_min and 100 * self.late >= t.late_flag_percent * sessions

    @property
    def part_time_weeks(self) -> int:
        if self.first_part_time is None or self.last_part_time is None:
            return 0
        return (self.last_part_time - self.first_part_time).days // 7 + 1

    @property
    def part_time_long(self) -> bool:
        return self.part_time_weeks >= self.thresholds.part_time_flag_weeks


@dataclass(frozen=True, slots=True)
class GroupMeasures:
    """Totals over a group of pupils (a school, a year group, a trust)."""

    label: str
    pupils: int
    possible: int
    attended: int
    persistent: int
    severe: int
    unexplained: int
    la_notify: int
    part_time: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.possible, 1) if self.possible else None

    @property
    def persistent_percent(self) -> float | None:
        return round(100 * self.persistent / self.pupils, 1) if self.pupils else None

    @property
    def severe_percent(self) -> float | None:
        return round(100 * self.severe / self.pupils, 1) if self.pupils else None


def group_measures(label: str, pupils: Iterable[PupilMeasures]) -> GroupMeasures:
    rows = [p for p in pupils if p.possible > 0]
    return GroupMeasures(
        label=label,
        pupils=len(rows),
        possible=sum(p.possible for p in rows),
        attended=sum(p.attended for p in rows),
        persistent=sum(p.persistent for p in rows),
        severe=sum(p.severe for p in rows),
        unexplained=sum(p.unauthorised for p in rows),
        la_notify=sum(p.la_notify for p in rows),
        part_time=sum(p.part_time_sessions > 0 for p in rows),
    )
