"""Detectors about a household: the trio of vulnerabilities, and concerns about several children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    concern_ref,
    local_date,
    own,
    plural,
    showing,
    since,
)
from patterns.facts import HouseholdFactorFact, HouseholdFacts, PupilFacts
from patterns.indicators import group
from patterns.registry import EvidenceRef, Raised, Severity, SubjectKind, detector, setting


def _about_household(
    household: HouseholdFacts, severity: Severity, detail: str, evidence: list[EvidenceRef]
) -> Raised:
    return Raised(
        subject_kind=SubjectKind.HOUSEHOLD,
        subject_id=household.household_id,
        severity=severity,
        detail=detail,
        evidence=tuple(sorted(set(evidence))),
    )


TRIO_LABELS = {
    "domestic_abuse": "domestic abuse",
    "parental_mental_health": "parental mental ill-health",
    "parental_substance_misuse": "parental substance misuse",
}


@dataclass(frozen=True)
class TrioSettings:
    window_days: int = setting(
        365, doc="How far back household factors and concerns count.", source=CAIRN_DEFAULT
    )
    min_parts: int = setting(
        2,
        doc="How many of the three must be recorded (two or all three).",
        source="national-reviews.md §4 'often occur together' [V SecEd]; issue 8 'two of them'",
    )
    domestic_abuse: frozenset[str] = setting(
        group("trio_domestic_abuse"),
        doc="Indicators that count as domestic abuse in the household (incl. Encompass).",
        source="patterns/data/indicators.json group 'trio_domestic_abuse' (CIN 3A, 3B, 3C)",
    )
    parental_mental_health: frozenset[str] = setting(
        group("trio_parental_mental_health"),
        doc="Indicators that count as parental mental ill-health.",
        source="patterns/data/indicators.json group 'trio_parental_mental_health' (CIN 4B)",
    )
    parental_substance_misuse: frozenset[str] = setting(
        group("trio_parental_substance_misuse"),
        doc="Indicators that count as parental alcohol or drug misuse.",
        source="patterns/data/indicators.json group 'trio_parental_substance_misuse' (CIN 1B, 2B)",
    )


@detector(slug="trio", version=1, settings=TrioSettings, subject=SubjectKind.HOUSEHOLD)
def trio(facts: HouseholdFacts, *, as_of: date, config: TrioSettings) -> list[Raised]:
    """Two or all three of domestic abuse, parental mental ill-health and parental substance
    misuse recorded in the household.

    Why: in serious case reviews 2017-19 domestic abuse featured in 55%, parental mental ill-health
    in 55%, parental alcohol misuse in 34% and drug misuse in 34%, and they often occur together
    ("the trio of vulnerabilities"): national-reviews.md §1 and §4 [V SecEd]; CIN factors 3B, 4B,
    1B, 2B (cin-codes.md §1 [V]).

    Evidence: the factors the safeguarding team recorded as known for any child of the household
    (CIN codes 3A, 3B and 3C for domestic abuse, 4B for parental mental ill-health, 1B and 2B for
    parental alcohol and drug misuse: cin-codes.md §1 [V]; a factor withdrawn by then no longer
    counts), Operation Encompass notifications, and the concerns about any child of the household
    that show them, with their dates.

    Does not mean: that any child is being harmed. It asks the DSL to look at the household as a
    whole and at what each child is living with.
    """
    found = _trio_parts(config, since(as_of, config.window_days), facts.factors, facts.children)
    if len(found) < config.min_parts:
        return []
    severity = Severity.REVIEW_NOW if len(found) == len(TRIO_LABELS) else Severity.REVIEW
    labels = [TRIO_LABELS[name] for name in TRIO_LABELS if name in found]
    detail = f"Recorded in the household: {', '.join(labels)}."
    return [_about_household(facts, severity, detail, [r for rs in found.values() for r in rs])]


def _trio_parts(
    config: TrioSettings,
    start: date,
    factors: Iterable[HouseholdFactorFact],
    children: Iterable[PupilFacts],
) -> dict[str, list[EvidenceRef]]:
    """Which of the three are recorded since `start`, each with the records showing it."""
    parts = {
        "domestic_abuse": config.domestic_abuse,
        "parental_mental_health": config.parental_mental_health,
        "parental_substance_misuse": config.parental_substance_misuse,
    }
    factors, children = list(factors), list(children)
    found: dict[str, list[EvidenceRef]] = {}
    for name, indicators in parts.items():
        refs = [
            EvidenceRef(on=local_date(f.noted_at), kind=f"factor:{f.source_kind}", id=f.id)
            for f in factors
            if f.indicator in indicators and local_date(f.noted_at) >= start
        ]
        for child in children:
            refs.extend(concern_ref(c) for c in showing(own(child.concerns), indicators, start))
        if refs:
            found[name] = refs
    return found


@detector(slug="trio-child", version=1, settings=TrioSettings)
def trio_child(facts: PupilFacts, *, as_of: date, config: TrioSettings) -> list[Raised]:
    """Two or all three of domestic abuse, parental mental ill-health and parental substance
    misuse known for the family of a child whom no household record links to siblings.

    Why: in serious case reviews 2017-19 domestic abuse featured in 55%, parental mental ill-health
    in 55%, parental alcohol misuse in 34% and drug misuse in 34%, and they often occur together
    ("the trio of vulnerabilities"): national-reviews.md §1 and §4 [V SecEd]; CIN factors 3B, 4B,
    1B, 2B (cin-codes.md §1 [V]). An only child, or one whose household is not recorded, lives
    with them just the same.

    Evidence: the factors recorded as known for the child's family and the concerns about the
    child that show them, with their dates (for a child in a recorded household the household's
    own finding covers it).

    Does not mean: that the child is being harmed. It asks the DSL to consider what the child is
    living with at home.
    """
    if facts.household_ids:
        return []
    found = _trio_parts(config, since(as_of, config.window_days), facts.factors, [facts])
    if len(found) < config.min_parts:
        return []
    severity = Severity.REVIEW_NOW if len(found) == len(TRIO_LABELS) else Severity.REVIEW
    labels = [TRIO_LABELS[name] for name in TRIO_LABELS if name in found]
    detail = f"Known for the child's family: {', '.join(labels)}."
    return [about_pupil(facts, severity, detail, [r for rs in found.values() for r in rs])]


@dataclass(frozen=True)
class SiblingsSettings:
    window_days: int = setting(
        365,
        doc="Within how many days the concerns about each child must fall: over months and "
        "terms, a school year.",
        source="issue 18 'signs ... spread across a year'; " + CAIRN_DEFAULT,
    )
    min_children: int = setting(
        2,
        doc="How many children of the household must have concerns.",
        source="neglect-indicators.md §5 rule 3 'count across ... siblings in the same household'",
    )
    indicators: frozenset[str] = setting(
        group("welfare"),
        doc="Indicators that count as a welfare concern.",
        source="patterns/data/indicators.json group 'welfare'",
    )


@detector(
    slug="household-children", version=2, settings=SiblingsSettings, subject=SubjectKind.HOUSEHOLD
)
def household_children(
    facts: HouseholdFacts, *, as_of: date, config: SiblingsSettings
) -> list[Raised]:
    """Welfare concerns about more than one child of the same household, at this school or another
    school of the trust.

    Why: most serious harm happens within the family home (national-reviews.md §4 [V SecEd]);
    fragmented information across siblings' settings makes early signs of neglect hard to notice,
    and siblings' DSLs should work together (records-and-access.md §11 "Sibling/household view"
    [P]); count across siblings in the same household (neglect-indicators.md §5 rule 3).

    Evidence: the concerns about each child of the household, with their dates; one concern
    about several of the children counts for each of them.

    Does not mean: that the concerns are connected. It asks the DSLs involved to look at the
    household together.
    """
    start = since(as_of, config.window_days)
    with_concerns = {}
    for child in facts.children:
        concerns = showing(about_child(child), config.indicators, start)
        if concerns:
            with_concerns[child.pupil_id] = (child, concerns)
    distinct = {c.id for _, concerns in with_concerns.values() for c in concerns}
    # One concern about several children of the household counts for each of them.
    if len(with_concerns) < config.min_children:
        return []
    schools = {child.school_id for child, _ in with_concerns.values()}
    detail = (
        f"{plural(len(distinct), 'concern')} about {len(with_concerns)} children of the household "
        f"in the last {config.window_days} days, at {plural(len(schools), 'school')}."
    )
    evidence = [concern_ref(c) for _, cs in with_concerns.values() for c in cs]
    return [_about_household(facts, Severity.CONSIDER, detail, evidence)]
