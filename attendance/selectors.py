"""Reads about attendance: which registers a viewer may see, periods, cohorts, a pupil's panel."""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string

from attendance import columnar
from attendance.access import sees_open_records
from attendance.codes import NO_MARK
from attendance.marks import decode_mark
from attendance.measures import (
    T_NOT_COUNTED,
    GroupMeasures,
    Period,
    PupilMeasures,
    Thresholds,
    connect,
    group_measures,
    marks_cte,
    pupil_measures,
)
from pupils.models import Enrolment, Pupil, SocialCareStatus
from schools.models import Membership, Role, School

# Breaks in the school calendar: a gap of at least a week between school days ends a half-term,
# a gap of at least 12 days ends a term (Christmas, Easter, summer). Cairn's own reading.
HALF_TERM_GAP_DAYS = 7
TERM_GAP_DAYS = 12
PERIOD_CHOICES = {
    "4w": "Last four weeks",
    "half_term": "This half-term",
    "term": "This term",
    "year": "This academic year",
}


def attendance_schools_for(*, viewer: Membership) -> list[School]:
    """Schools whose registers the viewer reads: their own; a trust lead's whole trust."""
    if viewer.role == Role.TRUST_LEAD and viewer.trust_id is not None:
        return list(School.objects.filter(trust_id=viewer.trust_id))
    if viewer.school_id is not None:
        return list(School.objects.filter(pk=viewer.school_id))
    return []


def files_for(schools: Iterable[School]) -> list[Path]:
    return list(columnar.ensure_current(school_ids=[s.pk for s in schools]).values())


def school_days(*, files: Sequence[Path], start: date, end: date) -> list[date]:
    """Days on which any pupil had a session that counts as possible (the school calendar)."""
    if not files:
        return []
    rows = _parquet_rows(
        f"WITH {marks_cte(files, start, end)} SELECT DISTINCT day FROM marks "
        f"WHERE t < {T_NOT_COUNTED} ORDER BY day"
    )
    return [row[0] for row in rows]


def _block(days: list[date], as_of: date, gap: int) -> tuple[date, date] | None:
    """The run of school days containing (or last before) `as_of`, split at gaps ≥ `gap`."""
    past = [d for d in days if d <= as_of]
    if not past:
        return None
    end_index = len(past) - 1
    start_index = end_index
    while start_index > 0 and (past[start_index] - past[start_index - 1]).days < gap:
        start_index -= 1
    following = [d for d in days if d > as_of]
    end = past[end_index]
    for day in following:
        if (day - end).days >= gap:
            break
        end = day
    return past[start_index], end


def resolve_period(*, key: str, as_of: date, files: Sequence[Path]) -> Period:
    """A period by name: rolling four weeks, the half-term, term or academic year of `as_of`."""
    year = Period.academic_year(as_of)
    if key == "4w":
        return Period.rolling_four_weeks(as_of)
    if key in {"half_term", "term"}:
        days = school_days(files=files, start=year.start, end=year.end)
        block = _block(days, as_of, HALF_TERM_GAP_DAYS if key == "half_term" else TERM_GAP_DAYS)
        if block is not None:
            return Period(block[0], min(block[1], as_of), PERIOD_CHOICES[key])
    return Period(year.start, min(year.end, as_of), f"Academic year {year.label}")


@dataclass(frozen=True, slots=True)
class CohortRow:
    pupil: Pupil
    measures: PupilMeasures


@dataclass
class Cohorts:
    period: Period
    persistent: list[CohortRow] = field(default_factory=list)
    severe: list[CohortRow] = field(default_factory=list)
    unexplained_runs: list[CohortRow] = field(default_factory=list)
    part_time: list[CohortRow] = field(default_factory=list)
    patterns: list[CohortRow] = field(default_factory=list)
    absent_from_education: list["AbsentFromEducation"] = field(default_factory=list)
    # Whether the viewer is shown which children off roll have a record open (attendance.access).
    shows_open_records: bool = False
    summary: GroupMeasures | None = None


def cohorts_for(*, viewer: Membership, period_key: str, as_of: date) -> Cohorts:
    """The cohort lists for the viewer's school over the period (child-level: DSL team, head,
    attendance lead). Children off roll while a safeguarding record is open are listed only for
    those who read whole records (`attendance.access.sees_open_records`)."""
    schools = attendance_schools_for(viewer=viewer)
    files = files_for(schools)
    period = resolve_period(key=period_key, as_of=as_of, files=files)
    thresholds = Thresholds.for_school(viewer.school_id)
    measures = pupil_measures(files=files, period=period, thresholds=thresholds)
    pupils = Pupil.objects.in_bulk([m.pupil_id for m in measures])
    rows = [CohortRow(pupils[m.pupil_id], m) for m in measures if m.pupil_id in pupils]
    cohorts = Cohorts(period=period, summary=group_measures("School", measures))
    by_rate = sorted(rows, key=lambda r: (r.measures.rate or 0.0, r.pupil.legal_surname))
    cohorts.severe = [r for r in by_rate if r.measures.severe]
    cohorts.persistent = [r for r in by_rate if r.measures.persistent and not r.measures.severe]
    cohorts.unexplained_runs = sorted(
        (r for r in rows if r.measures.longest_run_days >= 3),
        key=lambda r: -r.measures.longest_run_days,
    )
    cohorts.part_time = sorted(
        (r for r in rows if r.measures.part_time_sessions),
        key=lambda r: -r.measures.part_time_weeks,
    )
    cohorts.patterns = [
        r
        for r in by_rate
        if r.measures.monday_friday_pattern
        or r.measures.holiday_pattern
        or r.measures.sudden_fall
        or r.measures.lateness_pattern
    ]
    if sees_open_records(viewer=viewer):
        cohorts.shows_open_records = True
        cohorts.absent_from_education = absent_from_education(schools=schools, period=period)
    return cohorts


def group_summary(*, viewer: Membership, period_key: str, as_of: date) -> list[GroupMeasures]:
    """Aggregates only (no child named): per year group at a school, per school for a trust."""
    schools = attendance_schools_for(viewer=viewer)
    files = files_for(schools)
    period = resolve_period(key=period_key, as_of=as_of, files=files)
    measures = pupil_measures(files=files, period=period)
    groups: dict[str, list[PupilMeasures]] = defaultdict(list)
    if viewer.role == Role.TRUST_LEAD:
        names = {s.pk: s.name for s in schools}
        for m in measures:
            groups[names.get(m.school_id, "Other") if m.school_id else "Other"].append(m)
    else:
        years = dict(
            Pupil.objects.filter(pk__in=[m.pupil_id for m in measures]).values_list(
                "pk", "year_group"
            )
        )
        for m in measures:
            groups[f"Year {years.get(m.pupil_id) or 'unknown'}"].append(m)
    result = [group_measures(label, rows) for label, rows in sorted(groups.items())]
    result.append(group_measures("All pupils", measures))
    return result


@dataclass(frozen=True, slots=True)
class AbsentFromEducation:
    pupil: Pupil
    enrolment: Enrolment
    reasons_open: tuple[str, ...]


def pupils_open_to_social_care(*, pupil_ids: Sequence[UUID]) -> dict[UUID, str]:
    """Children whose social care involvement is open, or who are looked after."""
    rows = Pupil.objects.filter(
        Q(social_care_status=SocialCareStatus.OPEN) | Q(looked_after=True), pk__in=pupil_ids
    ).values_list("pk", "looked_after")
    return {pk: "looked after" if la else "open to children's social care" for pk, la in rows}


def absent_from_education(
    *, schools: Sequence[School], period: Period
) -> list[AbsentFromEducation]:
    """Children taken off roll (elective home education, missing education, moved away) while
    a record about them is open (`attendance.md` §4: going missing from education is an
    early-help indicator [V]; KCSIE). Which end reasons count and which records are "open" are
    settings (`CAIRN_ATTENDANCE_ABSENT_FROM_EDUCATION_REASONS`, `…_OPEN_RECORD_SOURCES`)."""
    enrolments = list(
        Enrolment.objects.filter(
            school__in=schools,
            end_reason__in=settings.CAIRN_ATTENDANCE_ABSENT_FROM_EDUCATION_REASONS,
            end_date__gte=period.start - timedelta(days=365),
            end_date__lte=period.end,
        ).select_related("pupil")
    )
    pupil_ids = [e.pupil_id for e in enrolments]
    reasons: dict[UUID, list[str]] = defaultdict(list)
    for dotted in settings.CAIRN_ATTENDANCE_OPEN_RECORD_SOURCES:
        for pupil_id, reason in import_string(dotted)(pupil_ids=pupil_ids).items():
            reasons[pupil_id].append(reason)
    return [
        AbsentFromEducation(e.pupil, e, tuple(reasons[e.pupil_id]))
        for e in enrolments
        if reasons.get(e.pupil_id)
    ]


# --- One pupil's panel -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayMarks:
    day: date
    am: str  # statutory code or ""
    pm: str
    level: str  # the day's worst treatment: present, aea, authorised, unauthorised, none

    @property
    def text(self) -> str:
        return f"{self.am or '–'} {self.pm or '–'}"


@dataclass(frozen=True, slots=True)
class WeekPoint:
    week_start: date
    possible: int
    attended: int
    rolling_rate: float | None  # attendance over the four weeks ending this week


@dataclass
class Panel:
    pupil: Pupil
    period: Period
    year: Period
    enrolments: list[PupilMeasures]
    child: PupilMeasures | None
    days: list[DayMarks]
    weeks: list[WeekPoint]
    thresholds: Thresholds


_LEVELS = ("present", "aea", "authorised", "unauthorised", "none")


def pupil_panel(*, viewer: Membership, pupil: Pupil, period_key: str, as_of: date) -> Panel:
    """Everything the attendance panel shows for one child, at the viewer's schools."""
    schools = attendance_schools_for(viewer=viewer)
    enrolled = set(Enrolment.objects.filter(pupil=pupil).values_list("school_id", flat=True))
    files = files_for([s for s in schools if s.pk in enrolled])
    period = resolve_period(key=period_key, as_of=as_of, files=files)
    year = Period.academic_year(as_of)
    year = Period(year.start, min(year.end, as_of), year.label)
    thresholds = Thresholds.for_school(viewer.school_id)
    enrolments, child, days, weeks = _panel_figures(
        tuple(files), pupil.pk, period, year, thresholds
    )
    return Panel(
        pupil=pupil,
        period=period,
        year=year,
        enrolments=list(enrolments),
        child=child,
        days=list(days),
        weeks=list(weeks),
        thresholds=thresholds,
    )


@lru_cache(maxsize=512)
def _panel_figures(
    files: tuple[Path, ...], pupil_id: UUID, period: Period, year: Period, thresholds: Thresholds
) -> tuple[
    tuple[PupilMeasures, ...], PupilMeasures | None, tuple[DayMarks, ...], tuple[WeekPoint, ...]
]:
    """The panel's DuckDB figures for one child. Each Parquet file is named by its school's
    version token (attendance/columnar.py) and never rewritten under that name, so the same
    files, child, periods and thresholds always give the same figures: they are kept (per
    process, the most recent 512) and an import, which changes the token, is never served stale."""
    enrolments = pupil_measures(
        files=files, period=period, pupil_ids=[pupil_id], thresholds=thresholds
    )
    if len(enrolments) == 1:  # one school: the child's measures are the enrolment's
        child_rows = [dataclasses.replace(enrolments[0], school_id=None)]
    else:
        child_rows = pupil_measures(
            files=files, period=period, pupil_ids=[pupil_id], per="child", thresholds=thresholds
        )
    days, weeks = _calendar(files=files, pupil_id=pupil_id, year=year)
    return tuple(enrolments), child_rows[0] if child_rows else None, tuple(days), tuple(weeks)


def _calendar(
    *, files: Sequence[Path], pupil_id: UUID, year: Period
) -> tuple[list[DayMarks], list[WeekPoint]]:
    if not files:
        return [], []
    db = connect()
    try:
        rows = db.execute(
            f"WITH {marks_cte(files, year.start, year.end, f"AND pupil_id = '{pupil_id}'::UUID")}"
            " SELECT s.day, s.pm, s.ch FROM sessions s"
            f" WHERE s.day BETWEEN DATE '{year.start}' AND DATE '{year.end}'"
            f" AND s.ch <> '{NO_MARK}' ORDER BY s.day, s.pm"
        ).fetchall()
    finally:
        db.close()
    marks: dict[date, list[str]] = defaultdict(lambda: ["", ""])
    for day, pm, char in rows:
        marks[day][pm] = char
    days: list[DayMarks] = []
    weekly: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in sorted(marks):
        am_char, pm_char = marks[day]
        worst = 4
        for char in (am_char, pm_char):
            if not char:
                continue
            mark = decode_mark(char)
            index = _LEVELS.index(mark.treatment.value) if mark.treatment.value in _LEVELS else 4
            if mark.possible:
                worst = index if worst == 4 else max(worst, index)
                weekly[day - timedelta(days=day.weekday())][0] += 1
                weekly[day - timedelta(days=day.weekday())][1] += mark.attended
        days.append(
            DayMarks(
                day=day,
                am=decode_mark(am_char).code.code if am_char else "",
                pm=decode_mark(pm_char).code.code if pm_char else "",
                level=_LEVELS[worst],
            )
        )
    weeks: list[WeekPoint] = []
    ordered = sorted(weekly)
    for index, monday in enumerate(ordered):
        window = [weekly[m] for m in ordered[max(0, index - 3) : index + 1]]
        possible = sum(w[0] for w in window)
        attended = sum(w[1] for w in window)
        weeks.append(
            WeekPoint(
                week_start=monday,
                possible=weekly[monday][0],
                attended=weekly[monday][1],
                rolling_rate=round(100 * attended / possible, 1) if possible else None,
            )
        )
    return days, weeks


def crossing_days(
    *, files: Sequence[Path], period: Period, pupil_ids: Sequence[UUID], min_sessions: int
) -> list[tuple[UUID, UUID, str, date, int, int]]:
    """The first day in the period each pupil's absence so far reached persistent or severe
    absence (`attendance.md` §3 [V]), once at least `min_sessions` were possible.
    Returns (pupil, school, "persistent"|"severe", day, absent, possible)."""
    if not files or not pupil_ids:
        return []
    ids = ", ".join(f"'{p}'::UUID" for p in pupil_ids)
    t = Thresholds.for_school(None)
    sql = f"""
    WITH {marks_cte(files, period.start, period.end, f"AND pupil_id IN ({ids})")},
    daily AS (
        SELECT school_id, pupil_id, day, count(*) FILTER (t <= 3) AS poss,
               count(*) FILTER (t IN (2, 3)) AS absent
        FROM marks GROUP BY ALL
    ),
    running AS (
        SELECT *, sum(poss) OVER w AS cum_poss, sum(absent) OVER w AS cum_absent
        FROM daily WINDOW w AS (PARTITION BY school_id, pupil_id ORDER BY day)
    )
    SELECT pupil_id, school_id, 'persistent', min(day), arg_min(cum_absent, day),
           arg_min(cum_poss, day)
    FROM running WHERE cum_poss >= {min_sessions}
        AND 100 * cum_absent >= {t.persistent_percent} * cum_poss GROUP BY ALL
    UNION ALL
    SELECT pupil_id, school_id, 'severe', min(day), arg_min(cum_absent, day),
           arg_min(cum_poss, day)
    FROM running WHERE cum_poss >= {min_sessions}
        AND 100 * cum_absent >= {t.severe_percent} * cum_poss GROUP BY ALL
    """
    return list(_parquet_rows(sql))


def unexplained_runs(
    *, files: Sequence[Path], period: Period, pupil_ids: Sequence[UUID], min_days: int
) -> list[tuple[UUID, UUID, date, date, int]]:
    """Runs of at least `min_days` school days on which every possible session was an
    unexplained absence (`G N O U`): (pupil, school, first day, last day, days)."""
    if not files or not pupil_ids:
        return []
    ids = ", ".join(f"'{p}'::UUID" for p in pupil_ids)
    sql = f"""
    WITH {marks_cte(files, period.start, period.end, f"AND pupil_id IN ({ids})")},
    days AS (
        SELECT school_id, pupil_id, day, count(*) FILTER (t <= 3) = count(*) FILTER (t = 3) AS u
        FROM marks GROUP BY ALL HAVING count(*) FILTER (t <= 3) > 0
    ),
    grouped AS (
        SELECT *, row_number() OVER (PARTITION BY school_id, pupil_id ORDER BY day)
            - row_number() OVER (PARTITION BY school_id, pupil_id, u ORDER BY day) AS grp
        FROM days
    )
    SELECT pupil_id, school_id, min(day), max(day), count(*) FROM grouped WHERE u
    GROUP BY pupil_id, school_id, grp HAVING count(*) >= {min_days} ORDER BY 3
    """
    return list(_parquet_rows(sql))


def first_unexplained_after(
    *, files: Sequence[Path], anchors: dict[UUID, list[date]]
) -> list[tuple[UUID, UUID, date, date]]:
    """For each (pupil, anchor date) the first unexplained absence after it: the generic
    "first unexplained absence after a concern" (`attendance.md` §6). Concerns (or any other
    record) supply the anchor dates. Returns (pupil, school, anchor, first absence day)."""
    pairs = [(p, d) for p, days in anchors.items() for d in days]
    if not files or not pairs:
        return []
    values = ", ".join(f"('{p}'::UUID, DATE '{d}')" for p, d in pairs)
    start = min(d for _, d in pairs)
    sql = f"""
    WITH {marks_cte(files, start, date.max.replace(year=9000))},
    anchors AS (SELECT * FROM (VALUES {values}) AS a(pupil_id, anchor))
    SELECT a.pupil_id, m.school_id, a.anchor, min(m.day)
    FROM anchors a JOIN marks m ON m.pupil_id = a.pupil_id AND m.day > a.anchor AND m.t = 3
    GROUP BY ALL ORDER BY 4
    """
    return list(_parquet_rows(sql))


@lru_cache(maxsize=256)
def _parquet_rows(sql: str) -> tuple[tuple[Any, ...], ...]:
    """The rows of a DuckDB query over the schools' Parquet files, kept per process (the most
    recent 256). The SQL names every file it reads, and each file is named by its school's
    version token and never rewritten under that name (attendance/columnar.py); everything else
    the answer depends on (children, dates, thresholds, code translations) is written into the
    SQL too. The same SQL therefore always has the same answer, and after an import, which
    changes the token, the SQL differs."""
    db = connect()
    try:
        return tuple(tuple(row) for row in db.execute(sql).fetchall())
    finally:
        db.close()
