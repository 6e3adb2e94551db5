"""Pure tests of the neglect detectors (no database)."""

import dataclasses

from patterns.detectors.neglect import (
    CumulativeNeglectSettings,
    NeglectWithOtherAbuseSettings,
    PovertyNormalisingNeglectSettings,
    PracticalHelpOnlySettings,
    cumulative_neglect,
    neglect_with_other_abuse,
    poverty_normalising_neglect,
    practical_help_only,
)
from patterns.facts import ActionKind, DecisionKind, Part
from patterns.registry import Severity, SubjectKind
from patterns.tests.builders import action, concern, d, days, decision, pupil

AS_OF = d("2025-02-14")


def run_cumulative(*concerns, **settings):
    config = dataclasses.replace(CumulativeNeglectSettings(), **settings)
    return cumulative_neglect(pupil(concerns=concerns), as_of=AS_OF, config=config)


def test_cumulative_neglect_raises_on_three_signs_from_two_adults():
    [raised] = run_cumulative(
        concern("c1", "2025-01-13", "hunger", author="a"),
        concern("c2", "2025-01-22", "hygiene", author="b"),
        concern("c3", "2025-02-03", "clothing", author="a"),
    )
    assert raised.subject_kind is SubjectKind.PUPIL
    assert raised.subject_id == "p1"
    assert raised.severity is Severity.CONSIDER
    assert [r.id for r in raised.evidence] == ["c1", "c2", "c3"]
    assert raised.detail == (
        "3 concerns showing signs of neglect (clothing, hunger, hygiene) between 13 Jan 2025 "
        "and 3 Feb 2025, from 2 adults."
    )


def test_cumulative_neglect_needs_more_than_one_adult():
    assert (
        run_cumulative(
            concern("c1", "2025-01-13", "hunger"),
            concern("c2", "2025-01-22", "hygiene"),
            concern("c3", "2025-02-03", "clothing"),
        )
        == []
    )


def test_cumulative_neglect_counts_only_signs_within_the_window_and_about_the_child():
    assert (
        run_cumulative(
            concern("c1", "2024-12-01", "hunger", author="a"),  # before the 42-day window
            concern("c2", "2025-01-22", "hygiene", author="b"),
            concern("c3", "2025-02-03", "clothing", author="c", part=Part.WITNESS),
            concern("c4", "2025-02-04", "injury", author="c"),  # not a low-level neglect sign
        )
        == []
    )


def test_cumulative_neglect_asks_for_review_at_the_review_threshold():
    [raised] = run_cumulative(
        concern("c1", "2025-01-13", "hunger", author="a"),
        concern("c2", "2025-01-22", "hygiene", author="b"),
        review_at=2,
        min_signs=2,
    )
    assert raised.severity is Severity.REVIEW


def test_persistent_lateness_counts_as_one_more_sign():
    two = (
        concern("c1", "2025-01-13", "hunger", author="a"),
        concern("c2", "2025-01-22", "hygiene", author="b"),
    )
    late = days("2025-02-03", "2025-02-05", late=1)
    [raised] = cumulative_neglect(
        pupil(concerns=two, attendance=late), as_of=AS_OF, config=CumulativeNeglectSettings()
    )
    assert raised.detail.endswith("from 2 adults; marked late on 3 days in the same weeks.")
    assert [r.kind for r in raised.evidence].count("attendance") == 3
    # Fewer late days, or lateness switched off, and two signs are not enough.
    assert (
        cumulative_neglect(
            pupil(concerns=two, attendance=late[:2]),
            as_of=AS_OF,
            config=CumulativeNeglectSettings(),
        )
        == []
    )
    off = dataclasses.replace(CumulativeNeglectSettings(), late_days=0)
    assert cumulative_neglect(pupil(concerns=two, attendance=late), as_of=AS_OF, config=off) == []
    # Lateness alone is never a finding about neglect, whatever the settings.
    loose = dataclasses.replace(CumulativeNeglectSettings(), min_signs=1, min_adults=0)
    assert cumulative_neglect(pupil(attendance=late), as_of=AS_OF, config=loose) == []


def test_neglect_with_other_abuse_needs_both():
    config = NeglectWithOtherAbuseSettings()
    neglect = concern("c1", "2025-01-15", "neglect", "hygiene")
    physical = concern("c2", "2025-02-10", "physical_abuse", "injury")
    assert neglect_with_other_abuse(pupil(concerns=(neglect,)), as_of=AS_OF, config=config) == []
    assert neglect_with_other_abuse(pupil(concerns=(physical,)), as_of=AS_OF, config=config) == []
    [raised] = neglect_with_other_abuse(
        pupil(concerns=(neglect, physical)), as_of=AS_OF, config=config
    )
    assert raised.severity is Severity.REVIEW
    assert "about physical_abuse on 10 Feb 2025" in raised.detail


def test_practical_help_only():
    config = PracticalHelpOnlySettings()
    concerns = (concern("c1", "2025-01-13", "hunger"), concern("c2", "2025-01-27", "clothing"))
    practical = (
        action("a1", "2025-01-14", ActionKind.PRACTICAL, summary="Breakfast club"),
        action("a2", "2025-01-28", ActionKind.PRACTICAL),
    )
    [raised] = practical_help_only(
        pupil(concerns=concerns, actions=practical), as_of=AS_OF, config=config
    )
    assert "(Breakfast club; practical)" in raised.detail
    assert {r.kind for r in raised.evidence} == {"concern", "action"}


def test_practical_help_only_is_quiet_when_the_parenting_is_addressed_or_help_is_thin():
    config = PracticalHelpOnlySettings()
    concerns = (concern("c1", "2025-01-13", "hunger"), concern("c2", "2025-01-27", "clothing"))
    practical = action("a1", "2025-01-14", ActionKind.PRACTICAL)
    parenting = action("a2", "2025-01-28", ActionKind.PARENTING)
    old = action("a0", "2024-06-01", ActionKind.PRACTICAL)  # before the first concern
    for facts in (
        pupil(concerns=concerns[:1], actions=(practical, practical)),
        pupil(concerns=concerns, actions=(practical, old)),
        pupil(concerns=concerns, actions=(practical, practical, parenting)),
    ):
        assert practical_help_only(facts, as_of=AS_OF, config=config) == []


def test_poverty_normalising_neglect():
    config = PovertyNormalisingNeglectSettings()
    concerns = (concern("c1", "2024-11-04", "hygiene"), concern("c2", "2025-01-13", "clothing"))
    decisions = (
        decision("d1", "2024-11-05", DecisionKind.NFA, concerns=("c1",), closes=True),
        decision("d2", "2025-01-14", DecisionKind.NFA, case="k2", concerns=("c2",), closes=True),
    )
    facts = pupil(concerns=concerns, decisions=decisions, free_school_meals=True)
    [raised] = poverty_normalising_neglect(facts, as_of=AS_OF, config=config)
    assert raised.severity is Severity.REVIEW
    assert [r.id for r in raised.evidence] == ["c1", "d1", "c2", "d2"]
    # The same history without low income is not this pattern.
    quiet = dataclasses.replace(facts, free_school_meals=False)
    assert poverty_normalising_neglect(quiet, as_of=AS_OF, config=config) == []
    # A closure followed by action is not "closed with no action".
    acted = dataclasses.replace(
        facts, actions=(action("a1", "2025-01-14", ActionKind.PARENTING, concerns=("c2",)),)
    )
    assert poverty_normalising_neglect(acted, as_of=AS_OF, config=config) == []
    assert pupil(disadvantaged=True).in_poverty
