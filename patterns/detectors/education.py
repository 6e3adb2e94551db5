"""Detectors about where the child is: leaving the roll for no known school while concerns are
open or soon after them, not back when expected, a school-age child of the household on no roll,
and a child nobody has seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    age_on,
    attendance_ref,
    concern_ref,
    local_date,
    plural,
    since,
    span,
    unseen_run,
)
from patterns.facts import ConcernFact, HouseholdChildFact, PlanFact, PupilFacts
from patterns.registry import EvidenceRef, Raised, Severity, detector, setting

# Leaving reasons that leave a child with no known school (casework.LeavingReason and
# pupils.EnrolmentEndReason values).
NO_KNOWN_SCHOOL = frozenset({"ehe", "moved_away", "cme"})
REASON_WORDS = {
    "ehe": "elective home education",
    "moved_away": "moved away, destination unknown",
    "cme": "referred as a child missing education",
}
CME_SOURCE = (
    "records-and-access.md §7: destination unknown or moved abroad, follow Children Missing "
    "Education procedures [P egfl]; §4.3 'children missing education' is the LA term for "
    "children not on a roll"
)


@dataclass(frozen=True)
class MissingEducationSettings:
    reasons: frozenset[str] = setting(
        NO_KNOWN_SCHOOL,
        doc="Leaving reasons after which no school is known to be teaching the child.",
        source=CME_SOURCE + "; issue 18 'leaving the roll (home education, destination unknown)'",
    )
    concern_days: int = setting(
        180,
        doc="Concerns this many days or fewer before the leaving count as 'soon after concerns' "
        "(about two terms).",
        source=CAIRN_DEFAULT,
    )
    current_days: int = setting(
        90,
        doc="How long after the leaving, or after the day the child was expected back, the "
        "prompt stays current.",
        source=CAIRN_DEFAULT,
    )
    grace_days: int = setting(
        1,
        doc="Days after the expected return before a child not back is prompted.",
        source=CAIRN_DEFAULT,
    )
    school_age_from: int = setting(
        5,
        doc="The age from which a child of the household is of school age.",
        source="attendance.md §2 code X 'non-compulsory school age' (compulsory school age "
        "from 5 [U: from the term after the fifth birthday]); " + CAIRN_DEFAULT,
    )
    school_age_to: int = setting(
        16,
        doc="The age at which a child of the household is no longer of compulsory school age.",
        source="attendance.md §2 code X (compulsory school age ends at 16 [U]); " + CAIRN_DEFAULT,
    )


def _open_plan(plans: tuple[PlanFact, ...], on: date) -> PlanFact | None:
    current = [p for p in plans if p.started_on <= on and (p.ended_on is None or p.ended_on > on)]
    return current[-1] if current else None


def _concerns_before(facts: PupilFacts, on: date, days: int) -> list[ConcernFact]:
    start = since(on, days)
    return sorted(
        (c for c in about_child(facts) if start <= local_date(c.occurred_at) <= on),
        key=lambda c: (c.occurred_at, c.id),
    )


@detector(slug="missing-education", version=1, settings=MissingEducationSettings)
def missing_education(
    facts: PupilFacts, *, as_of: date, config: MissingEducationSettings
) -> list[Raised]:
    """A child who may be missing education: taken off the roll for home education or to an
    unknown destination while concerns are open or soon after them, not back when expected
    from an agreed absence, or a school-age child of the household on no school roll.

    Why: a child whose destination is unknown goes to Children Missing Education procedures, and
    the CP file must follow a child who leaves (records-and-access.md §7 [V KCSIE; P egfl]);
    "children who are absent from education" is a specific safeguarding issue in Keeping
    children safe in education (Annex B, records-and-access.md §4.3 [V]); a deletion from the
    register is returned to the local authority (attendance.md §4 [V reg 13]); babies and
    brothers and sisters outside school matter in reviews (national-reviews.md §1 [V SecEd]).

    Evidence: the leaving with its reason and the concerns before it, the agreed absence and
    the day the child was expected back, or the child of the household and their setting.

    Does not mean: that the family has done anything wrong; home education is lawful. It asks
    the DSL to make sure the local authority knows and that someone is seeing the child.
    """
    raised: list[Raised] = []
    current = since(as_of, config.current_days)
    leavings = [
        (x.left_on, x.reason, x.open_concerns, "leaving", x.id)
        for x in facts.leavings
        if x.reason in config.reasons
    ]
    told = {on for on, *_ in leavings}
    leavings += [
        (r.end_date, r.end_reason.value, 0, "enrolment", r.id)
        for r in facts.roll
        if r.end_date is not None
        and r.end_reason is not None
        and r.end_reason.value in config.reasons
        and r.end_date not in told
    ]
    for left_on, reason, open_count, kind, ref in sorted(leavings):
        if left_on < current:
            continue
        before = _concerns_before(facts, left_on, config.concern_days)
        plan = _open_plan(facts.plans, left_on)
        if not before and not open_count and plan is None:
            continue
        detail = f"Left the roll on {left_on:%-d %b %Y} ({REASON_WORDS.get(reason, reason)})"
        notes = []
        if open_count:
            notes.append(f"{plural(open_count, 'concern')} still open")
        if before:
            notes.append(f"{plural(len(before), 'concern')} {span(before)}")
        if plan is not None:
            notes.append("while on a plan")
        severity = Severity.REVIEW_NOW if open_count or plan else Severity.REVIEW
        evidence = [EvidenceRef(on=left_on, kind=kind, id=ref), *map(concern_ref, before)]
        if plan is not None:
            evidence.append(EvidenceRef(on=plan.started_on, kind="plan", id=plan.id))
        raised.append(about_pupil(facts, severity, f"{detail}: {'; '.join(notes)}.", evidence))
    for absence in facts.absences:
        due = absence.expected_back_on + timedelta(days=config.grace_days)
        if absence.returned_on is not None or as_of <= due or absence.expected_back_on < current:
            continue
        before = _concerns_before(facts, as_of, config.concern_days)
        detail = (
            f"Not back from an agreed absence: expected on {absence.expected_back_on:%-d %b %Y}, "
            f"{plural((as_of - absence.expected_back_on).days, 'day')} ago"
        )
        if before:
            detail += f", with {plural(len(before), 'concern')} {span(before)}"
        evidence = [
            EvidenceRef(on=absence.starts_on, kind="agreed_absence", id=absence.id),
            *map(concern_ref, before),
        ]
        severity = Severity.REVIEW_NOW if before else Severity.REVIEW
        raised.append(about_pupil(facts, severity, detail + ".", evidence))
    of_age = [
        h
        for h in facts.household_children
        if h.setting_kind == "none"
        and config.school_age_from <= age_on(h.date_of_birth, as_of) < config.school_age_to
    ]
    if of_age:
        ages = ", ".join(str(age_on(h.date_of_birth, as_of)) for h in of_age)
        who = "A child" if len(of_age) == 1 else f"{len(of_age)} children"
        detail = f"{who} of the household of school age (aged {ages}) on no school roll."
        evidence = [
            EvidenceRef(on=local_date(h.recorded_at), kind="household_child", id=h.id)
            for h in of_age
        ]
        raised.append(about_pupil(facts, Severity.REVIEW, detail, evidence))
    return raised


def _unseen(child: HouseholdChildFact, as_of: date, days: int, concerns: list[ConcernFact]) -> bool:
    """Whether nobody has seen a child of the household for `days` (counted from when they were
    last seen, or else from when Cairn knew of them); at once, while concerns are open, for a
    child nobody has ever seen."""
    if child.last_seen_on is None and concerns:
        return True
    known = max(child.date_of_birth, local_date(child.recorded_at))
    return (as_of - (child.last_seen_on or known)).days >= days


@dataclass(frozen=True)
class ChildNotSeenSettings:
    with_concerns_days: int = setting(
        5,
        doc="School days unseen, while concerns are open, before a prompt (a school week).",
        source="issue 18 'a shorter run than without concerns'; records-and-access.md §11 "
        "'failure to see and speak to the children' [P Portsmouth SCP]; " + CAIRN_DEFAULT,
    )
    without_concerns_days: int = setting(
        20,
        doc="School days unseen, with no concern open, before a prompt (four school weeks; an "
        "unexplained run is found sooner by the unexplained absence detector).",
        source="attendance.md §4: absent without permission for 10 continuous school days → "
        "notify the LA [V]; without concerns a long illness is the usual reason, so Cairn "
        "waits twice as long; " + CAIRN_DEFAULT,
    )
    concern_days: int = setting(
        90,
        doc="Concerns this many days or fewer before the latest register count as open.",
        source=CAIRN_DEFAULT,
    )
    stale_days: int = setting(
        7,
        doc="A register older than this many days is not current (the child left, or the marks "
        "are not in yet), and nothing is prompted from it.",
        source=CAIRN_DEFAULT,
    )
    household_unseen_days: int = setting(
        180,
        doc="A child of the household in no setting whom no professional has seen for this "
        "many days (since Cairn knew of them, if never) is prompted; at once while concerns "
        "are open.",
        source="national-reviews.md §1: children under one are the most common age in reviews "
        "[V SecEd]; " + CAIRN_DEFAULT,
    )


@detector(slug="child-not-seen", version=1, settings=ChildNotSeenSettings)
def child_not_seen(facts: PupilFacts, *, as_of: date, config: ChildNotSeenSettings) -> list[Raised]:
    """No professional has seen the child for a run of school days (a shorter run while concerns
    are open), or a child of the household in no setting whom nobody has seen.

    Why: the failure to see and speak to the children is probably the single most consistent
    failure in case reviews (records-and-access.md §11 [P Portsmouth SCP citing Ofsted]); a
    child absent without permission for 10 continuous school days is notified to the local
    authority (attendance.md §4 [V]); children under one are the most common age in reviews and
    are seen only by health or early years (national-reviews.md §1 [V SecEd]).

    Evidence: the school days on which the register shows the child out of school and nobody
    recorded the child's words, the concerns open meanwhile, or the child of the household and
    when they were last seen.

    Does not mean: that the child is at risk; most absences have an ordinary reason. It asks the
    DSL to make sure someone sees the child.
    """
    raised: list[Raised] = []
    run = unseen_run(facts, as_of, config.stale_days)
    latest = run[-1].day if run else as_of
    concerns = _concerns_before(facts, latest, config.concern_days)
    needed = config.with_concerns_days if concerns else config.without_concerns_days
    if run and len(run) >= needed:
        detail = (
            f"Not seen in school for {plural(len(run), 'school day')}, from "
            f"{run[0].day:%-d %b %Y} to {run[-1].day:%-d %b %Y}"
        )
        severity = Severity.REVIEW
        if concerns:
            detail += f", with {plural(len(concerns), 'concern')} {span(concerns)}"
            if len(run) >= config.without_concerns_days or any(d.unexplained for d in run):
                severity = Severity.REVIEW_NOW
        evidence = [attendance_ref(facts.pupil_id, d.day) for d in run]
        evidence.extend(map(concern_ref, concerns))
        raised.append(about_pupil(facts, severity, detail + ".", evidence))
    recent = _concerns_before(facts, as_of, config.concern_days)
    unseen = [
        h
        for h in facts.household_children
        if h.setting_kind == "none" and _unseen(h, as_of, config.household_unseen_days, recent)
    ]
    for child in unseen:
        seen = (
            "never recorded as seen by a professional"
            if child.last_seen_on is None
            else f"last seen by a professional on {child.last_seen_on:%-d %b %Y}"
        )
        detail = (
            f"A child of the household aged {age_on(child.date_of_birth, as_of)}, in no setting, "
            f"{seen}"
        )
        if recent:
            detail += f"; {plural(len(recent), 'concern')} about this child {span(recent)}"
        evidence = [
            EvidenceRef(on=local_date(child.recorded_at), kind="household_child", id=child.id),
            *map(concern_ref, recent),
        ]
        severity = Severity.REVIEW if recent else Severity.CONSIDER
        raised.append(about_pupil(facts, severity, detail + ".", evidence))
    return raised
