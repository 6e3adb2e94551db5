"""Every window, age cut-off and percentage threshold of the detectors that were here before the
slow-burn ones, at its edge and one past it (issue 21 item 5). The new detectors' edges are in
test_detectors_slow_burn.py.

Each case places the oldest record a finding needs on the first day of the window ending on the
as-of date (`since(as_of, days)`): with the window at that length the detector speaks, and one
day shorter it is quiet. Counting both ends, a record on 6 January is day 15 of a window ending
on 20 January."""

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from patterns.detectors import attendance, casework, child, household, neglect
from patterns.facts import ActionKind, DecisionKind, LeavingReason, PupilFacts, RollFact
from patterns.registry import Raised
from patterns.tests.builders import (
    action,
    at,
    concern,
    d,
    days,
    decision,
    factor,
    pupil,
)
from patterns.tests.builders import (
    household as household_of,
)

AS_OF = d("2025-01-20")
EDGE = "2025-01-06"  # day 15 of a window ending on AS_OF
IN_WINDOW = 15


def _neglect_three() -> PupilFacts:
    return pupil(
        concerns=(
            concern("c1", EDGE, "hunger", author="a"),
            concern("c2", "2025-01-13", "hygiene", author="b"),
            concern("c3", "2025-01-20", "clothing", author="a"),
        )
    )


def _leaving() -> PupilFacts:
    return pupil(
        roll=(
            RollFact(
                id="e1", pupil_id="p1", school_id="s1", start_date=d("2024-09-02"),
                recorded_at=at(EDGE), end_date=d(EDGE),
                end_reason=LeavingReason.ELECTIVE_HOME_EDUCATION,
            ),
        ),
        concerns=(concern("c1", "2025-01-02", "hygiene"),),
    )  # fmt: skip


# detector, settings class, the setting moved, the facts (the household's for household ones)
WINDOWS: list[tuple[Callable[..., list[Raised]], type[Any], str, Any]] = [
    (
        neglect.cumulative_neglect,
        neglect.CumulativeNeglectSettings,
        "window_days",
        _neglect_three(),
    ),
    (
        neglect.neglect_with_other_abuse,
        neglect.NeglectWithOtherAbuseSettings,
        "window_days",
        pupil(
            concerns=(concern("c1", EDGE, "hunger"), concern("c2", "2025-01-20", "physical_abuse"))
        ),
    ),
    (
        neglect.practical_help_only,
        neglect.PracticalHelpOnlySettings,
        "window_days",
        pupil(
            concerns=(concern("c1", EDGE, "hunger"), concern("c2", "2025-01-13", "clothing")),
            actions=(
                action("a1", "2025-01-14", ActionKind.PRACTICAL),
                action("a2", "2025-01-15", ActionKind.PRACTICAL),
            ),
        ),
    ),
    (
        neglect.poverty_normalising_neglect,
        neglect.PovertyNormalisingNeglectSettings,
        "window_days",
        pupil(
            free_school_meals=True,
            concerns=(concern("c1", EDGE, "hunger"), concern("c2", "2025-01-13", "clothing")),
            decisions=(
                decision("d1", EDGE, DecisionKind.NFA, concerns=("c1",), closes=True),
                decision(
                    "d2", "2025-01-14", DecisionKind.NFA, case="k2", concerns=("c2",), closes=True
                ),
            ),
        ),
    ),
    (
        child.injuries,
        child.InjuriesSettings,
        "window_days",
        pupil(concerns=(concern("c1", EDGE, "injury"), concern("c2", "2025-01-20", "injury"))),
    ),
    (
        child.injuries,
        child.InjuriesSettings,
        "non_mobile_window_days",
        pupil(mobile=False, concerns=(concern("c1", EDGE, "injury"),)),
    ),
    (
        child.behaviour_change_with_welfare,
        child.BehaviourChangeSettings,
        "window_days",
        pupil(
            concerns=(
                concern("c1", EDGE, "behaviour_change"),
                concern("c2", "2025-01-20", "hunger"),
            )
        ),
    ),
    (
        child.adolescent_risks,
        child.AdolescentSettings,
        "window_days",
        pupil(date_of_birth=d("2012-01-01"), concerns=(concern("c1", EDGE, "missing"),)),
    ),
    (
        child.disabled_child_concerns,
        child.DisabledChildSettings,
        "window_days",
        pupil(
            disability=True,
            concerns=(concern("c1", EDGE, "hunger"), concern("c2", "2025-01-20", "hygiene")),
        ),
    ),
    (
        casework.start_again,
        casework.StartAgainSettings,
        "window_days",
        pupil(
            decisions=(
                decision("d1", EDGE, DecisionKind.NFA, closes=True),
                decision("d2", "2025-01-20", DecisionKind.NFA, case="k2", closes=True),
            )
        ),
    ),
    (
        attendance.attendance_with_welfare,
        attendance.AttendanceWithWelfareSettings,
        "concern_window_days",
        pupil(
            concerns=(concern("c1", EDGE, "hunger"),),
            attendance=days(EDGE, "2025-01-20", unauthorised=1, unexplained=1),
        ),
    ),
    (attendance.left_roll_while_open, attendance.LeftRollSettings, "recent_days", _leaving()),
    (
        household.trio,
        household.TrioSettings,
        "window_days",
        household_of(
            pupil(),
            factors=[
                factor("f1", EDGE, "domestic_abuse_household"),
                factor("f2", "2025-01-20", "parental_mental_health"),
            ],
        ),
    ),
    (
        household.household_children,
        household.SiblingsSettings,
        "window_days",
        household_of(
            pupil(concerns=(concern("c1", EDGE, "hunger"),)),
            pupil(pupil_id="p2", concerns=(concern("c2", "2025-01-20", "hygiene", pupil_id="p2"),)),
        ),
    ),
]


@pytest.mark.parametrize(
    ("func", "settings", "name", "facts"),
    WINDOWS,
    ids=[f"{w[0].__name__}-{w[2]}" for w in WINDOWS],
)
def test_window_at_its_edge_and_one_past_it(func, settings, name, facts):
    assert func(facts, as_of=AS_OF, config=settings(**{name: IN_WINDOW})), "at the edge"
    assert func(facts, as_of=AS_OF, config=settings(**{name: IN_WINDOW - 1})) == [], "one past"


def test_left_roll_lookback_edge():
    """Concerns looked back at from the leaving date: one 15 days before it, at the edge."""
    facts = dataclasses.replace(_leaving(), concerns=(concern("c1", "2024-12-23", "hygiene"),))
    config = attendance.LeftRollSettings
    assert attendance.left_roll_while_open(facts, as_of=AS_OF, config=config(lookback_days=15))
    assert (
        attendance.left_roll_while_open(facts, as_of=AS_OF, config=config(lookback_days=14)) == []
    )


@pytest.mark.parametrize(("born", "raised"), [("2014-01-20", True), ("2014-01-21", False)])
def test_adolescent_age_cut_off(born, raised):
    """Eleven on the as-of date counts; eleven tomorrow does not yet."""
    facts = pupil(
        date_of_birth=date.fromisoformat(born), concerns=(concern("c1", "2025-01-20", "missing"),)
    )
    found = child.adolescent_risks(facts, as_of=AS_OF, config=child.AdolescentSettings())
    assert bool(found) is raised


def _absent_sessions(absent: int) -> PupilFacts:
    """Twenty school days (40 sessions) in the last 28 days, `absent` of them authorised
    absences, after a welfare concern."""
    register = list(days("2024-12-23", "2025-01-20"))
    register = [r for r in register if r.day >= d("2024-12-24")][:20]
    marked = []
    for i, day in enumerate(register):
        gone = 2 if 2 * (i + 1) <= absent else (absent - 2 * i if 2 * i < absent else 0)
        marked.append(dataclasses.replace(day, authorised=gone, attended=2 - gone))
    return pupil(concerns=(concern("c1", "2025-01-10", "hunger"),), attendance=tuple(marked))


@pytest.mark.parametrize(("absent", "raised"), [(4, True), (3, False)])
def test_persistent_absence_percentage_edge(absent, raised):
    """Ten per cent of 40 sessions is 4: 4 absences are persistent, 3 are not
    (attendance.md §3: 10 × absent ≥ possible)."""
    facts = _absent_sessions(absent)
    assert sum(r.possible for r in facts.attendance) == 40
    config = attendance.AttendanceWithWelfareSettings(drop_points=100)
    assert bool(attendance.attendance_with_welfare(facts, as_of=AS_OF, config=config)) is raised


@pytest.mark.parametrize(("points", "raised"), [(10, True), (11, False)])
def test_falling_attendance_points_edge(points, raised):
    """A baseline of full attendance and a recent 90%: a fall of exactly ten points."""
    baseline = days("2024-09-23", "2024-12-20")
    recent = _absent_sessions(4).attendance
    facts = pupil(
        concerns=(concern("c1", "2025-01-10", "hunger"),), attendance=(*baseline, *recent)
    )
    config = attendance.AttendanceWithWelfareSettings(persistent_percent=100, drop_points=points)
    assert bool(attendance.attendance_with_welfare(facts, as_of=AS_OF, config=config)) is raised


@pytest.mark.parametrize(("run", "raised"), [(10, True), (11, False)])
def test_unexplained_run_edge(run, raised):
    facts = pupil(attendance=days("2025-01-07", "2025-01-20", unauthorised=2, unexplained=2))
    assert len(facts.attendance) == 10
    config = attendance.UnexplainedRunSettings(run_days=run)
    assert bool(attendance.unexplained_absence_run(facts, as_of=AS_OF, config=config)) is raised


@pytest.mark.parametrize(("as_of", "raised"), [("2025-01-21", True), ("2025-01-20", False)])
def test_referral_outcome_due_edge(as_of, raised):
    """Due on the 20th (13th + 7 days): overdue from the 21st, not on the day itself."""
    facts = pupil(decisions=(decision("d1", "2025-01-13", DecisionKind.REFERRAL),))
    config = casework.ReferralOutcomeSettings()
    assert bool(casework.referral_outcome_overdue(facts, as_of=d(as_of), config=config)) is raised


@pytest.mark.parametrize(("as_of", "raised"), [("2025-01-21", True), ("2025-01-20", False)])
def test_monitoring_review_date_edge(as_of, raised):
    facts = pupil(
        decisions=(decision("d1", "2025-01-06", DecisionKind.MONITOR, review="2025-01-20"),)
    )
    config = casework.MonitoringReviewSettings()
    assert bool(casework.monitoring_review_overdue(facts, as_of=d(as_of), config=config)) is raised
