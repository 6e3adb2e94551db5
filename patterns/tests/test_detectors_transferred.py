"""Records in a child protection file received from the child's previous school (transfer.facts):
the detectors that count a child's history across a move count them and say where they came
from; the others leave them out."""

import dataclasses

from patterns.detectors._common import about_child, own, transferred
from patterns.detectors.casework import (
    PriorHistorySettings,
    ReferralClosedAgainSettings,
    StartAgainSettings,
    prior_history,
    referral_closed_again,
    start_again,
)
from patterns.detectors.child import InjuriesSettings, injuries
from patterns.detectors.household import (
    SiblingsSettings,
    TrioSettings,
    household_children,
    trio,
)
from patterns.detectors.neglect import (
    CumulativeNeglectSettings,
    NeglectWithOtherAbuseSettings,
    PersistentNeglectSettings,
    PracticalHelpOnlySettings,
    cumulative_neglect,
    neglect_with_other_abuse,
    persistent_neglect,
    practical_help_only,
)
from patterns.facts import ActionKind, DecisionKind
from patterns.loaders import store_from_items
from patterns.tests.builders import action, concern, d, decision, factor, household, pupil

NORTHFIELD = "Northfield Primary"
AS_OF = d("2025-03-14")


def moved(fact, school=NORTHFIELD):
    return dataclasses.replace(fact, transferred_from=school)


def test_the_words_name_each_school():
    records = [
        moved(concern("c1", "2025-01-06", "hunger")),
        moved(concern("c2", "2025-01-07", "hunger")),
        moved(concern("c3", "2025-01-08", "hunger"), "Eastgate Academy"),
        concern("c4", "2025-01-09", "hunger"),
    ]
    assert transferred(records, "concern") == (
        "1 concern transferred from Eastgate Academy and 2 concerns transferred from "
        "Northfield Primary"
    )
    assert transferred(records[3:], "concern") == ""
    assert [c.id for c in own(records)] == ["c4"]
    child = pupil(concerns=tuple(records))
    assert [c.id for c in about_child(child)] == ["c4"]
    assert len(about_child(child, transferred=True)) == 4


def test_cumulative_neglect_counts_transferred_concerns_in_its_weeks():
    history = (
        moved(concern("t1", "2025-02-24", "hunger", author="transferred:N:A")),
        moved(concern("t2", "2025-02-27", "hygiene", author="transferred:N:B")),
    )
    new = concern("c1", "2025-03-12", "clothing", author="teacher")
    config = CumulativeNeglectSettings()
    [raised] = cumulative_neglect(pupil(concerns=(*history, new)), as_of=AS_OF, config=config)
    assert "3 concerns showing signs of neglect" in raised.detail
    assert f"(2 concerns transferred from {NORTHFIELD})" in raised.detail
    assert sorted(e.kind for e in raised.evidence) == ["concern", "transferred", "transferred"]
    # Without the file, the one concern here is nothing.
    assert cumulative_neglect(pupil(concerns=(new,)), as_of=AS_OF, config=config) == []


def test_persistent_neglect_counts_transferred_concerns_over_months():
    signs = (
        moved(concern("t1", "2024-11-04", "hunger")),
        moved(concern("t2", "2024-12-09", "hygiene")),
        concern("c1", "2025-03-03", "clothing"),
    )
    [raised] = persistent_neglect(
        pupil(concerns=signs), as_of=AS_OF, config=PersistentNeglectSettings()
    )
    assert raised.detail.endswith(f"(2 concerns transferred from {NORTHFIELD}).")
    assert [e.kind for e in raised.evidence] == ["transferred", "transferred", "concern"]


def test_neglect_with_other_abuse_across_the_move():
    signs = (
        moved(concern("t1", "2025-01-06", "physical_abuse")),
        concern("c1", "2025-03-03", "hunger"),
    )
    config = NeglectWithOtherAbuseSettings()
    [raised] = neglect_with_other_abuse(pupil(concerns=signs), as_of=AS_OF, config=config)
    assert raised.detail.endswith(f"(1 concern transferred from {NORTHFIELD}).")
    own_only = (concern("c0", "2025-01-06", "physical_abuse"), signs[1])
    [plain] = neglect_with_other_abuse(pupil(concerns=own_only), as_of=AS_OF, config=config)
    assert "transferred" not in plain.detail


def test_prior_history_reads_a_referral_from_the_previous_school():
    referral = moved(decision("t9", "2023-05-10", DecisionKind.REFERRAL, case="transferred:t9"))
    new = concern("c1", "2025-03-03", "hunger")
    child = pupil(concerns=(new,), history=(referral,))
    [raised] = prior_history(child, as_of=AS_OF, config=PriorHistorySettings())
    assert raised.detail.startswith(
        f"1 referral on record (the first 10 May 2023; 1 referral transferred from {NORTHFIELD});"
    )
    assert [e.kind for e in raised.evidence] == ["transferred", "concern"]
    # The previous school's concerns are not "new" concerns here.
    only_moved = pupil(concerns=(moved(new),), history=(referral,))
    assert prior_history(only_moved, as_of=AS_OF, config=PriorHistorySettings()) == []


def test_referral_closed_again_across_the_move():
    history = (
        moved(decision("t1", "2023-05-10", DecisionKind.REFERRAL, case="transferred:t1")),
        moved(decision("t2", "2023-06-20", DecisionKind.NFA, case="transferred:t2", closes=True)),
    )
    again = decision("d1", "2025-03-03", DecisionKind.REFERRAL, case="k1")
    child = pupil(decisions=(again,), history=history)
    [raised] = referral_closed_again(child, as_of=AS_OF, config=ReferralClosedAgainSettings())
    assert raised.detail.endswith(
        f"(1 referral transferred from {NORTHFIELD} and 1 closure transferred from {NORTHFIELD})."
    )
    # Closures only from the file: the words name only what came from it.
    closed_here = (history[0], decision("d0", "2023-09-01", DecisionKind.NFA, closes=True))
    [mixed] = referral_closed_again(
        pupil(decisions=(again,), history=closed_here),
        as_of=AS_OF,
        config=ReferralClosedAgainSettings(),
    )
    assert mixed.detail.endswith(f"(1 referral transferred from {NORTHFIELD}).")


def test_this_schools_own_work_is_not_judged_on_transferred_records():
    """Start again reads this school's decisions; practical help and injuries this school's own
    concerns and response; the household detectors this school's and the trust's records."""
    closures = (
        moved(decision("t1", "2024-10-01", DecisionKind.NFA, case="transferred:t1", closes=True)),
        moved(decision("t2", "2024-11-01", DecisionKind.NFA, case="transferred:t2", closes=True)),
    )
    assert start_again(pupil(history=closures), as_of=AS_OF, config=StartAgainSettings()) == []
    neglect = tuple(moved(concern(f"t{n}", f"2025-0{n}-03", "hunger")) for n in (1, 2))
    practical = tuple(action(f"a{n}", "2025-03-04", ActionKind.PRACTICAL) for n in (1, 2))
    child = pupil(concerns=neglect, actions=practical)
    assert practical_help_only(child, as_of=AS_OF, config=PracticalHelpOnlySettings()) == []
    hurt = tuple(moved(concern(f"i{n}", f"2025-03-0{n}", "injury")) for n in (3, 4, 5))
    assert injuries(pupil(concerns=hurt), as_of=AS_OF, config=InjuriesSettings()) == []
    brother = pupil(concerns=(moved(concern("b1", "2025-03-03", "hunger", pupil_id="p2")),))
    sister = pupil(pupil_id="p3", concerns=(concern("s1", "2025-03-03", "hunger", pupil_id="p3"),))
    siblings = household(brother, sister)
    assert household_children(siblings, as_of=AS_OF, config=SiblingsSettings()) == []
    abuse = moved(concern("e1", "2025-03-03", "domestic_abuse_household"))
    family = household(
        pupil(concerns=(abuse,)), factors=[factor("f1", "2025-03-01", "parental_mental_health")]
    )
    assert trio(family, as_of=AS_OF, config=TrioSettings()) == []


def test_a_fact_file_may_carry_transferred_records():
    store = store_from_items(
        [
            {"type": "pupil", "id": "p1", "upn": "A980200025001", "school_id": "s1",
             "date_of_birth": "2016-05-17"},
            {"type": "concern", "id": "c1", "pupil_id": "p1", "occurred_at": "2025-01-06",
             "author_id": "a1", "categories": ["hunger"], "transferred_from": NORTHFIELD},
            {"type": "decision", "id": "d1", "pupil_id": "p1", "case_id": "k1",
             "kind": "referral", "decided_at": "2023-05-10", "transferred_from": NORTHFIELD},
            {"type": "decision", "id": "d2", "pupil_id": "p1", "case_id": "k2", "kind": "monitor",
             "decided_at": "2025-01-07"},
        ]
    )  # fmt: skip
    child = store.pupil_facts("p1")
    assert child.concerns[0].transferred_from == NORTHFIELD
    assert [h.id for h in child.history] == ["d1"]
    assert [x.id for x in child.decisions] == ["d2"]
