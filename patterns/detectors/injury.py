"""Injuries over months: repeated injuries, sites unusual for accidents, explanations that are
missing, unsuitable or only the parent's, and injuries alongside signs of neglect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    concern_ref,
    engagement_ref,
    local_date,
    neglect_records,
    plural,
    showing,
    since,
    span,
)
from patterns.facts import ConcernFact, EngagementFact, PupilFacts
from patterns.indicators import group
from patterns.registry import Raised, Severity, detector, setting
from patterns.words import matches, parent_account_words

# The concerns app's body-map regions (concerns.models.BodyRegion) where accidental knocks are
# uncommon: the trunk, back and bottom, the neck.
UNUSUAL_SITES = frozenset({"neck", "chest", "abdomen", "upper_back", "lower_back", "buttocks"})
REGION_WORDS = {
    "head": "head or face",
    "neck": "neck",
    "chest": "chest",
    "abdomen": "stomach",
    "upper_back": "upper back",
    "lower_back": "lower back",
    "buttocks": "bottom",
}


@dataclass(frozen=True)
class InjuryPatternSettings:
    window_days: int = setting(
        365,
        doc="How far back injuries count: over months, an autumn injury and a spring one.",
        source="issue 18 'repeated injuries or marks over months, not only weeks'; "
        + CAIRN_DEFAULT,
    )
    min_injuries: int = setting(
        3,
        doc="How many injuries over the window make a pattern on their own (fewer when "
        "something else is noted: an unusual site, the explanation, neglect).",
        source="neglect-indicators.md §4 'repeated accidental injuries' [V NSPCC]; "
        + CAIRN_DEFAULT,
    )
    unusual_sites: frozenset[str] = setting(
        UNUSUAL_SITES,
        doc="Body-map regions where injuries from ordinary accidents are unusual.",
        source="neglect-indicators.md §3 injuries 'with absent or unsuitable explanation; "
        "patterned injuries' [U — check CG89]; the domain reference lists no sites, so "
        + CAIRN_DEFAULT,
    )
    parent_account: frozenset[str] = setting(
        parent_account_words(),
        doc="Words that say the explanation came from a parent or carer (with no words of the "
        "child's own recorded, the explanation is the parent's only).",
        source="patterns/data/words.json 'parent_account' (neglect-indicators.md §1 "
        "'unsuitable explanation' [V]: the child's account against the carers')",
    )
    neglect: frozenset[str] = setting(
        group("neglect"),
        doc="Indicators that count as neglect alongside an injury.",
        source="patterns/data/indicators.json group 'neglect'",
    )
    explanation_days: int = setting(
        7,
        doc="A parent's explanation recorded this many days or fewer after an injury is the "
        "explanation of that injury.",
        source=CAIRN_DEFAULT,
    )


def injury_explanations(facts: PupilFacts, start: date) -> list[EngagementFact]:
    """The explanations of an injury the parents gave (the casework engagement record)."""
    return [
        e
        for e in facts.engagement
        if e.kind == "explanation" and e.explained_event == "injury" and e.occurred_on >= start
    ]


def explained_by_parent(
    concern: ConcernFact, explanations: list[EngagementFact], days: int
) -> bool:
    """Whether a parent's explanation was recorded for this injury, within `days` after it."""
    on = local_date(concern.occurred_at)
    return any(0 <= (e.occurred_on - on).days <= days for e in explanations)


def _parent_only(
    concern: ConcernFact,
    words: frozenset[str],
    explanations: list[EngagementFact],
    days: int,
) -> bool:
    if concern.child_words.strip():
        return False
    return bool(matches(concern.text, words)) or explained_by_parent(concern, explanations, days)


@detector(slug="injury-pattern", version=2, settings=InjuryPatternSettings)
def injury_pattern(
    facts: PupilFacts, *, as_of: date, config: InjuryPatternSettings
) -> list[Raised]:
    """Injuries over months: repeated, at a site unusual for accidents, with an explanation that
    is missing, unsuitable or only the parent's, or alongside signs of neglect.

    Why: repeated accidental injuries from lack of supervision are a sign of neglect
    (neglect-indicators.md §4 [V NSPCC]); injuries with an absent or unsuitable explanation,
    and patterned injuries, are alerting features of physical abuse (§3 [U]); an explanation is
    unsuitable when it is inconsistent with the child's account or between carers (§1 [V NICE
    CG89]); neglect often comes with other abuse (§5 [V NSPCC]; national-reviews.md §4 [V]).

    Evidence: the injury concerns over the months, with the body-map sites, what was noted about
    each explanation (in the concern, or the parents' explanation recorded with whether it was
    checked and fitted), and any signs of neglect in the same months, missed health
    appointments among them.

    Does not mean: that anyone caused the injuries. It asks the DSL to look at the injuries
    together, at where they were and at who explained them.
    """
    start = since(as_of, config.window_days)
    concerns = about_child(facts)
    hurt = showing(concerns, frozenset({"injury"}), start)
    if not hurt:
        return []
    explanations = injury_explanations(facts, start)
    unusual = [c for c in hurt if c.body_regions & config.unusual_sites]
    unsuitable = [c for c in hurt if c.explanation_suitable is False]
    misfit = [e for e in explanations if e.checked == "inconsistent"]
    unchecked = [e for e in explanations if e.checked == "not_checked"]
    parent_only = [
        c
        for c in hurt
        if _parent_only(c, config.parent_account, explanations, config.explanation_days)
    ]
    neglect = showing(neglect_records(facts), config.neglect, start)
    notes = []
    if unusual:
        sites = sorted({r for c in unusual for r in c.body_regions & config.unusual_sites})
        where = ", ".join(REGION_WORDS.get(s, s.replace("_", " ")) for s in sites)
        notes.append(f"{plural(len(unusual), 'injury')} at a site unusual for accidents ({where})")
    if unsuitable:
        notes.append(f"{plural(len(unsuitable), 'explanation')} recorded as unsuitable")
    if misfit:
        notes.append(f"{plural(len(misfit), 'explanation')} checked and found not to fit")
    if unchecked:
        notes.append(f"{plural(len(unchecked), 'explanation')} never checked")
    if parent_only:
        notes.append(f"{plural(len(parent_only), 'injury')} explained only by a parent")
    if neglect:
        notes.append(f"{plural(len(neglect), 'concern')} about neglect {span(neglect)}")
    if len(hurt) < config.min_injuries and not notes:
        return []
    # Something noted about a repeated injury, or two things noted, asks for a review soon.
    severity = Severity.CONSIDER
    if (notes and len(hurt) >= 2) or len(notes) >= 2:
        severity = Severity.REVIEW
    detail = f"{plural(len(hurt), 'injury')} recorded {span(hurt)}"
    if notes:
        detail += "; " + "; ".join(notes)
    evidence = [concern_ref(c) for c in [*hurt, *neglect]]
    evidence.extend(engagement_ref(e) for e in [*misfit, *unchecked])
    return [about_pupil(facts, severity, detail + ".", evidence)]
