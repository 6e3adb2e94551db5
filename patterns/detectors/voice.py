"""Detectors about the child's own voice: absent from the record while concerns gather, and
what the child's words say (hunger, fear, being hurt, being left alone, looking after
themselves or others)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    concern_ref,
    local_date,
    plural,
    since,
    span,
    voice_ref,
)
from patterns.detectors.injury import explained_by_parent, injury_explanations
from patterns.facts import PupilFacts
from patterns.registry import EvidenceRef, Raised, Severity, detector, setting
from patterns.words import matches, parent_account_words, theme_label, theme_words


@dataclass(frozen=True)
class VoiceAbsentSettings:
    window_days: int = setting(
        180,
        doc="How far back concerns and the child's words are looked at (about two terms).",
        source=CAIRN_DEFAULT,
    )
    min_concerns: int = setting(
        3,
        doc="How many concerns about the child, with none of the child's own words, make a "
        "prompt ('several').",
        source="issue 18 'several concerns and no record of the child's own account'; "
        + CAIRN_DEFAULT,
    )
    review_at: int = setting(
        5,
        doc="At this many concerns without the child's words the prompt asks for a review soon.",
        source=CAIRN_DEFAULT,
    )
    parent_account: frozenset[str] = setting(
        parent_account_words(),
        doc="Words that say an account came from a parent or carer.",
        source="patterns/data/words.json 'parent_account'",
    )
    explanation_days: int = setting(
        7,
        doc="A parent's explanation recorded this many days or fewer after an injury is the "
        "explanation of that injury (the casework engagement record).",
        source=CAIRN_DEFAULT,
    )


@detector(slug="voice-absent", version=2, settings=VoiceAbsentSettings)
def voice_absent(facts: PupilFacts, *, as_of: date, config: VoiceAbsentSettings) -> list[Raised]:
    """Several concerns about the child and none of the child's own words recorded, or an injury
    explained only by a parent, whether or not the child has a check-in schedule.

    Why: the failure to see and speak to the children is probably the single most consistent
    failure in case reviews (records-and-access.md §11 [P Portsmouth SCP citing Ofsted]); the
    child's lived experience and voice is a focus chapter of the 2017-19 analysis
    (national-reviews.md §4 [V SecEd]); an explanation is judged against the child's own account
    (neglect-indicators.md §1 [V NICE CG89]).

    Evidence: the concerns with no words of the child's, and any injury explained only by a
    parent (in the concern's words, or a parent's explanation recorded with the engagement
    records); no check-in or concern since records what the child said.

    Does not mean: that nobody has listened to the child. It asks that someone speaks with the
    child alone and records what the child says.
    """
    start = since(as_of, config.window_days)
    concerns = [
        c
        for c in about_child(facts)
        if c.record_kind == "concern" and local_date(c.occurred_at) >= start
    ]
    concerns.sort(key=lambda c: (c.occurred_at, c.id))
    heard = [v for v in facts.voice if local_date(v.heard_at) >= start]
    spoke = [c for c in concerns if c.child_words.strip()]
    explanations = injury_explanations(facts, start)
    parent_only = [
        c
        for c in concerns
        if "injury" in c.indicators
        and not c.child_words.strip()
        and (
            matches(c.text, config.parent_account)
            or explained_by_parent(c, explanations, config.explanation_days)
        )
    ]
    if parent_only:
        latest = parent_only[-1].occurred_at
        after = [v for v in heard if v.heard_at >= latest] + [
            c for c in spoke if c.occurred_at >= latest
        ]
        if after:
            parent_only = []
    silent = not heard and not spoke and len(concerns) >= config.min_concerns
    if not silent and not parent_only:
        return []
    parts = []
    if silent:
        parts.append(
            f"{plural(len(concerns), 'concern')} {span(concerns)} and none of the child's own "
            f"words recorded in the last {config.window_days} days"
        )
    if parent_only:
        parts.append(
            f"{plural(len(parent_only), 'injury')} {span(parent_only)} explained only by a "
            "parent, with no account from the child"
        )
    severity = Severity.CONSIDER
    if len(concerns) >= config.review_at or (silent and parent_only):
        severity = Severity.REVIEW
    evidence = [concern_ref(c) for c in (concerns if silent else parent_only)]
    return [about_pupil(facts, severity, "; ".join(parts) + ".", evidence)]


THEMES = ("hunger", "fear", "hurt", "alone", "caring")


@dataclass(frozen=True)
class VoiceDistressSettings:
    window_days: int = setting(
        180, doc="How far back the child's words are read (about two terms).", source=CAIRN_DEFAULT
    )
    review_at_days: int = setting(
        2,
        doc="Words on this many different days (or any words about being hurt) ask for a "
        "review soon rather than consideration.",
        source="neglect-indicators.md §5 rule 3 (weight repeated signs); " + CAIRN_DEFAULT,
    )
    hunger: frozenset[str] = setting(
        theme_words("hunger"),
        doc="Words that speak of being hungry.",
        source="patterns/data/words.json theme 'hunger' (neglect-indicators.md §4 'seem "
        "hungry' [V NSPCC])",
    )
    fear: frozenset[str] = setting(
        theme_words("fear"),
        doc="Words that speak of being frightened.",
        source="patterns/data/words.json theme 'fear' (neglect-indicators.md §3 'persistent "
        "fearfulness' [U])",
    )
    hurt: frozenset[str] = setting(
        theme_words("hurt"),
        doc="Words that speak of being hurt by someone.",
        source="patterns/data/words.json theme 'hurt' (neglect-indicators.md §3 physical [U])",
    )
    alone: frozenset[str] = setting(
        theme_words("alone"),
        doc="Words that speak of being left alone.",
        source="patterns/data/words.json theme 'alone' (neglect-indicators.md §4 'left alone "
        "for a long time' [V NSPCC])",
    )
    caring: frozenset[str] = setting(
        theme_words("caring"),
        doc="Words that speak of looking after themselves or others.",
        source="patterns/data/words.json theme 'caring' (neglect-indicators.md §4 'taking on a "
        "carer role for family members' [V NSPCC])",
    )


@detector(slug="voice-distress", version=1, settings=VoiceDistressSettings)
def voice_distress(
    facts: PupilFacts, *, as_of: date, config: VoiceDistressSettings
) -> list[Raised]:
    """The child's own words speak of hunger, fear, being hurt, being left alone or looking after
    themselves or others.

    Why: the child's lived experience and voice is a focus chapter of the 2017-19 analysis of
    serious case reviews (national-reviews.md §4 [V SecEd]), and children's own accounts were
    too often not heard (records-and-access.md §11 [P Portsmouth SCP]); being hungry, left alone
    and taking on a carer role are signs of neglect (neglect-indicators.md §4 [V NSPCC]).

    Evidence: the check-ins and concerns whose words matched, with the words that matched each
    theme (word lists the DSL can change in this detector's settings) or the themes the person
    recording ticked.

    Does not mean: that the child is being harmed, or that the words mean what the list assumes.
    It asks the DSL to read what the child said, in full, and to talk with the child.
    """
    start = since(as_of, config.window_days)
    lists = {theme: getattr(config, theme) for theme in THEMES}
    said: list[tuple[datetime, EvidenceRef, str, frozenset[str]]] = [
        (v.heard_at, voice_ref(v), v.words, v.themes)
        for v in facts.voice
        if local_date(v.heard_at) >= start
    ]
    said += [
        (c.occurred_at, concern_ref(c), c.child_words, c.themes)
        for c in about_child(facts)
        if local_date(c.occurred_at) >= start and (c.child_words or c.themes)
    ]
    found: dict[str, set[str]] = {}
    evidence: list[EvidenceRef] = []
    days: set[date] = set()
    for moment, ref, words, ticked in sorted(said, key=lambda s: (s[0], s[1])):
        hit = False
        for theme, phrases in lists.items():
            matched = matches(words, phrases)
            if matched or theme in ticked:
                found.setdefault(theme, set()).update(f"“{m}”" for m in matched)
                if not matched:
                    found[theme].add("ticked by the person recording")
                hit = True
        if hit:
            evidence.append(ref)
            days.add(local_date(moment))
    if not found:
        return []
    parts = [
        f"{theme_label(theme)} ({', '.join(sorted(found[theme]))})"
        for theme in THEMES
        if theme in found
    ]
    severity = Severity.CONSIDER
    if "hurt" in found or len(days) >= config.review_at_days:
        severity = Severity.REVIEW
    detail = f"The child's words on {plural(len(days), 'day')} speak of " + "; ".join(parts) + "."
    return [about_pupil(facts, severity, detail, evidence)]
