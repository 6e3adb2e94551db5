"""Pure tests of the casework detectors."""

from patterns.detectors.casework import (
    MonitoringReviewSettings,
    ReferralOutcomeSettings,
    StartAgainSettings,
    monitoring_review_overdue,
    referral_outcome_overdue,
    start_again,
)
from patterns.facts import DecisionKind
from patterns.registry import Severity
from patterns.tests.builders import d, decision, pupil

AS_OF = d("2025-03-31")


def test_start_again_after_a_closure_and_a_new_decision():
    facts = pupil(
        decisions=(
            decision("d1", "2024-10-03", DecisionKind.EARLY_HELP),
            decision("d2", "2024-12-10", DecisionKind.NFA, closes=True),
            decision("d3", "2025-01-21", DecisionKind.MONITOR, case="k2"),
        )
    )
    [raised] = start_again(facts, as_of=AS_OF, config=StartAgainSettings())
    assert raised.detail == "In the last 365 days: 1 closure and 1 decision after a closure."
    assert [r.id for r in raised.evidence] == ["d2", "d3"]


def test_start_again_same_case_reopened_but_not_work_continuing_on_another_case():
    reopened = pupil(
        decisions=(
            decision("d1", "2024-12-01", DecisionKind.MONITOR),
            decision("d2", "2024-12-10", DecisionKind.NFA, closes=True),
            decision("d3", "2025-02-01", DecisionKind.MONITOR),
        )
    )
    [raised] = start_again(reopened, as_of=AS_OF, config=StartAgainSettings())
    assert [r.id for r in raised.evidence] == ["d2", "d3"]
    concurrent = pupil(
        decisions=(
            decision("d1", "2024-11-01", DecisionKind.EARLY_HELP, case="kb"),
            decision("d2", "2024-12-10", DecisionKind.NFA, case="ka", closes=True),
            decision("d3", "2025-02-01", DecisionKind.MONITOR, case="kb"),
        )
    )
    assert start_again(concurrent, as_of=AS_OF, config=StartAgainSettings()) == []


def test_start_again_on_repeated_closures_and_quiet_on_one():
    two = pupil(
        decisions=(
            decision("d1", "2024-11-05", DecisionKind.NFA, closes=True),
            decision("d2", "2025-01-14", DecisionKind.NFA, case="k2", closes=True),
        )
    )
    [raised] = start_again(two, as_of=AS_OF, config=StartAgainSettings())
    assert raised.detail == "In the last 365 days: 2 closures."
    one = pupil(decisions=two.decisions[:1])
    assert start_again(one, as_of=AS_OF, config=StartAgainSettings()) == []


def test_referral_outcome_overdue():
    config = ReferralOutcomeSettings()
    due = decision("d1", "2025-03-03", DecisionKind.REFERRAL, due="2025-03-10")
    [raised] = referral_outcome_overdue(
        pupil(decisions=(due,)), as_of=d("2025-03-11"), config=config
    )
    assert raised.severity is Severity.REVIEW
    assert raised.detail.endswith("none recorded (1 days overdue).")
    assert (
        referral_outcome_overdue(pupil(decisions=(due,)), as_of=d("2025-03-10"), config=config)
        == []
    )
    # No due date: the default number of days after the referral.
    undated = decision("d2", "2025-03-03", DecisionKind.REFERRAL)
    assert (
        referral_outcome_overdue(pupil(decisions=(undated,)), as_of=d("2025-03-10"), config=config)
        == []
    )
    assert (
        len(
            referral_outcome_overdue(
                pupil(decisions=(undated,)), as_of=d("2025-03-11"), config=config
            )
        )
        == 1
    )
    answered = decision(
        "d3", "2025-03-03", DecisionKind.REFERRAL, due="2025-03-10", outcome="2025-03-07"
    )
    other = decision("d4", "2025-01-01", DecisionKind.MONITOR)
    assert (
        referral_outcome_overdue(pupil(decisions=(answered, other)), as_of=AS_OF, config=config)
        == []
    )


def test_monitoring_review_overdue():
    config = MonitoringReviewSettings()
    monitor = decision("d1", "2025-01-21", DecisionKind.MONITOR, review="2025-02-21")
    [raised] = monitoring_review_overdue(
        pupil(decisions=(monitor,)), as_of=d("2025-02-22"), config=config
    )
    assert raised.severity is Severity.CONSIDER
    assert (
        monitoring_review_overdue(pupil(decisions=(monitor,)), as_of=d("2025-02-21"), config=config)
        == []
    )
    reviewed = decision("d2", "2025-02-20", DecisionKind.NFA, closes=True)
    assert (
        monitoring_review_overdue(pupil(decisions=(monitor, reviewed)), as_of=AS_OF, config=config)
        == []
    )
    undated = decision("d3", "2025-01-21", DecisionKind.MONITOR, case="k3")
    assert monitoring_review_overdue(pupil(decisions=(undated,)), as_of=AS_OF, config=config) == []
