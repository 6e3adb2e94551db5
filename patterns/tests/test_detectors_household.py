"""Pure tests of the household detectors."""

from patterns.detectors.household import SiblingsSettings, TrioSettings, household_children, trio
from patterns.facts import Part
from patterns.registry import Severity, SubjectKind
from patterns.tests.builders import concern, d, factor, household, pupil

AS_OF = d("2025-03-31")


def test_trio_two_parts_then_three():
    child = pupil(
        household_ids=frozenset({"h1"}),
        concerns=(concern("c1", "2025-02-04", "parental_mental_health", part=Part.WITNESS),),
    )
    da = factor("f1", "2025-01-08", "domestic_abuse_household")
    [raised] = trio(household(child, factors=[da]), as_of=AS_OF, config=TrioSettings())
    assert raised.subject_kind is SubjectKind.HOUSEHOLD
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "Recorded in the household: domestic abuse, parental mental ill-health."
    )
    assert {r.kind for r in raised.evidence} == {"factor:household", "concern"}
    drugs = factor("f2", "2025-03-10", "parental_substance_misuse")
    [raised] = trio(household(child, factors=[da, drugs]), as_of=AS_OF, config=TrioSettings())
    assert raised.severity is Severity.REVIEW_NOW


def test_trio_one_part_or_old_factors_is_quiet():
    da = factor("f1", "2025-01-08", "domestic_abuse_household")
    old = factor("f2", "2023-01-01", "parental_mental_health")
    assert trio(household(pupil(), factors=[da, old]), as_of=AS_OF, config=TrioSettings()) == []


def test_household_children_across_two_schools():
    younger = pupil(concerns=(concern("c1", "2025-01-14", "hygiene"),))
    older = pupil(
        pupil_id="p2",
        school_id="s2",
        concerns=(concern("c2", "2025-01-28", "hunger", pupil_id="p2"),),
    )
    quiet = pupil(
        pupil_id="p3", concerns=(concern("c3", "2025-01-28", "hunger", part=Part.WITNESS),)
    )
    [raised] = household_children(
        household(younger, older, quiet), as_of=AS_OF, config=SiblingsSettings()
    )
    assert raised.detail == (
        "2 concerns about 2 children of the household in the last 365 days, at 2 schools."
    )
    assert (
        household_children(household(younger, quiet), as_of=AS_OF, config=SiblingsSettings()) == []
    )
    assert household(younger, older).school_ids == {"s1", "s2"}
    # One concern naming both children counts for each of them (issue 18).
    same = pupil(
        pupil_id="p2",
        school_id="s2",
        concerns=(concern("c1", "2025-01-14", "hygiene", pupil_id="p2"),),
    )
    [both] = household_children(household(younger, same), as_of=AS_OF, config=SiblingsSettings())
    assert both.detail.startswith("1 concern about 2 children of the household")
