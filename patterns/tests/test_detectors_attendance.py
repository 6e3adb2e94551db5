"""Pure tests of the attendance detectors."""

import dataclasses

from patterns.detectors.attendance import (
    AttendanceWithWelfareSettings,
    LeftRollSettings,
    UnexplainedRunSettings,
    attendance_with_welfare,
    left_roll_while_open,
    unexplained_absence_run,
)
from patterns.facts import DecisionKind, LeavingReason, RollFact
from patterns.registry import Severity
from patterns.tests.builders import at, concern, d, days, decision, pupil

WELFARE = AttendanceWithWelfareSettings()


def test_no_welfare_concern_no_finding_however_low_attendance():
    facts = pupil(attendance=days("2025-01-06", "2025-02-14", authorised=2))
    assert attendance_with_welfare(facts, as_of=d("2025-02-14"), config=WELFARE) == []


def test_persistent_absence_alongside_a_welfare_concern():
    facts = pupil(
        concerns=(concern("c1", "2025-01-06", "hunger"),),
        attendance=days("2025-01-20", "2025-02-14", authorised=1),
    )
    [raised] = attendance_with_welfare(facts, as_of=d("2025-02-14"), config=WELFARE)
    assert raised.severity is Severity.REVIEW
    assert "attended 20 of 40 sessions in the last 28 days" in raised.detail
    assert "fell" not in raised.detail  # no baseline to compare with


def test_falling_against_the_childs_own_baseline():
    facts = pupil(
        concerns=(concern("c1", "2025-02-03", "tiredness"),),
        attendance=(
            *days("2024-11-04", "2025-01-17"),
            # 2 absent sessions in 40 (5%): not persistent, but 15 points below a 100% baseline
            *days("2025-01-20", "2025-01-21", authorised=1),
            *days("2025-01-22", "2025-02-14"),
        ),
    )
    config = dataclasses.replace(WELFARE, drop_points=5)
    [raised] = attendance_with_welfare(facts, as_of=d("2025-02-14"), config=config)
    assert "attendance fell from" in raised.detail
    assert "attended" not in raised.detail.split(";")[1]


def test_unexplained_absence_after_a_concern():
    facts = pupil(
        concerns=(concern("c1", "2025-02-03", "tiredness"),),
        attendance=(
            *days("2025-01-06", "2025-02-03", unauthorised=1, unexplained=1),
            *days("2025-02-04", "2025-02-14", possible=0),
        ),
    )
    [raised] = attendance_with_welfare(facts, as_of=d("2025-02-14"), config=WELFARE)
    assert raised.detail.endswith("1 day of unexplained absence since the first concern.")


def test_good_attendance_with_a_concern_is_quiet():
    facts = pupil(
        concerns=(concern("c1", "2025-02-03", "tiredness"),),
        attendance=days("2024-11-04", "2025-02-14"),
    )
    assert attendance_with_welfare(facts, as_of=d("2025-02-14"), config=WELFARE) == []


def test_unexplained_run():
    config = UnexplainedRunSettings()
    facts = pupil(
        attendance=(
            *days("2025-01-06", "2025-01-31"),
            *days("2025-02-03", "2025-02-14", unauthorised=2, unexplained=2),
            *days("2025-02-15", "2025-02-16", possible=0),
        )
    )
    [raised] = unexplained_absence_run(facts, as_of=d("2025-02-16"), config=config)
    assert raised.severity is Severity.REVIEW_NOW
    assert raised.detail.startswith("10 school days in a row")
    assert unexplained_absence_run(facts, as_of=d("2025-02-13"), config=config) == []
    back = dataclasses.replace(
        facts, attendance=(*facts.attendance, *days("2025-02-17", "2025-02-17"))
    )
    assert unexplained_absence_run(back, as_of=d("2025-02-17"), config=config) == []
    assert unexplained_absence_run(pupil(), as_of=d("2025-02-17"), config=config) == []


def _left(reason: LeavingReason | None, end: str | None = "2025-03-21") -> RollFact:
    return RollFact(
        id="e1",
        pupil_id="p1",
        school_id="s1",
        start_date=d("2024-09-04"),
        recorded_at=at(end or "2024-09-04"),
        end_date=d(end) if end else None,
        end_reason=reason,
    )


def test_left_roll_while_a_case_is_open():
    config = LeftRollSettings()
    facts = pupil(
        roll=(_left(LeavingReason.ELECTIVE_HOME_EDUCATION),),
        concerns=(concern("c1", "2025-03-03", "hygiene"),),
        decisions=(
            decision("d1", "2025-03-04", DecisionKind.MONITOR, concerns=("c1",)),
            decision("d2", "2025-03-25", DecisionKind.NFA, closes=True),  # after leaving
        ),
    )
    [raised] = left_roll_while_open(facts, as_of=d("2025-03-31"), config=config)
    assert raised.detail == (
        "Left the roll on 21 Mar 2025 (ehe) with 1 open case and 0 concerns not yet decided on."
    )
    assert left_roll_while_open(facts, as_of=d("2025-06-30"), config=config) == []


def test_left_roll_with_an_unanswered_concern():
    facts = pupil(
        roll=(_left(LeavingReason.MOVED_AWAY),), concerns=(concern("c1", "2025-03-03", "hygiene"),)
    )
    [raised] = left_roll_while_open(facts, as_of=d("2025-03-31"), config=LeftRollSettings())
    assert "1 concern not yet decided on" in raised.detail


def test_left_roll_is_quiet_otherwise():
    config = LeftRollSettings()
    open_concern = (concern("c1", "2025-03-03", "hygiene"),)
    for facts in (
        pupil(roll=(_left(None, None),), concerns=open_concern),  # still on roll
        pupil(roll=(_left(LeavingReason.MOVED_SCHOOL),), concerns=open_concern),
        pupil(roll=(_left(LeavingReason.MOVED_AWAY),)),  # nothing open
        pupil(
            roll=(_left(LeavingReason.MOVED_AWAY),),
            concerns=open_concern,
            decisions=(
                decision("d1", "2025-03-04", DecisionKind.NFA, concerns=("c1",), closes=True),
            ),
        ),
    ):
        assert left_roll_while_open(facts, as_of=d("2025-03-31"), config=config) == []
