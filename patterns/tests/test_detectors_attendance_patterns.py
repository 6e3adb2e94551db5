"""The attendance patterns as one detector with each school's settings (issue 16): each pattern
raised and its near-miss quiet, every threshold at its edge and one past it; and the attendance
pages reading the same settings for the school."""

import dataclasses
from uuid import uuid4

import pytest
from django.utils import timezone

from attendance.measures import PupilMeasures, Thresholds
from patterns.detectors.attendance_patterns import (
    AttendancePatternSettings,
    _near_breaks,
    attendance_patterns,
)
from patterns.models import DetectorSettings
from patterns.registry import Severity
from patterns.tests.builders import d, days, pupil

ABSENT = {"authorised": 0, "unauthorised": 2, "attended": 0}
LATE = {"late": 1}


def _marked(first: str, last: str, changes: dict[str, dict[str, int]]):
    """Weekday registers, full attendance except the days in `changes`."""
    return tuple(
        dataclasses.replace(day, **changes.get(day.day.isoformat(), {}))
        for day in days(first, last)
    )


def _mondays():
    mondays = ("2025-01-06", "2025-01-13", "2025-01-27", "2025-02-10", "2025-02-17", "2025-02-24")
    return pupil(attendance=_marked("2025-01-06", "2025-02-28", dict.fromkeys(mondays, ABSENT)))


def test_absence_on_mondays_and_fridays():
    [raised] = attendance_patterns(
        _mondays(), as_of=d("2025-02-28"), config=AttendancePatternSettings()
    )
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == (
        "In the register since 6 Jan 2025: absence on Mondays and Fridays (6 days)."
    )
    assert raised.evidence[0].id == "p1:2025-01-06"


@pytest.mark.parametrize(("minimum", "raised"), [(12, True), (13, False)])
def test_mondays_and_fridays_min_absences_edge(minimum, raised):
    config = AttendancePatternSettings(min_absences=minimum)
    assert bool(attendance_patterns(_mondays(), as_of=d("2025-02-28"), config=config)) is raised


@pytest.mark.parametrize(("ratio", "raised"), [(250, True), (251, False)])
def test_mondays_and_fridays_ratio_edge(ratio, raised):
    # 12 of 12 absent sessions on 32 of 80 possible: 100·12·80 ≥ ratio·32·12 up to 250.
    config = AttendancePatternSettings(ratio_percent=ratio)
    assert bool(attendance_patterns(_mondays(), as_of=d("2025-02-28"), config=config)) is raised


def _around_half_term():
    around = ("2025-02-13", "2025-02-14", "2025-02-24", "2025-02-25")
    before = _marked("2025-01-06", "2025-02-14", dict.fromkeys(around, ABSENT))
    after = _marked("2025-02-24", "2025-03-14", dict.fromkeys(around, ABSENT))
    return pupil(attendance=(*before, *after))


def test_absence_around_holidays():
    [raised] = attendance_patterns(
        _around_half_term(), as_of=d("2025-03-14"), config=AttendancePatternSettings()
    )
    assert raised.detail == "In the register since 6 Jan 2025: absence around holidays (4 days)."


@pytest.mark.parametrize(("near", "raised"), [(2, True), (1, False)])
def test_around_holidays_adjacent_days_edge(near, raised):
    config = AttendancePatternSettings(holiday_adjacent_days=near)
    found = attendance_patterns(_around_half_term(), as_of=d("2025-03-14"), config=config)
    assert bool(found) is raised


def _falling(**absence: int):
    full = days("2025-01-06", "2025-02-14")
    half = tuple(
        dataclasses.replace(day, attended=1, **absence) for day in days("2025-02-17", "2025-03-14")
    )
    return pupil(attendance=(*full, *half))


def test_a_sudden_fall_against_earlier_weeks():
    [raised] = attendance_patterns(
        _falling(unauthorised=1), as_of=d("2025-03-14"), config=AttendancePatternSettings()
    )
    assert "a sudden fall in the last 28 days against earlier weeks" in raised.detail
    assert len(raised.evidence) == 20


def test_an_authorised_fall_counts_only_where_the_school_says():
    ill = _falling(authorised=1)
    assert attendance_patterns(ill, as_of=d("2025-03-14"), config=AttendancePatternSettings()) == []
    counted = AttendancePatternSettings(fall_counts_authorised=True)
    assert attendance_patterns(ill, as_of=d("2025-03-14"), config=counted)


@pytest.mark.parametrize(
    ("field", "value", "raised"),
    [
        # drop = 100·(60·40 − 20·60) = 120000 ≥ points·60·40 up to 50 points.
        ("drop_points", 50, True),
        ("drop_points", 51, False),
        ("min_recent_sessions", 40, True),
        ("min_recent_sessions", 41, False),
        ("min_baseline_sessions", 60, True),
        ("min_baseline_sessions", 61, False),
    ],
)
def test_sudden_fall_edges(field, value, raised):
    config = AttendancePatternSettings(**{field: value})
    found = attendance_patterns(_falling(unauthorised=1), as_of=d("2025-03-14"), config=config)
    assert bool(found) is raised


def _late(count: int):
    late_days = [day.day.isoformat() for day in days("2025-01-06", "2025-02-28")][:count]
    marks = dict.fromkeys(late_days, LATE)
    return pupil(attendance=_marked("2025-01-06", "2025-02-28", marks))


@pytest.mark.parametrize(("count", "raised"), [(9, True), (8, False)])
def test_repeated_lateness_share_edge(count, raised):
    # 9 late of 80 + 9 sessions is 10.1%; 8 of 88 is 9.1%.
    config = AttendancePatternSettings()
    found = attendance_patterns(_late(count), as_of=d("2025-02-28"), config=config)
    assert bool(found) is raised
    if found:
        assert found[0].detail.endswith("repeated lateness (9 late marks).")


@pytest.mark.parametrize(("minimum", "raised"), [(6, True), (7, False)])
def test_repeated_lateness_min_edge(minimum, raised):
    config = AttendancePatternSettings(late_min=minimum, late_percent=1)
    assert bool(attendance_patterns(_late(6), as_of=d("2025-02-28"), config=config)) is raised


def test_two_patterns_ask_for_a_review_and_an_empty_register_is_quiet():
    both = dataclasses.replace(
        _falling(unauthorised=1),
        attendance=tuple(
            dataclasses.replace(day, late=1) if day.day.day < 15 else day
            for day in _falling(unauthorised=1).attendance
        ),
    )
    [raised] = attendance_patterns(both, as_of=d("2025-03-14"), config=AttendancePatternSettings())
    assert raised.severity is Severity.REVIEW
    config = AttendancePatternSettings()
    assert attendance_patterns(pupil(), as_of=d("2025-03-14"), config=config) == []
    steady = pupil(attendance=days("2025-01-06", "2025-03-14"))
    assert attendance_patterns(steady, as_of=d("2025-03-14"), config=config) == []


# ---- the attendance pages read the school's settings ------------------------------------------


def _measures(thresholds: Thresholds, **values: int) -> PupilMeasures:
    base = dict.fromkeys(
        [
            "possible",
            "present",
            "aea",
            "authorised",
            "unauthorised",
            "late",
            "part_time_sessions",
            "monfri_possible",
            "monfri_absent",
            "holiday_possible",
            "holiday_absent",
            "pattern_absent",
            "recent_possible",
            "recent_attended",
            "recent_authorised",
            "longest_run_days",
            "current_run_days",
        ],
        0,
    )
    base.update(values)
    return PupilMeasures(
        pupil_id=uuid4(),
        school_id=None,
        first_part_time=None,
        last_part_time=None,
        part_time_current=False,
        longest_run_start=None,
        first_unexplained=None,
        thresholds=thresholds,
        **base,
    )


@pytest.mark.django_db
def test_the_pages_use_the_schools_settings_and_show_nothing_when_it_is_off(school, dsl):
    defaults = Thresholds.for_school(None)
    assert (defaults.pattern_min_absences, defaults.late_flag_min) == (6, 6)
    assert defaults.patterns_on
    row = DetectorSettings.objects.create(
        school=school,
        detector="attendance-patterns",
        values={"late_min": 3, "late_percent": 1, "min_absences": 4},
        changed_at=timezone.now(),
        changed_by=dsl,
    )
    own = Thresholds.for_school(school.pk)
    assert (own.pattern_min_absences, own.late_flag_min) == (4, 3)
    late = {"possible": 80, "present": 80, "late": 3}
    assert _measures(own, **late).lateness_pattern
    assert not _measures(defaults, **late).lateness_pattern
    row.enabled = False
    row.save()
    off = Thresholds.for_school(school.pk)
    assert off.patterns_on is False
    assert off.late_flag_min == 6
    assert not _measures(off, **late).lateness_pattern
    monfri = {"possible": 80, "present": 68, "unauthorised": 12, "monfri_possible": 32}
    monfri |= {"monfri_absent": 12, "pattern_absent": 12}
    assert _measures(defaults, **monfri).monday_friday_pattern
    assert not _measures(off, **monfri).monday_friday_pattern
    fall = {"possible": 100, "present": 80, "authorised": 20, "recent_possible": 40}
    fall |= {"recent_attended": 20, "recent_authorised": 20}
    assert not _measures(defaults, **fall).sudden_fall
    counted = dataclasses.replace(defaults, fall_counts_authorised=True)
    assert _measures(counted, **fall).sudden_fall
    assert not _measures(off, **fall).sudden_fall


def test_a_weekend_register_is_not_a_break_but_a_weekday_without_one_is():
    week = days("2025-03-03", "2025-03-07")  # Monday to Friday
    saturday = dataclasses.replace(week[-1], day=d("2025-03-08"))
    monday = dataclasses.replace(week[0], day=d("2025-03-10"))
    assert _near_breaks([*week, saturday, monday], 1) == set()
    tuesday = dataclasses.replace(week[0], day=d("2025-03-11"))
    assert _near_breaks([monday, dataclasses.replace(tuesday, day=d("2025-03-12"))], 1) == {
        d("2025-03-10"),
        d("2025-03-12"),
    }
