"""Pure tests of the engine: as-of visibility, scope, settings and entry points."""

import dataclasses

from patterns.engine import (
    FactSource,
    cutoff,
    default_configs,
    household_visible_as_of,
    run,
    run_incremental,
    visible_as_of,
)
from patterns.facts import ActionKind, DecisionKind, LeavingReason, RollFact
from patterns.registry import all_detectors
from patterns.tests.builders import (
    action,
    at,
    cadence,
    concern,
    d,
    days,
    decision,
    factor,
    household,
    pupil,
    voice,
)


def test_cutoff_is_midnight_at_the_school():
    assert cutoff(d("2025-06-30")).isoformat() == "2025-07-01T00:00:00+01:00"


def test_visible_as_of_hides_what_had_not_happened_or_been_written():
    later_written = concern("c2", "2025-02-01", "hunger", recorded="2025-02-03")
    facts = pupil(
        concerns=(
            concern("c1", "2025-02-01", "hunger"),
            later_written,
            concern("c3", "2025-02-05"),
        ),
        decisions=(
            decision("d1", "2025-02-01", DecisionKind.REFERRAL, outcome="2025-02-04"),
            decision("d2", "2025-02-01", DecisionKind.REFERRAL, outcome="2025-02-01"),
            decision("d3", "2025-02-01", DecisionKind.MONITOR, recorded="2025-02-05"),
        ),
        actions=(
            dataclasses.replace(
                action("a1", "2025-02-01", ActionKind.PRACTICAL), done_at=at("2025-02-04")
            ),
            dataclasses.replace(
                action("a2", "2025-02-01", ActionKind.PRACTICAL), done_at=at("2025-02-01")
            ),
            action("a3", "2025-02-05", ActionKind.PRACTICAL),
        ),
        attendance=days("2025-01-30", "2025-02-04"),
        roll=(
            RollFact(
                "e1",
                "p1",
                "s1",
                d("2024-09-04"),
                at("2025-02-04"),
                d("2025-02-01"),
                LeavingReason.MOVED_AWAY,
            ),
            RollFact(
                "e2",
                "p1",
                "s2",
                d("2024-09-04"),
                at("2025-02-01"),
                d("2025-02-03"),
                LeavingReason.MOVED_AWAY,
            ),
            RollFact(
                "e3",
                "p1",
                "s3",
                d("2024-09-04"),
                at("2025-01-01"),
                d("2025-01-31"),
                LeavingReason.MOVED_AWAY,
            ),
            RollFact("e4", "p1", "s4", d("2025-02-03"), at("2025-02-01")),
            RollFact("e5", "p1", "s5", d("2024-09-04"), at("2024-09-01")),
        ),
        voice=(voice("v1", "2025-02-01"), voice("v2", "2025-02-03")),
        cadences=(cadence("k1", "2025-02-01", 14), cadence("k2", "2025-02-03", 7)),
    )
    seen = visible_as_of(facts, d("2025-02-02"))
    assert [c.id for c in seen.concerns] == ["c1"]
    assert [(x.id, x.outcome_recorded_at is not None) for x in seen.decisions] == [
        ("d1", False),
        ("d2", True),
    ]
    assert [(a.id, a.done_at is not None) for a in seen.actions] == [("a1", False), ("a2", True)]
    assert [a.day for a in seen.attendance] == [d("2025-01-30"), d("2025-01-31")]
    assert [(r.id, r.end_date) for r in seen.roll] == [
        ("e1", None),  # left on the 1st, but written on the 4th
        ("e2", None),  # leaving in the future
        ("e3", d("2025-01-31")),
        ("e5", None),
    ]
    assert [v.id for v in seen.voice] == ["v1"]
    assert [c.id for c in seen.cadences] == ["k1"]


def test_household_visible_as_of():
    h = household(
        pupil(concerns=(concern("c1", "2025-02-05"),)),
        factors=[
            factor("f1", "2025-02-01", "parental_mental_health"),
            factor("f2", "2025-02-05", "x"),
        ],
    )
    seen = household_visible_as_of(h, d("2025-02-02"))
    assert [f.id for f in seen.factors] == ["f1"]
    assert seen.children[0].concerns == ()


def _source(pupils, households=()):
    calls = []

    def load_pupils(ids, as_of):
        calls.append(("pupils", None if ids is None else sorted(ids), as_of))
        return [p for p in pupils if ids is None or p.pupil_id in ids]

    def load_households(ids, as_of):
        calls.append(("households", sorted(ids), as_of))
        return [h for h in households if h.household_id in ids] + [household(household_id="other")]

    return FactSource(pupils=load_pupils, households=load_households), calls


NEGLECT = (
    concern("c1", "2025-01-13", "hunger", author="a"),
    concern("c2", "2025-01-22", "hygiene", author="b"),
    concern("c3", "2025-02-03", "clothing", author="a"),
)


def test_run_stamps_findings_with_detector_version_and_school():
    child = pupil(concerns=NEGLECT)
    source, calls = _source([child])
    result = run_incremental(source, pupil_ids=["p1"], as_of=d("2025-02-03"))
    # Three concerns and none of the child's words: the voice-absent detector speaks too.
    assert {r.detector for r in result.raised} == {"cumulative-neglect", "voice-absent"}
    [raised] = [r for r in result.raised if r.detector == "cumulative-neglect"]
    assert (raised.detector, raised.version, raised.school_ids) == (
        "cumulative-neglect",
        3,
        frozenset({"s1"}),
    )
    assert result.pupil_ids == {"p1"}
    assert ("pupils", ["p1"], d("2025-02-03")) in calls
    # The day before, the third concern had not happened: nothing.
    assert run_incremental(source, pupil_ids=["p1"], as_of=d("2025-02-02")).raised == ()
    assert len(result.detectors) == len(all_detectors())


def test_run_respects_school_scope_and_switched_off_detectors():
    here = pupil(concerns=NEGLECT, household_ids=frozenset({"h1"}))
    there = dataclasses.replace(here, pupil_id="p2", school_id="s2")
    h = household(here, there, factors=[
        factor("f1", "2025-01-08", "domestic_abuse_household"),
        factor("f2", "2025-01-09", "parental_mental_health"),
    ])  # fmt: skip
    source, _ = _source([here, there], [h])
    result = run(source, as_of=d("2025-02-03"), school_ids=["s1"])
    assert {(r.detector, r.subject_id, tuple(r.school_ids)) for r in result.raised} == {
        ("cumulative-neglect", "p1", ("s1",)),
        ("voice-absent", "p1", ("s1",)),
        ("trio", "h1", ("s1",)),
        ("household-children", "h1", ("s1",)),
    }
    assert result.household_ids == {"h1"}

    def only_trio_off_at_s2(school_id):
        configs = dict(default_configs(school_id))
        if school_id == "s2":
            configs["trio"] = None
            configs["cumulative-neglect"] = None
        return configs

    everywhere = run(
        source,
        as_of=d("2025-02-03"),
        configs=only_trio_off_at_s2,
        only={"trio", "cumulative-neglect"},
    )
    assert {(r.detector, tuple(r.school_ids)) for r in everywhere.raised} == {
        ("cumulative-neglect", ("s1",)),
        ("trio", ("s1",)),
    }
    assert run(source, as_of=d("2025-02-03"), school_ids=None).pupil_ids == {"p1", "p2"}
