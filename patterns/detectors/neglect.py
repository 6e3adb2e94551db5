"""Detectors about neglect: accumulation, co-occurring abuse, practical help only, poverty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    action_ref,
    attendance_ref,
    concern_ref,
    decision_ref,
    local_date,
    neglect_records,
    plural,
    showing,
    since,
    span,
    transferred,
)
from patterns.facts import ActionKind, DecisionKind, PupilFacts
from patterns.indicators import group
from patterns.registry import Raised, Severity, detector, setting

NEGLECT_RULE = "neglect-indicators.md §5 detector design rule 1 [V NSPCC principle]"


@dataclass(frozen=True)
class CumulativeNeglectSettings:
    min_signs: int = setting(
        3,
        doc="How many concerns showing low-level signs of neglect make a pattern (N).",
        source=f"{NEGLECT_RULE}: 'N ... DSL-configurable'; {CAIRN_DEFAULT}",
    )
    window_days: int = setting(
        42,
        doc="Within how many days the signs must fall (D): 'within weeks'.",
        source=f"{NEGLECT_RULE}: 'D days ... DSL-configurable'; {CAIRN_DEFAULT}",
    )
    min_adults: int = setting(
        2,
        doc="From how many different adults the concerns must come.",
        source=f"{NEGLECT_RULE}: 'from ≥ 2 staff'",
    )
    review_at: int = setting(
        5,
        doc="At this many signs the prompt asks for a review soon rather than consideration.",
        source=f"neglect-indicators.md §5 rule 3 (weight repeated signs); {CAIRN_DEFAULT}",
    )
    late_days: int = setting(
        3,
        doc="Days marked late (L or U) within the window that count together as one more sign "
        "(0: lateness is not counted).",
        source="neglect-indicators.md §4 'missing school or consistently late' [V Haringey; "
        "Brighton & Hove SCP] and §5 rule 1 (lateness); attendance.md §6 repeated late marks; "
        + CAIRN_DEFAULT,
    )
    indicators: frozenset[str] = setting(
        group("low_level_neglect"),
        doc="The low-level signs of neglect counted.",
        source="patterns/data/indicators.json group 'low_level_neglect' (neglect-indicators.md "
        "§2, §4 [V NSPCC]; §5 rule 1)",
    )


@detector(slug="cumulative-neglect", version=3, settings=CumulativeNeglectSettings)
def cumulative_neglect(
    facts: PupilFacts, *, as_of: date, config: CumulativeNeglectSettings
) -> list[Raised]:
    """Several small signs of neglect, from more than one adult, within a few weeks.

    Why: neglect featured in about three-quarters of serious case reviews 2017-19 and is often
    visible only as an accumulation of minor concerns ("cumulative nature of harm"):
    national-reviews.md §1 [V SecEd] and §2 [V SCIE]; "look for multiple or persistent signs",
    neglect-indicators.md §4-§5 [V NSPCC].

    Evidence: the concerns counted (hunger, hygiene, clothing, tiredness, unmet health needs or
    dental needs, supervision, late collection, missed medical appointments ...), with their
    dates and how many adults wrote them, any health appointment the parents' engagement record
    shows missed or cancelled, and the days the register marked the child late when lateness is
    persistent. Concerns in a child protection file received from the child's previous school
    count when they fall in the same weeks, and the words say which school recorded them: the
    history is not lost at the move (national-reviews.md §1, 19% "previously known" [V SecEd]).

    Does not mean: that the child is neglected. It asks the DSL to read these concerns together
    and to consider other categories too (neglect-indicators.md §5 rule 5).
    """
    start = since(as_of, config.window_days)
    signs = showing(neglect_records(facts, transferred=True), config.indicators, start)
    late = sorted(d.day for d in facts.attendance if d.late > 0 and d.day >= start)
    persistent_lateness = config.late_days > 0 and len(late) >= config.late_days
    count = len(signs) + (1 if persistent_lateness else 0)
    adults = {c.author_id for c in signs}
    if not signs or count < config.min_signs or len(adults) < config.min_adults:
        return []
    kinds = sorted({i for c in signs for i in c.indicators & config.indicators})
    severity = Severity.REVIEW if count >= config.review_at else Severity.CONSIDER
    detail = (
        f"{plural(len(signs), 'concern')} showing signs of neglect ({', '.join(kinds)}) "
        f"{span(signs)}, from {plural(len(adults), 'adult')}"
    )
    moved = transferred(signs, "concern")
    if moved:
        detail += f" ({moved})"
    evidence = [concern_ref(c) for c in signs]
    if persistent_lateness:
        detail += f"; marked late on {plural(len(late), 'day')} in the same weeks"
        evidence.extend(attendance_ref(facts.pupil_id, day) for day in late)
    return [about_pupil(facts, severity, detail + ".", evidence)]


@dataclass(frozen=True)
class NeglectWithOtherAbuseSettings:
    window_days: int = setting(
        180,
        doc="Within how many days the neglect and the other abuse or exploitation must both fall.",
        source=CAIRN_DEFAULT,
    )
    neglect: frozenset[str] = setting(
        group("neglect"),
        doc="Indicators that count as neglect.",
        source="patterns/data/indicators.json group 'neglect' (records-and-access.md §3 NEG [V])",
    )
    other: frozenset[str] = setting(
        group("other_abuse_or_exploitation"),
        doc="Indicators that count as another form of abuse or exploitation.",
        source="patterns/data/indicators.json group 'other_abuse_or_exploitation'",
    )


@detector(slug="neglect-with-other-abuse", version=2, settings=NeglectWithOtherAbuseSettings)
def neglect_with_other_abuse(
    facts: PupilFacts, *, as_of: date, config: NeglectWithOtherAbuseSettings
) -> list[Raised]:
    """Neglect recorded together with another form of abuse or exploitation.

    Why: neglected children often also suffer other forms of abuse (neglect-indicators.md §4-§5
    [V NSPCC]; national-reviews.md §4 "Neglect comes with other abuse" [V]); a neglect flag should
    prompt review of the other categories (neglect-indicators.md §5 rule 5).

    Evidence: the concerns showing neglect and those showing physical, sexual or emotional abuse
    or exploitation, with their dates; concerns in a child protection file received from the
    child's previous school count within the same months, named as transferred from that school.

    Does not mean: that either has been established. It asks the DSL to consider the concerns as
    one picture rather than as separate episodes.
    """
    start = since(as_of, config.window_days)
    concerns = about_child(facts, transferred=True)
    neglect = showing(concerns, config.neglect, start)
    other = showing(concerns, config.other, start)
    if not neglect or not other:
        return []
    kinds = sorted({i for c in other for i in c.indicators & config.other})
    moved = transferred({*neglect, *other}, "concern")
    detail = (
        f"{plural(len(neglect), 'concern')} about neglect {span(neglect)} and "
        f"{plural(len(other), 'concern')} about {', '.join(kinds)} {span(other)}"
        + (f" ({moved})." if moved else ".")
    )
    evidence = [concern_ref(c) for c in [*neglect, *other]]
    return [about_pupil(facts, Severity.REVIEW, detail, evidence)]


@dataclass(frozen=True)
class PracticalHelpOnlySettings:
    window_days: int = setting(
        180,
        doc="How far back to look at neglect concerns and the actions taken.",
        source=CAIRN_DEFAULT,
    )
    min_concerns: int = setting(
        2, doc="How many neglect concerns before the response is looked at.", source=CAIRN_DEFAULT
    )
    min_actions: int = setting(
        2,
        doc="How many practical actions, with nothing else, make the pattern.",
        source=CAIRN_DEFAULT,
    )
    neglect: frozenset[str] = setting(
        group("neglect"),
        doc="Indicators that count as neglect.",
        source="patterns/data/indicators.json group 'neglect'",
    )


@detector(slug="practical-help-only", version=1, settings=PracticalHelpOnlySettings)
def practical_help_only(
    facts: PupilFacts, *, as_of: date, config: PracticalHelpOnlySettings
) -> list[Raised]:
    """Neglect met only with practical help, with nothing yet addressing the care the child gets.

    Why: serious case reviews found work drifting to practical tasks (housing, benefits,
    appointments, food, uniform) while the quality of care and its impact on the child went
    unassessed: national-reviews.md §4 "Practical tasks instead of parenting" [V SecEd], with
    "assessments should focus on the child's experience" [V Norfolk SCR key themes].

    Evidence: the neglect concerns and the actions taken since, all of them practical.

    Does not mean: that the practical help was wrong. It asks whether the parenting, the adults'
    difficulties or the child's experience also need addressing.
    """
    start = since(as_of, config.window_days)
    neglect = showing(about_child(facts), config.neglect, start)
    if len(neglect) < config.min_concerns:
        return []
    first = neglect[0].occurred_at
    actions = sorted(
        (a for a in facts.actions if a.created_at >= first), key=lambda a: (a.created_at, a.id)
    )
    practical = [a for a in actions if a.kind is ActionKind.PRACTICAL]
    if len(practical) < config.min_actions or len(practical) != len(actions):
        return []
    detail = (
        f"{plural(len(neglect), 'concern')} about neglect {span(neglect)}; the "
        f"{plural(len(practical), 'action')} since are all practical "
        f"({'; '.join(a.summary or a.kind.value for a in practical)})."
    )
    evidence = [*(concern_ref(c) for c in neglect), *(action_ref(a) for a in practical)]
    return [about_pupil(facts, Severity.CONSIDER, detail, evidence)]


@dataclass(frozen=True)
class PovertyNormalisingNeglectSettings:
    window_days: int = setting(
        365,
        doc="How far back to count neglect concerns closed with no action.",
        source=CAIRN_DEFAULT,
    )
    min_closures: int = setting(
        2,
        doc="How many 'no further action' decisions on neglect concerns make 'repeatedly'.",
        source=CAIRN_DEFAULT,
    )
    neglect: frozenset[str] = setting(
        group("neglect"),
        doc="Indicators that count as neglect.",
        source="patterns/data/indicators.json group 'neglect'",
    )


@detector(slug="poverty-normalising-neglect", version=1, settings=PovertyNormalisingNeglectSettings)
def poverty_normalising_neglect(
    facts: PupilFacts, *, as_of: date, config: PovertyNormalisingNeglectSettings
) -> list[Raised]:
    """Neglect concerns about a child in a low-income family, repeatedly closed with no action.

    Why: in deprived areas lower standards of care come to be accepted ("poverty blindness"):
    national-reviews.md §4 "Neglect gets normalised by poverty" [V SecEd; V SCIE 2020]; poverty
    featured in nearly half of serious case reviews 2017-19 (§1 [V SecEd]). Deprivation never
    lowers a threshold (neglect-indicators.md §5 rule 4); this detector uses the family's income
    only to look at how neglect concerns were closed, never to count a sign differently.

    Evidence: the "no further action" decisions and the neglect concerns they closed.

    Does not mean: that poverty is neglect, or that the decisions were wrong. It asks the DSL to
    check that expectations of care stayed as high as for any other child.
    """
    if not facts.in_poverty:
        return []
    start = since(as_of, config.window_days)
    neglect = {c.id: c for c in showing(about_child(facts), config.neglect, start)}
    acted_on = {cid for a in facts.actions for cid in a.concern_ids}
    closures = sorted(
        (
            d
            for d in facts.decisions
            if d.kind is DecisionKind.NFA
            and local_date(d.decided_at) >= start
            and d.concern_ids & neglect.keys()
            and not d.concern_ids & acted_on
        ),
        key=lambda d: (d.decided_at, d.id),
    )
    if len(closures) < config.min_closures:
        return []
    closed = sorted(
        {neglect[cid] for d in closures for cid in d.concern_ids & neglect.keys()},
        key=lambda c: (c.occurred_at, c.id),
    )
    detail = (
        f"{plural(len(closures), 'decision')} of no further action on neglect concerns "
        f"({span(closed)}), with no action recorded; the family is recorded as low-income."
    )
    evidence = [*(decision_ref(d) for d in closures), *(concern_ref(c) for c in closed)]
    return [about_pupil(facts, Severity.REVIEW, detail, evidence)]


@dataclass(frozen=True)
class PersistentNeglectSettings:
    window_days: int = setting(
        365,
        doc="How far back signs count: over months and terms, a school year.",
        source="issue 18 'over weeks and over months/terms'; neglect-indicators.md §5 "
        "'neglect accumulates over time' and rule 3 (weight persistent signs); " + CAIRN_DEFAULT,
    )
    min_span_days: int = setting(
        28,
        doc="How many days at least between the first and the last sign: persistence, not one "
        "bad week.",
        source="neglect-indicators.md §4 'multiple or persistent signs' [V NSPCC]; "
        + CAIRN_DEFAULT,
    )
    min_dates: int = setting(
        3,
        doc="On how many different days signs must be recorded; one adult's observations count.",
        source="issue 18 asks for signs 'on two or more dates'; neglect-indicators.md §4 "
        "'multiple or persistent signs' [V NSPCC]. Cairn asks for a third day before calling "
        "signs persistent, because two single signs months apart are everyday life (one "
        "missed breakfast, a tired week after a new baby); " + CAIRN_DEFAULT,
    )
    review_at_dates: int = setting(
        4,
        doc="At signs on this many different days the prompt asks for a review soon.",
        source="neglect-indicators.md §5 'the same ... for the fourth time ... is a pattern' [P]",
    )
    indicators: frozenset[str] = setting(
        group("low_level_neglect"),
        doc="The signs of neglect counted, unmet health needs and missed appointments among them.",
        source="patterns/data/indicators.json group 'low_level_neglect' (neglect-indicators.md "
        "§2, §4 [V NSPCC])",
    )


@detector(slug="persistent-neglect", version=3, settings=PersistentNeglectSettings)
def persistent_neglect(
    facts: PupilFacts, *, as_of: date, config: PersistentNeglectSettings
) -> list[Raised]:
    """Signs of neglect that persist over months or terms, even when one adult records them.

    Why: harm in serious case reviews builds over months, and neglect is missed when each episode
    is seen alone ("the cumulative nature of harm": national-reviews.md §2 [V SCIE]; neglect in
    about three-quarters of reviews, §1 [V SecEd]); look for multiple or persistent signs
    (neglect-indicators.md §4 [V NSPCC]), including untreated health needs and children not
    brought to appointments (§2 [V phrase, CG89]).

    Evidence: the concerns showing signs of neglect over the months (unmet health needs and
    missed medical appointments among them, and health appointments the parents' engagement
    record shows missed), with their dates, the signs and how many adults recorded them. Concerns
    in a child protection file received from the child's previous school count within the same
    months, and the words say which school recorded them.

    Does not mean: that the child is neglected. It asks the DSL to read the months together, as
    one story, rather than each concern as it came.
    """
    start = since(as_of, config.window_days)
    signs = showing(neglect_records(facts, transferred=True), config.indicators, start)
    if not signs:
        return []
    dates = sorted({local_date(c.occurred_at) for c in signs})
    if len(dates) < config.min_dates or (dates[-1] - dates[0]).days < config.min_span_days:
        return []
    kinds = sorted({i for c in signs for i in c.indicators & config.indicators})
    adults = {c.author_id for c in signs}
    severity = Severity.REVIEW if len(dates) >= config.review_at_dates else Severity.CONSIDER
    moved = transferred(signs, "concern")
    detail = (
        f"{plural(len(signs), 'concern')} showing signs of neglect ({', '.join(kinds)}) on "
        f"{plural(len(dates), 'day')} {span(signs)}, over {(dates[-1] - dates[0]).days} days, "
        f"from {plural(len(adults), 'adult')}" + (f" ({moved})." if moved else ".")
    )
    return [about_pupil(facts, severity, detail, map(concern_ref, signs))]
