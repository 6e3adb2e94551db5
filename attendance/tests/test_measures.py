"""Measures on hand-built registers (attendance.md §3, §4, §6)."""

from datetime import date, timedelta

import pytest

from attendance import columnar
from attendance.measures import Period, pupil_measures
from attendance.tests.factories import import_text, weeks_csv
from pupils.tests.factories import EnrolmentFactory

MONDAY = date(2025, 9, 1)
PRESENT = "/\\/\\/\\/\\/\\"


def week(*absent_slots: int, code: str = "I", base: str = PRESENT) -> str:
    marks = list(base)
    for slot in absent_slots:
        marks[slot] = code
    return "".join(marks)


def measure(tmp_path, pupil, school, weeks, *, end=None, per="enrolment", schools=None):
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, weeks))
    files = list(columnar.ensure_current(school_ids=[s.pk for s in (schools or [school])]).values())
    end = end or MONDAY + timedelta(weeks=len(weeks)) - timedelta(days=3)
    rows = pupil_measures(files=files, period=Period(MONDAY, end, "test"), per=per)
    return rows[0] if len(rows) == 1 else rows


def test_exactly_ninety_percent_is_persistent_absence(tmp_path, school, pupil):
    # 100 possible sessions, 10 missed: 90.0% attendance is persistent absence (§3 [V]).
    m = measure(tmp_path, pupil, school, [week(0)] * 10)
    assert (m.possible, m.attended, m.absent) == (100, 90, 10)
    assert m.rate == 90.0
    assert m.persistent
    assert not m.severe


def test_just_above_ninety_percent_is_not_persistent(tmp_path, school, pupil):
    m = measure(tmp_path, pupil, school, [week(0)] * 9 + [PRESENT])
    assert m.rate == 91.0
    assert not m.persistent


def test_exactly_half_missed_is_severe_absence(tmp_path, school, pupil):
    m = measure(tmp_path, pupil, school, [week(0, 1, 2, 3, 4, code="N")] * 2)
    assert (m.possible, m.unauthorised) == (20, 10)
    assert m.severe
    assert m.persistent


def test_approved_educational_activity_counts_as_attending(tmp_path, school, pupil):
    m = measure(tmp_path, pupil, school, [week(0, 1, code="V"), week(2, code="K")])
    assert (m.present, m.aea, m.attended, m.possible) == (17, 3, 20, 20)
    assert m.rate == 100.0


def test_not_counted_codes_leave_possible_sessions(tmp_path, school, pupil):
    m = measure(tmp_path, pupil, school, [week(0, 1, code="#"), week(2, code="Y1")])
    assert m.possible == 17
    assert m.absent == 0


def test_ten_school_days_of_unexplained_absence_prompt_la_notification(tmp_path, school, pupil):
    # Two whole weeks of N, with a closure day in the middle that neither breaks nor extends it.
    weeks = [PRESENT, "N" * 10, "NN##NNNNNN", "NNNN" + PRESENT[4:]]
    m = measure(tmp_path, pupil, school, weeks)
    assert m.longest_run_days == 11
    assert m.longest_run_start == MONDAY + timedelta(weeks=1)
    assert m.la_notify
    assert m.current_run_days == 0


def test_nine_days_is_not_yet_a_notification(tmp_path, school, pupil):
    weeks = [PRESENT, "N" * 10, "NNNNNNNN" + "/\\"]
    m = measure(tmp_path, pupil, school, weeks)
    assert m.longest_run_days == 9
    assert not m.la_notify
    assert m.first_unexplained == MONDAY + timedelta(weeks=1)


def test_a_day_half_present_breaks_a_run(tmp_path, school, pupil):
    weeks = ["NNNNN\\NNNN"]
    m = measure(tmp_path, pupil, school, weeks)
    assert m.longest_run_days == 2


def test_monday_and_friday_pattern(tmp_path, school, pupil):
    m = measure(tmp_path, pupil, school, [week(0, 1, 8, 9, code="O")] * 4)
    assert m.monfri_absent == 16
    assert m.monday_friday_pattern
    spread = measure(tmp_path, pupil, school, [week(2, 3, 4, 5, code="O")] * 4)
    assert not spread.monday_friday_pattern


def test_part_time_timetable_length(tmp_path, school, pupil):
    weeks = [PRESENT, *[week(1, 3, 5, 7, 9, code="C2")] * 3]
    m = measure(tmp_path, pupil, school, weeks)
    assert m.part_time_sessions == 15
    assert m.part_time_weeks == 3
    assert m.part_time_current
    assert m.first_part_time == MONDAY + timedelta(weeks=1, days=0)


def test_long_part_time_timetable_is_flagged(tmp_path, school, pupil, settings):
    settings.CAIRN_ATTENDANCE_PART_TIME_FLAG_WEEKS = 2
    m = measure(tmp_path, pupil, school, [week(1, code="C2")] * 3)
    assert m.part_time_long


def test_lateness_pattern(tmp_path, school, pupil):
    m = measure(tmp_path, pupil, school, [week(0, 2, code="L")] * 4)
    assert m.late == 8
    assert m.lateness_pattern
    assert m.rate == 100.0


def test_sudden_fall_against_own_baseline(tmp_path, school, pupil):
    weeks = [PRESENT] * 8 + [week(0, 1, 2, 3, 4, code="O")] * 4
    m = measure(tmp_path, pupil, school, weeks)
    assert (m.recent_possible, m.recent_attended) == (40, 20)
    assert m.sudden_fall
    steady = measure(tmp_path, pupil, school, [week(0)] * 12)
    assert not steady.sudden_fall


def test_absence_around_holidays(tmp_path, school, pupil):
    # The school's calendar: a week's holiday after week 4. The pupil misses the days either side.
    holiday = "#" * 10
    weeks = [
        PRESENT,
        PRESENT,
        PRESENT,
        week(6, 7, 8, 9, code="O"),
        holiday,
        week(0, 1, 2, 3, code="O"),
        PRESENT,
        PRESENT,
    ]
    m = measure(tmp_path, pupil, school, weeks)
    assert m.holiday_absent == 8
    assert m.holiday_pattern


def test_measures_per_enrolment_and_per_child(tmp_path, school, other_school, pupil):
    EnrolmentFactory(pupil=pupil, school=other_school)
    import_text(tmp_path, weeks_csv(pupil, other_school, MONDAY, [week(0, 1, 2, 3, 4)]))
    per_school = measure(tmp_path, pupil, school, [PRESENT], schools=[school, other_school])
    assert sorted(r.absent for r in per_school) == [0, 5]
    child = pupil_measures(
        files=list(columnar.ensure_current(school_ids=[school.pk, other_school.pk]).values()),
        period=Period(MONDAY, MONDAY + timedelta(days=4), "week"),
        per="child",
    )
    assert len(child) == 1
    assert (child[0].possible, child[0].absent) == (20, 5)
    assert child[0].school_id is None


def test_thresholds_are_settings(tmp_path, school, pupil, settings):
    settings.CAIRN_ATTENDANCE_PERSISTENT_PERCENT = 20
    m = measure(tmp_path, pupil, school, [week(0)] * 10)
    assert not m.persistent


@pytest.mark.parametrize("period_days", [0, 3])
def test_a_period_cuts_the_week(tmp_path, school, pupil, period_days):
    m = measure(tmp_path, pupil, school, [week(0, 9)], end=MONDAY + timedelta(days=period_days))
    assert m.possible == 2 * (period_days + 1)
    assert m.absent == 1
