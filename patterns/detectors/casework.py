"""Detectors about the handling of a child's case: "start again", overdue referral outcomes,
monitoring past its review date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    concern_ref,
    decision_ref,
    local_date,
    plural,
    showing,
    since,
    span,
    transferred,
)
from patterns.facts import DecisionFact, DecisionKind, PupilFacts
from patterns.indicators import group
from patterns.registry import Raised, Severity, detector, setting


def _in_order(decisions: tuple[DecisionFact, ...]) -> list[DecisionFact]:
    return sorted(decisions, key=lambda d: (d.decided_at, d.id))


@dataclass(frozen=True)
class StartAgainSettings:
    window_days: int = setting(
        365,
        doc="The period in which closures and reopenings are counted ('within a year').",
        source="issue 8 'repeated closures within a year'",
    )
    min_closures: int = setting(
        2, doc="How many closures within the period make 'repeated'.", source=CAIRN_DEFAULT
    )


@detector(slug="start-again", version=1, settings=StartAgainSettings)
def start_again(facts: PupilFacts, *, as_of: date, config: StartAgainSettings) -> list[Raised]:
    """A case closed and then reopened (or a new one opened), or closed repeatedly within a year.

    Why: in serious case reviews 2017-19, 19% of children had been known to children's social care
    but closed (national-reviews.md §1 [V SecEd]); neglect is cumulative and is missed when each
    episode is treated as new (national-reviews.md §2 [V SCIE]; neglect-indicators.md §5 [V]).

    Evidence: the decisions that closed the case and those that reopened it, with their dates.

    Does not mean: that closing was wrong. It asks the DSL to read the history as one story rather
    than start again from the latest concern.
    """
    start = since(as_of, config.window_days)
    everything = _in_order(facts.decisions)
    opened: dict[str, str] = {}
    for decision in everything:
        opened.setdefault(decision.case_id, decision.id)
    ordered = [d for d in everything if local_date(d.decided_at) >= start]
    closures = [d for d in ordered if d.closes_case]
    # Reopened: a decision on a case after that case was closed, or the first decision of a new
    # case after another was closed. Work continuing on a case that was never closed is neither.
    reopenings = [
        d
        for d in ordered
        if not d.closes_case
        and any(
            c.decided_at < d.decided_at and (c.case_id == d.case_id or opened[d.case_id] == d.id)
            for c in closures
        )
    ]
    if not reopenings and len(closures) < config.min_closures:
        return []
    parts = [f"{plural(len(closures), 'closure')}"]
    if reopenings:
        parts.append(f"{plural(len(reopenings), 'decision')} after a closure")
    detail = f"In the last {config.window_days} days: {' and '.join(parts)}."
    evidence = [decision_ref(d) for d in [*closures, *reopenings]]
    return [about_pupil(facts, Severity.CONSIDER, detail, evidence)]


@dataclass(frozen=True)
class ReferralOutcomeSettings:
    default_outcome_days: int = setting(
        7,
        doc="When a referral has no 'outcome due' date, the outcome is expected this many days "
        "after the referral.",
        source=CAIRN_DEFAULT,
    )
    grace_days: int = setting(
        0, doc="Days allowed after the due date before the prompt.", source=CAIRN_DEFAULT
    )


@detector(slug="referral-outcome-overdue", version=1, settings=ReferralOutcomeSettings)
def referral_outcome_overdue(
    facts: PupilFacts, *, as_of: date, config: ReferralOutcomeSettings
) -> list[Raised]:
    """A referral with no outcome recorded after the date it was due.

    Why: KCSIE expects the outcome of a referral, and the action taken, to be recorded
    (records-and-access.md §2 [V]); when the child's situation does not improve, schools follow
    local escalation, and reviews highlight failures to challenge (§11 "Escalation tracking" [P]).

    Evidence: the referral decision and its due date.

    Does not mean: that the referral was not acted on. It asks the DSL to chase the outcome and,
    if they disagree with it, to escalate.
    """
    raised = []
    for decision in _in_order(facts.decisions):
        if decision.kind is not DecisionKind.REFERRAL or decision.outcome_recorded_at is not None:
            continue
        due = decision.outcome_due or local_date(decision.decided_at) + timedelta(
            days=config.default_outcome_days
        )
        if as_of <= due + timedelta(days=config.grace_days):
            continue
        detail = (
            f"Referral on {local_date(decision.decided_at):%-d %b %Y}: outcome due "
            f"{due:%-d %b %Y}, none recorded ({(as_of - due).days} days overdue)."
        )
        raised.append(about_pupil(facts, Severity.REVIEW, detail, [decision_ref(decision)]))
    return raised


@dataclass(frozen=True)
class MonitoringReviewSettings:
    grace_days: int = setting(
        0, doc="Days allowed after the review date before the prompt.", source=CAIRN_DEFAULT
    )


@detector(slug="monitoring-review-overdue", version=1, settings=MonitoringReviewSettings)
def monitoring_review_overdue(
    facts: PupilFacts, *, as_of: date, config: MonitoringReviewSettings
) -> list[Raised]:
    """A decision to monitor that has passed its review date with no later decision on the case.

    Why: a decision records its review date (records-and-access.md §2 "Minimum entry fields");
    concerns left open and never closed are a common record-keeping failure (§11 "Better data
    quality" [P]), and inadequate record keeping is the most common reason safeguarding is judged
    not effective (§11 [P]).

    Evidence: the monitoring decision and its review date.

    Does not mean: that monitoring stopped. It asks the DSL to review and record what was decided.
    """
    latest: dict[str, DecisionFact] = {}
    for decision in _in_order(facts.decisions):
        latest[decision.case_id] = decision
    raised = []
    for decision in latest.values():
        if decision.kind is not DecisionKind.MONITOR or decision.review_date is None:
            continue
        if as_of <= decision.review_date + timedelta(days=config.grace_days):
            continue
        detail = (
            f"Monitoring decided {local_date(decision.decided_at):%-d %b %Y}, review due "
            f"{decision.review_date:%-d %b %Y}; no decision since."
        )
        raised.append(about_pupil(facts, Severity.CONSIDER, detail, [decision_ref(decision)]))
    return raised


REFERRED = frozenset({DecisionKind.REFERRAL, DecisionKind.EARLY_HELP, DecisionKind.POLICE})
REFERRAL_WORDS = {
    DecisionKind.REFERRAL: "referral to children's social care",
    DecisionKind.EARLY_HELP: "early help",
    DecisionKind.POLICE: "referral to the police",
}


def _all_decisions(facts: PupilFacts) -> list[DecisionFact]:
    """The child's decisions over all time: the recent ones and the history (no expiry), which
    holds the decisions in a child protection file received from the child's previous school."""
    unique = {d.id: d for d in [*facts.history, *facts.decisions]}
    return _in_order(tuple(unique.values()))


@dataclass(frozen=True)
class ReferralClosedAgainSettings:
    recent_days: int = setting(
        365,
        doc="How recent the latest referral must be for the prompt; the earlier referrals and "
        "closures count however long ago they were.",
        source="issue 18 'history does not expire after a year'; " + CAIRN_DEFAULT,
    )
    min_referrals: int = setting(
        2,
        doc="How many referrals (children's social care, early help, police), with a closure "
        "between them, make the pattern.",
        source="national-reviews.md §1 '19% previously known but closed' [V SecEd]; "
        + CAIRN_DEFAULT,
    )


@detector(slug="referral-closed-again", version=2, settings=ReferralClosedAgainSettings)
def referral_closed_again(
    facts: PupilFacts, *, as_of: date, config: ReferralClosedAgainSettings
) -> list[Raised]:
    """Referred, closed, and referred again: a child whose referrals keep being closed, however
    long ago the first was.

    Why: in serious case reviews 2017-19, 19% of children had been known to children's social
    care but closed (national-reviews.md §1 [V SecEd]); neglect is cumulative and is missed when
    each referral is treated as new (national-reviews.md §2 [V SCIE]; neglect-indicators.md §5
    [V]).

    Evidence: the referrals and the closures between them, with their dates. Referrals and
    closures in a child protection file received from the child's previous school count, and the
    words say which school made them: a history is not started again at a new school.

    Does not mean: that any closure was wrong. It asks the DSL to read the referrals as one
    history, tell the agency about the earlier ones, and escalate if the pattern repeats.
    """
    decisions = _all_decisions(facts)
    referrals = [d for d in decisions if d.kind in REFERRED]
    closures = [d for d in decisions if d.closes_case]
    again = [r for r in referrals[1:] if any(c.decided_at < r.decided_at for c in closures)]
    if len(referrals) < config.min_referrals or not again:
        return []
    if (as_of - local_date(referrals[-1].decided_at)).days >= config.recent_days:
        return []
    between = [c for c in closures if c.decided_at < again[-1].decided_at]
    kinds = sorted({REFERRAL_WORDS[r.kind] for r in referrals})
    moved = " and ".join(
        words
        for words in (transferred(referrals, "referral"), transferred(between, "closure"))
        if words
    )
    detail = (
        f"{plural(len(referrals), 'referral')} ({', '.join(kinds)}) since "
        f"{local_date(referrals[0].decided_at):%-d %b %Y}, with "
        f"{plural(len(between), 'closure')} between them; the latest on "
        f"{local_date(referrals[-1].decided_at):%-d %b %Y}" + (f" ({moved})." if moved else ".")
    )
    evidence = [decision_ref(d) for d in [*referrals, *between]]
    return [about_pupil(facts, Severity.REVIEW, detail, evidence)]


@dataclass(frozen=True)
class PriorHistorySettings:
    window_days: int = setting(
        90, doc="How recent the new concerns must be (about a term).", source=CAIRN_DEFAULT
    )
    review_at: int = setting(
        2,
        doc="At this many new concerns the prompt asks for a review soon.",
        source=CAIRN_DEFAULT,
    )
    welfare: frozenset[str] = setting(
        group("welfare"),
        doc="Indicators that count as a welfare concern.",
        source="patterns/data/indicators.json group 'welfare'",
    )


@detector(slug="prior-history", version=2, settings=PriorHistorySettings)
def prior_history(facts: PupilFacts, *, as_of: date, config: PriorHistorySettings) -> list[Raised]:
    """New welfare concerns about a child referred before (to children's social care, early help
    or the police), however long ago and whether or not the case was closed.

    Why: 19% of children in serious case reviews 2017-19 had been known to children's social
    care but closed, and more were known to other services (national-reviews.md §1 [V SecEd]);
    the cumulative nature of harm is missed when new concerns are read without the history
    (national-reviews.md §2 [V SCIE]; neglect-indicators.md §5 [V]).

    Evidence: the earlier referrals and the closures of their cases, and the new concerns since,
    with their dates. A referral in a child protection file received from the child's previous
    school counts as referred before, and the words say which school made it (information lost
    at a move is history not joined up); the new concerns are this school's own.

    Does not mean: that the new concerns are as serious as the old ones. It asks the DSL to read
    them with the history, and to share the history with anyone now involved.
    """
    start = since(as_of, config.window_days)
    everything = _all_decisions(facts)
    referrals = [d for d in everything if d.kind in REFERRED]
    referred_cases = {d.case_id for d in referrals}
    closures = [d for d in everything if d.closes_case and d.case_id in referred_cases]
    new = [
        c
        for c in showing(about_child(facts), config.welfare, start)
        if c.record_kind == "concern"
        and any(d.decided_at < c.occurred_at and c.id not in d.concern_ids for d in referrals)
    ]
    if not new:
        return []
    before = [d for d in referrals if d.decided_at < new[0].occurred_at]
    closed = [d for d in closures if d.decided_at < new[0].occurred_at]
    moved = transferred(before, "referral")
    detail = (
        f"{plural(len(before), 'referral')} on record (the first "
        f"{local_date(before[0].decided_at):%-d %b %Y}"
        + (f"; {moved})" if moved else ")")
        + (f", {plural(len(closed), 'closure')}" if closed else "")
        + f"; {plural(len(new), 'new concern')} {span(new)}."
    )
    severity = Severity.REVIEW if len(new) >= config.review_at else Severity.CONSIDER
    evidence = [*(decision_ref(d) for d in [*before, *closed]), *(concern_ref(c) for c in new)]
    return [about_pupil(facts, severity, detail, evidence)]
