"""Detectors about the adults around the child: parents and carers who do not engage, and
agencies' answers the school may need to challenge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    NOT_BROUGHT,
    about_child,
    about_pupil,
    concern_ref,
    decision_ref,
    engagement_ref,
    local_date,
    plural,
    since,
    span,
    unseen_run,
)
from patterns.facts import ContactFact, DecisionKind, PupilFacts
from patterns.registry import EvidenceRef, Raised, Severity, detector, setting

ENGAGEMENT_SOURCE = (
    "neglect-indicators.md §2: carers repeatedly fail to bring the child to essential "
    "appointments ('was not brought') [V phrase, CG89], and parent–child interaction: "
    "negativity or hostility [U]"
)


@dataclass(frozen=True)
class ParentEngagementSettings:
    window_days: int = setting(
        365,
        doc="How far back the parents' engagement is read (a school year).",
        source="issue 18 'over months and terms'; " + CAIRN_DEFAULT,
    )
    min_events: int = setting(
        2,
        doc="How many missed or cancelled appointments, hostile episodes or explanations never "
        "checked make a prompt ('repeatedly'); one refusal of access is enough alone.",
        source=ENGAGEMENT_SOURCE + "; " + CAIRN_DEFAULT,
    )
    review_at_kinds: int = setting(
        2,
        doc="With this many different kinds of non-engagement the prompt asks for a review soon.",
        source="neglect-indicators.md §5 rule 3 (weight repeated signs); " + CAIRN_DEFAULT,
    )


@detector(slug="parent-non-engagement", version=1, settings=ParentEngagementSettings)
def parent_non_engagement(
    facts: PupilFacts, *, as_of: date, config: ParentEngagementSettings
) -> list[Raised]:
    """Parents or carers who do not engage: appointments missed or cancelled, access or a home
    visit refused, hostility towards staff, explanations never checked.

    Why: repeatedly failing to bring a child to essential appointments is an alerting feature of
    neglect (neglect-indicators.md §2 [V phrase, NICE CG89]); hostility is a feature of
    parent–child interaction in emotional abuse (§3 [U]); reviews find professionals held apart
    from the child and explanations accepted without checking (national-reviews.md §4, the
    child's lived experience [V SecEd]; records-and-access.md §11 [P]).

    Evidence: the engagement records: each missed or cancelled appointment, refusal, hostile
    episode and unchecked explanation, with its date.

    Does not mean: that the parents are hiding anything; families miss appointments for many
    reasons. It asks the DSL to look at the engagement as a whole and to check what was said.
    """
    start = since(as_of, config.window_days)
    events = [e for e in facts.engagement if e.occurred_on >= start]
    missed = [e for e in events if e.kind in NOT_BROUGHT]
    refused = [e for e in events if e.kind == "refused"]
    hostile = [e for e in events if e.kind == "hostility"]
    unchecked = [e for e in events if e.kind == "explanation" and e.checked == "not_checked"]
    counted = [*missed, *refused, *hostile, *unchecked]
    if not refused and len(counted) < config.min_events:
        return []
    parts = []
    if missed:
        parts.append(f"{plural(len(missed), 'appointment')} missed or cancelled")
    if refused:
        parts.append(f"access refused {plural(len(refused), 'time')}")
    if hostile:
        parts.append(f"{plural(len(hostile), 'episode')} of hostility towards staff")
    if unchecked:
        parts.append(f"{plural(len(unchecked), 'explanation')} never checked")
    kinds = sum(1 for found in (missed, refused, hostile, unchecked) if found)
    concerns = [c for c in about_child(facts) if local_date(c.occurred_at) >= start]
    severity = Severity.CONSIDER
    if refused or kinds >= config.review_at_kinds or concerns:
        severity = Severity.REVIEW
    if refused and concerns:
        severity = Severity.REVIEW_NOW
    first = min(e.occurred_on for e in counted)
    last = max(e.occurred_on for e in counted)
    when = f"on {first:%-d %b %Y}"
    if first != last:
        when = f"between {first:%-d %b %Y} and {last:%-d %b %Y}"
    detail = f"The parents' engagement {when}: {'; '.join(parts)}"
    if concerns:
        detail += f"; {plural(len(concerns), 'concern')} about the child in the same months"
    evidence = [*map(engagement_ref, counted), *map(concern_ref, concerns)]
    return [about_pupil(facts, severity, detail + ".", evidence)]


# Answers that close an agency's involvement or send the family elsewhere.
CLOSING_ANSWERS = frozenset({"nfa", "no_concerns", "early_help"})
ANSWER_WORDS = {
    "nfa": "no further action",
    "no_concerns": "no concerns",
    "early_help": "redirected to early help",
}
AGENCY_WORDS = {
    "social_care": "children's social care",
    "police": "the police",
    "gp": "the GP",
    "health_visitor": "the health visitor",
    "school_nurse": "the school nurse",
    "paediatrics": "paediatrics",
    "early_help": "early help",
    "attendance": "the local authority's attendance officer",
    "other_school": "another school",
}
ESCALATION_SOURCE = (
    "records-and-access.md §11 escalation tracking: reviews highlight failure to challenge "
    "[P teescpp.org.uk]; Keeping children safe in education: follow local escalation if the "
    "child's situation does not improve"
)


@dataclass(frozen=True)
class EscalationSettings:
    window_days: int = setting(
        365,
        doc="How long after an agency's answer new concerns still call it into question.",
        source=ESCALATION_SOURCE + "; " + CAIRN_DEFAULT,
    )
    answers: frozenset[str] = setting(
        CLOSING_ANSWERS,
        doc="Agency answers that may need challenging when concerns continue "
        "(casework.ResponseKind values).",
        source='issue 18 \'an agency\'s "no further action", "no concerns" or redirection\'',
    )
    min_new_concerns: int = setting(
        1,
        doc="New concerns after the answer that prompt a challenge.",
        source=ESCALATION_SOURCE + " (the situation does not improve); " + CAIRN_DEFAULT,
    )
    unseen_days: int = setting(
        5,
        doc="School days unseen after the answer that prompt a challenge (a school week).",
        source="records-and-access.md §11 'failure to see and speak to the children' [P]; "
        + CAIRN_DEFAULT,
    )
    challenge_days: int = setting(
        5,
        doc="Days after an answer the school disagreed with before a missing escalation is "
        "prompted.",
        source="records-and-access.md §11: partnerships set stage timescales [P Croydon, "
        "Hertfordshire]; " + CAIRN_DEFAULT,
    )
    make_referral_days: int = setting(
        1,
        doc="Days after a decision to refer to children's social care before a referral with "
        "no recorded contact is prompted.",
        source="records-and-access.md §2 (decisions and referrals recorded); " + CAIRN_DEFAULT,
    )
    referral_window_days: int = setting(
        90,
        doc="How far back decisions to refer are checked for a referral never made.",
        source=CAIRN_DEFAULT,
    )


# A register older than this is not current (as the child-not-seen detector's default).
STALE_DAYS = 7


def _challenged(facts: PupilFacts, on: date) -> bool:
    return any(s.started_on >= on for s in facts.escalation_stages)


def _answer_prompt(
    facts: PupilFacts, contact: ContactFact, as_of: date, config: EscalationSettings
) -> Raised | None:
    answer = contact.latest
    if answer is None or answer.kind not in config.answers:
        return None
    if answer.received_on < since(as_of, config.window_days):
        return None
    if _challenged(facts, answer.received_on):
        return None
    new = sorted(
        (c for c in about_child(facts) if local_date(c.occurred_at) > answer.received_on),
        key=lambda c: (c.occurred_at, c.id),
    )
    run = [d for d in unseen_run(facts, as_of, STALE_DAYS) if d.day > answer.received_on]
    disagreed = answer.school_agrees is False
    overdue = disagreed and (as_of - answer.received_on).days > config.challenge_days
    unseen = len(run) >= config.unseen_days
    by_new = config.min_new_concerns > 0 and len(new) >= config.min_new_concerns
    if not by_new and not unseen and not overdue:
        return None
    who = AGENCY_WORDS.get(contact.agency, "an agency")
    notes = []
    if new:
        notes.append(f"{plural(len(new), 'new concern')} since, {span(new)}")
    if unseen:
        notes.append(f"not seen in school for {plural(len(run), 'school day')} since")
    if disagreed:
        notes.append("the school disagreed and no escalation has been opened")
    severity = Severity.REVIEW
    if len(new) >= 2 or (disagreed and new) or unseen:
        severity = Severity.REVIEW_NOW
    detail = (
        f"{who[0].upper()}{who[1:]} answered "
        f"\u201c{ANSWER_WORDS.get(answer.kind, answer.kind)}\u201d on "
        f"{answer.received_on:%-d %b %Y}; {'; '.join(notes)}."
    )
    evidence = [
        EvidenceRef(on=contact.contacted_on, kind="agency_contact", id=contact.id),
        *map(concern_ref, new),
    ]
    return about_pupil(facts, severity, detail, evidence)


@detector(slug="escalation-needed", version=1, settings=EscalationSettings)
def escalation_needed(
    facts: PupilFacts, *, as_of: date, config: EscalationSettings
) -> list[Raised]:
    """An agency answered "no further action", "no concerns" or redirected to early help, and
    new concerns arrive, the child is not seen, or the school disagreed and has not challenged;
    or a referral the school decided to make has no record of being made.

    Why: serious case reviews highlight the failure to challenge, and Keeping children safe in
    education asks schools to follow local escalation if the child's situation does not improve
    (records-and-access.md §11 [P teescpp.org.uk; Croydon, Hertfordshire procedures]); a
    decision and its referral are recorded (records-and-access.md §2 [V KCSIE Annex C]).

    Evidence: the contact with the agency and its answer, the concerns since, the school days
    the child was not seen, or the decision to refer.

    Does not mean: that the agency was wrong. It prompts the DSL to consider professional
    challenge through the escalation ladder, or to make and record the referral.
    """
    raised = [
        found
        for contact in facts.contacts
        if (found := _answer_prompt(facts, contact, as_of, config)) is not None
    ]
    made = {c.referral_decision_id for c in facts.contacts if c.referral_decision_id}
    referred_on = [
        c.contacted_on
        for c in facts.contacts
        if c.purpose == "referral" and c.agency == "social_care"
    ]
    start = since(as_of, config.referral_window_days)
    for decision in facts.decisions:
        if decision.kind is not DecisionKind.REFERRAL or decision.outcome_recorded_at is not None:
            continue
        decided = local_date(decision.decided_at)
        if decided < start or as_of <= decided + timedelta(days=config.make_referral_days):
            continue
        if decision.id in made or any(on >= decided for on in referred_on):
            continue
        detail = (
            f"The DSL decided on {decided:%-d %b %Y} to refer to children's social care; no "
            "contact making the referral is recorded."
        )
        raised.append(about_pupil(facts, Severity.REVIEW_NOW, detail, [decision_ref(decision)]))
    return raised
