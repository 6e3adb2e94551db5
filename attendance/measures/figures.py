"""Thresholds, periods, and what one pupil's or one group's attendance measures say."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The measures' thresholds. Persistent and severe absence, the LA notification and the
    part-time flag are settings here; the pattern flags' thresholds are the school's settings of
    the `attendance-patterns` detector (`settings.CAIRN_ATTENDANCE_PATTERN_SETTINGS`), so the
    pages show what the detector finds. `patterns_on` is False where the school turned it off."""

    persistent_percent: int
    severe_percent: int
    la_notify_days: int
    part_time_flag_weeks: int
    pattern_min_absences: int
    pattern_ratio_percent: int
    holiday_adjacent_days: int
    recent_days: int
    baseline_drop_points: int
    min_recent_sessions: int
    min_baseline_sessions: int
    fall_counts_authorised: bool
    late_flag_percent: int
    late_flag_min: int
    patterns_on: bool = True

    @classmethod
    def for_school(cls, school_id: UUID | None) -> "Thresholds":
        """The thresholds for one school's pages (the pattern detector's defaults for None)."""
        provider = import_string(settings.CAIRN_ATTENDANCE_PATTERN_SETTINGS)
        values = provider(school_id)
        on = values is not None
        if values is None:
            values = provider(None)
        return cls(
            persistent_percent=settings.CAIRN_ATTENDANCE_PERSISTENT_PERCENT,
            severe_percent=settings.CAIRN_ATTENDANCE_SEVERE_PERCENT,
            la_notify_days=settings.CAIRN_ATTENDANCE_LA_NOTIFY_DAYS,
            part_time_flag_weeks=settings.CAIRN_ATTENDANCE_PART_TIME_FLAG_WEEKS,
            pattern_min_absences=values["min_absences"],
            pattern_ratio_percent=values["ratio_percent"],
            holiday_adjacent_days=values["holiday_adjacent_days"],
            recent_days=values["recent_days"],
            baseline_drop_points=values["drop_points"],
            min_recent_sessions=values["min_recent_sessions"],
            min_baseline_sessions=values["min_baseline_sessions"],
            fall_counts_authorised=values["fall_counts_authorised"],
            late_flag_percent=values["late_percent"],
            late_flag_min=values["late_min"],
            patterns_on=on,
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
    recent_authorised: int
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
        if not t.patterns_on or absent < t.pattern_min_absences or self.possible == 0:
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
        t = self.thresholds
        rp, bp = self.recent_possible, self.baseline_possible
        if not t.patterns_on or rp < t.min_recent_sessions or bp < t.min_baseline_sessions:
            return False
        recent, baseline = self.recent_attended, self.baseline_attended
        if not t.fall_counts_authorised:  # authorised absence is not a fall (the detector's rule)
            recent += self.recent_authorised
            baseline += self.authorised - self.recent_authorised
        drop = 100 * (baseline * rp - recent * bp)
        return drop >= t.baseline_drop_points * bp * rp

    @property
    def lateness_pattern(self) -> bool:
        """Late marks (L, U) on ≥ the set share of sessions attended, and at least a few (§6)."""
        t = self.thresholds
        sessions = self.attended + self.late  # U is unauthorised absence, L is present
        return (
            t.patterns_on
            and self.late >= t.late_flag_min
            and 100 * self.late >= t.late_flag_percent * sessions
        )

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
