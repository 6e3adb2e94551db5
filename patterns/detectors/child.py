"""Detectors about the child: injuries, behaviour change, adolescents' own risks, disabled
children, and whether the child's voice has been heard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    age_on,
    cadence_ref,
    concern_ref,
    local_date,
    plural,
    showing,
    since,
    span,
    voice_ref,
)
from patterns.facts import PupilFacts
from patterns.indicators import group
from patterns.registry import EvidenceRef, Raised, Severity, detector, setting


@dataclass(frozen=True)
class InjuriesSettings:
    window_days: int = setting(
        42,
        doc="Within how many days injuries count together ('within weeks').",
        source=CAIRN_DEFAULT,
    )
    min_injuries: int = setting(
        2,
        doc="How many recorded injuries within the window make a pattern.",
        source="neglect-indicators.md §4 'repeated accidental injuries from lack of supervision' "
        "[V NSPCC]; issue 8 'two or more'",
    )
    non_mobile_any: bool = setting(
        True,
        doc="Any injury to a child not yet mobile is a prompt on its own.",
        source="neglect-indicators.md §3 'bruising in non-mobile infants' [U — check CG89]",
    )
    non_mobile_window_days: int = setting(
        365, doc="How far back an injury to a non-mobile child counts.", source=CAIRN_DEFAULT
    )


@detector(slug="injuries", version=1, settings=InjuriesSettings)
def injuries(facts: PupilFacts, *, as_of: date, config: InjuriesSettings) -> list[Raised]:
    """Two or more injuries recorded within a few weeks, or any injury to a child not yet mobile.

    Why: repeated accidental injuries from lack of supervision are a sign of neglect
    (neglect-indicators.md §4 [V NSPCC]; §2 supervision [U levels]); bruising in non-mobile infants
    is an alerting feature of physical abuse (§3 [U — NICE CG89]); an explanation that is
    implausible or inconsistent is itself an alerting feature (§1 "unsuitable explanation" [V]).

    Evidence: the injury concerns, with their dates and whether the explanation was suitable.

    Does not mean: that anyone caused the injuries. It asks the DSL to look at them together, and
    at the explanations given.
    """
    concerns = about_child(facts)
    marker = frozenset({"injury"})
    if facts.mobile is False and config.non_mobile_any:
        hurt = showing(concerns, marker, since(as_of, config.non_mobile_window_days))
        if hurt:
            detail = (
                f"{plural(len(hurt), 'injury')} recorded {span(hurt)} to a child not yet mobile."
            )
            return [about_pupil(facts, Severity.REVIEW_NOW, detail, map(concern_ref, hurt))]
    hurt = showing(concerns, marker, since(as_of, config.window_days))
    if len(hurt) < config.min_injuries:
        return []
    unsuitable = [c for c in hurt if c.explanation_suitable is False]
    detail = f"{plural(len(hurt), 'injury')} recorded {span(hurt)}"
    if unsuitable:
        detail += f"; {plural(len(unsuitable), 'explanation')} recorded as unsuitable"
    severity = Severity.REVIEW if unsuitable else Severity.CONSIDER
    return [about_pupil(facts, severity, detail + ".", map(concern_ref, hurt))]


@dataclass(frozen=True)
class BehaviourChangeSettings:
    window_days: int = setting(
        90,
        doc="Within how many days the change and the welfare concerns must fall.",
        source=CAIRN_DEFAULT,
    )
    welfare: frozenset[str] = setting(
        group("welfare"),
        doc="Indicators that count as a welfare concern.",
        source="patterns/data/indicators.json group 'welfare'",
    )


@detector(slug="behaviour-change-with-welfare", version=1, settings=BehaviourChangeSettings)
def behaviour_change_with_welfare(
    facts: PupilFacts, *, as_of: date, config: BehaviourChangeSettings
) -> list[Raised]:
    """A change in behaviour recorded alongside welfare concerns.

    Why: challenging behaviour is communication and may be the child telling us about their lived
    experience (national-reviews.md §4-§5 [V SecEd]); marked behavioural change is an alerting
    feature (neglect-indicators.md §3 [U]); "the same ... for the fourth time, alongside lateness
    and a change in behaviour, is a pattern" (§5 [P]).

    Evidence: the concerns recording the change in behaviour and the welfare concerns.

    Does not mean: that the behaviour is caused by harm. It asks the DSL to consider what the
    behaviour may be communicating.
    """
    start = since(as_of, config.window_days)
    concerns = about_child(facts)
    changes = showing(concerns, frozenset({"behaviour_change"}), start)
    welfare = showing(concerns, config.welfare - {"behaviour_change"}, start)
    if not changes or not welfare:
        return []
    detail = (
        f"Change in behaviour recorded {span(changes)}, with "
        f"{plural(len(welfare), 'welfare concern')} {span(welfare)}."
    )
    evidence = [concern_ref(c) for c in [*changes, *welfare]]
    return [about_pupil(facts, Severity.CONSIDER, detail, evidence)]


@dataclass(frozen=True)
class AdolescentSettings:
    min_age: int = setting(
        11,
        doc="From this age a child's own risks are looked at here.",
        source="national-reviews.md §1 'Young people 11+' [V SecEd]",
    )
    window_days: int = setting(90, doc="How far back concerns count.", source=CAIRN_DEFAULT)
    min_concerns: int = setting(
        2,
        doc="How many concerns about the child's own mental health or substance use make a "
        "prompt (going missing or exploitation prompt at once).",
        source=CAIRN_DEFAULT,
    )
    indicators: frozenset[str] = setting(
        group("adolescent_risk"),
        doc="The adolescent's own risks counted.",
        source="patterns/data/indicators.json group 'adolescent_risk'",
    )
    immediate: frozenset[str] = setting(
        group("adolescent_immediate"),
        doc="Risks that prompt on a single concern.",
        source="patterns/data/indicators.json group 'adolescent_immediate'",
    )


@detector(slug="adolescent-risks", version=1, settings=AdolescentSettings)
def adolescent_risks(facts: PupilFacts, *, as_of: date, config: AdolescentSettings) -> list[Raised]:
    """A young person of 11 or over with concerns about their own mental health, substance use,
    going missing or signs of exploitation.

    Why: in serious case reviews 2017-19 about young people 11+, 69% had mental health problems,
    nearly 30% alcohol misuse and more than 40% drug misuse (national-reviews.md §1 [V SecEd]);
    the 2014-17 analysis named new threats of harm to adolescents (§2 [V]); going missing (CIN 10A)
    and criminal or sexual exploitation (11A, 24A) are assessment factors (cin-codes.md §1 [V]).

    Evidence: the concerns about the young person's own mental health, substance use, going missing
    or exploitation, with their dates.

    Does not mean: that the young person is being exploited or is unwell. It asks the DSL to look
    at the risks together and at who else should know.
    """
    if age_on(facts.date_of_birth, as_of) < config.min_age:
        return []
    risks = showing(about_child(facts), config.indicators, since(as_of, config.window_days))
    urgent = [c for c in risks if c.indicators & config.immediate]
    if not urgent and len(risks) < config.min_concerns:
        return []
    kinds = sorted({i for c in risks for i in c.indicators & config.indicators})
    detail = f"{plural(len(risks), 'concern')} about {', '.join(kinds)} {span(risks)}."
    severity = Severity.REVIEW if urgent else Severity.CONSIDER
    return [about_pupil(facts, severity, detail, map(concern_ref, risks))]


@dataclass(frozen=True)
class DisabledChildSettings:
    window_days: int = setting(90, doc="How far back concerns count.", source=CAIRN_DEFAULT)
    min_concerns: int = setting(
        2,
        doc="How many welfare concerns, from any adults, make a prompt (lower than for "
        "cumulative neglect).",
        source="national-reviews.md §1 'Disability before the incident: a quarter' [V SecEd]; "
        + CAIRN_DEFAULT,
    )
    indicators: frozenset[str] = setting(
        group("welfare"),
        doc="Indicators that count as a welfare concern.",
        source="patterns/data/indicators.json group 'welfare'",
    )


@detector(slug="disabled-child-concerns", version=1, settings=DisabledChildSettings)
def disabled_child_concerns(
    facts: PupilFacts, *, as_of: date, config: DisabledChildSettings
) -> list[Raised]:
    """Welfare concerns about a disabled child, at a lower threshold than for other children.

    Why: a quarter of children in serious case reviews 2017-19 were disabled before the incident
    (national-reviews.md §1 [V SecEd]: "SEND as a risk multiplier"); children with SEND are a
    KCSIE Part one topic (records-and-access.md §4.1 [U]); disabled children may be less able to
    tell someone, and signs may be put down to the disability.

    Evidence: the welfare concerns, with their dates and authors.

    Does not mean: that the child is at greater risk because of their disability alone. It asks
    the DSL to look sooner.
    """
    if not facts.disability:
        return []
    concerns = showing(about_child(facts), config.indicators, since(as_of, config.window_days))
    if len(concerns) < config.min_concerns:
        return []
    detail = f"{plural(len(concerns), 'welfare concern')} {span(concerns)} about a disabled child."
    return [about_pupil(facts, Severity.CONSIDER, detail, map(concern_ref, concerns))]


@dataclass(frozen=True)
class VoiceSettings:
    review_after_cadences: int = setting(
        2,
        doc="When the gap reaches this many cadences the prompt asks for a review soon.",
        source=CAIRN_DEFAULT,
    )


@detector(slug="voice-not-heard", version=1, settings=VoiceSettings)
def voice_not_heard(facts: PupilFacts, *, as_of: date, config: VoiceSettings) -> list[Raised]:
    """A vulnerable child whose own words have not been recorded within their check-in cadence.

    Why: the failure "to see and speak to the children" is probably the single most consistent
    failure in case reviews (records-and-access.md §11 [P Portsmouth SCP citing Ofsted]); the
    child's lived experience and voice is a focus chapter of the 2017-19 analysis
    (national-reviews.md §4 [V]), and schools should revisit it with vulnerable children regularly
    (§5 [V SecEd]).

    Evidence: the cadence in force and the last time the child's words were recorded.

    Does not mean: that nobody has spoken with the child. It asks that someone does, and records
    what the child says.
    """
    cadences = sorted(facts.cadences, key=lambda c: (c.effective_from, c.recorded_at, c.id))
    if not cadences or cadences[-1].days is None:
        return []
    cadence = cadences[-1]
    days = cadence.days
    assert days is not None
    heard = sorted(facts.voice, key=lambda v: (v.heard_at, v.id))
    last = heard[-1] if heard else None
    since_date = (
        max(cadence.effective_from, local_date(last.heard_at)) if last else cadence.effective_from
    )
    due = since_date + timedelta(days=days)
    if as_of <= due:
        return []
    gap = (as_of - since_date).days
    severity = Severity.REVIEW if gap >= days * config.review_after_cadences else Severity.CONSIDER
    heard_text = f"last recorded {local_date(last.heard_at):%-d %b %Y}" if last else "not recorded"
    detail = (
        f"The child's voice should be heard every {days} days ({cadence.status or 'cadence'}); "
        f"{heard_text}, due {due:%-d %b %Y}."
    )
    evidence: list[EvidenceRef] = [cadence_ref(cadence)]
    if last is not None:
        evidence.append(voice_ref(last))
    return [about_pupil(facts, severity, detail, evidence)]
