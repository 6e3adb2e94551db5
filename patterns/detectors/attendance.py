"""Detectors about attendance: absence alongside welfare concerns, unexplained runs, leaving the
roll while records are open. Measures follow attendance.md §3 (integer comparisons, no floats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patterns.detectors._common import (
    CAIRN_DEFAULT,
    about_child,
    about_pupil,
    attendance_ref,
    concern_ref,
    decision_ref,
    local_date,
    plural,
    showing,
    since,
    span,
)
from patterns.facts import AttendanceDayFact, ConcernFact, DecisionFact, LeavingReason, PupilFacts
from patterns.indicators import group
from patterns.registry import EvidenceRef, Raised, Severity, detector, setting


def _absent(day: AttendanceDayFact) -> int:
    return day.authorised + day.unauthorised


def _is_persistent(days: list[AttendanceDayFact], percent: int) -> bool:
    """Missing at least `percent`% of possible sessions: 100 * absent >= percent * possible
    (attendance.md §3: persistent iff 10 * absent >= possible, with possible > 0)."""
    possible = sum(d.possible for d in days)
    absent = sum(_absent(d) for d in days)
    return possible > 0 and 100 * absent >= percent * possible


def _attendance_rate(days: list[AttendanceDayFact]) -> tuple[int, int]:
    return sum(d.attended for d in days), sum(d.possible for d in days)


@dataclass(frozen=True)
class AttendanceWithWelfareSettings:
    concern_window_days: int = setting(
        90, doc="How far back welfare concerns count.", source=CAIRN_DEFAULT
    )
    period_days: int = setting(
        28,
        doc="The recent period whose attendance is measured (calendar days).",
        source=CAIRN_DEFAULT,
    )
    baseline_days: int = setting(
        91,
        doc="The period before it that is the child's own baseline (calendar days).",
        source="attendance.md §6 'sudden drop against the pupil's own baseline'; " + CAIRN_DEFAULT,
    )
    min_possible: int = setting(
        10, doc="Fewest possible sessions in a period before it is measured.", source=CAIRN_DEFAULT
    )
    persistent_percent: int = setting(
        10,
        doc="Absence at or above this percentage of possible sessions is persistent absence.",
        source="attendance.md §3 'Persistent absence' ≥ 10% [V EES absence methodology]",
    )
    drop_points: int = setting(
        10,
        doc="A fall of this many percentage points against the baseline counts as falling.",
        source="attendance.md §6 (candidate detector); " + CAIRN_DEFAULT,
    )
    indicators: frozenset[str] = setting(
        group("welfare"),
        doc="Indicators that count as a welfare concern.",
        source="patterns/data/indicators.json group 'welfare'",
    )


@detector(slug="attendance-with-welfare", version=1, settings=AttendanceWithWelfareSettings)
def attendance_with_welfare(
    facts: PupilFacts, *, as_of: date, config: AttendanceWithWelfareSettings
) -> list[Raised]:
    """Attendance falling or persistently low, or unexplained absence, alongside welfare concerns.

    Why: attendance can indicate neglect or abuse rather than a compliance issue
    (national-reviews.md §4-§5 [V SecEd; V Norfolk SCR key themes]); registers are "a key
    safeguarding indicator" and unexplained or persistent absence can be a sign of risk
    (attendance.md §4 [U wording] and §6 [P]).

    Evidence: the welfare concerns and the school days with absence in the recent period.

    Does not mean: that the absence is caused by harm. It asks the DSL to read the register and the
    concerns side by side.
    """
    concerns = showing(
        about_child(facts), config.indicators, since(as_of, config.concern_window_days)
    )
    if not concerns:
        return []
    period_start = since(as_of, config.period_days)
    baseline_start = period_start - timedelta(days=config.baseline_days)
    recent = [d for d in facts.attendance if d.day >= period_start and d.possible > 0]
    baseline = [
        d for d in facts.attendance if baseline_start <= d.day < period_start and d.possible > 0
    ]
    first_concern = local_date(concerns[0].occurred_at)
    unexplained = sorted(
        (d for d in facts.attendance if d.unexplained > 0 and d.day >= first_concern),
        key=lambda d: d.day,
    )
    reasons: list[str] = []
    attended, possible = _attendance_rate(recent)
    measurable = possible >= config.min_possible
    if measurable and _is_persistent(recent, config.persistent_percent):
        reasons.append(
            f"attended {attended} of {possible} sessions in the last {config.period_days} days"
        )
    base_attended, base_possible = _attendance_rate(baseline)
    if (
        measurable
        and base_possible >= config.min_possible
        and 100 * attended * base_possible
        <= (100 * base_attended - config.drop_points * base_possible) * possible
    ):
        reasons.append(
            f"attendance fell from {base_attended} of {base_possible} sessions to "
            f"{attended} of {possible}"
        )
    if unexplained:
        reasons.append(
            f"{plural(len(unexplained), 'day')} of unexplained absence since the first concern"
        )
    if not reasons:
        return []
    absent_days = {d.day for d in recent if _absent(d) > 0} | {d.day for d in unexplained}
    detail = (
        f"{plural(len(concerns), 'welfare concern')} {span(concerns)}; " + "; ".join(reasons) + "."
    )
    evidence = [
        *(concern_ref(c) for c in concerns),
        *(attendance_ref(facts.pupil_id, day) for day in absent_days),
    ]
    return [about_pupil(facts, Severity.REVIEW, detail, evidence)]


@dataclass(frozen=True)
class UnexplainedRunSettings:
    run_days: int = setting(
        10,
        doc="How many consecutive school days of unexplained absence make a run.",
        source="attendance.md §4: absent without permission for 10 continuous school days → "
        "notify the LA [V 2006 regs; U unchanged under 2024 regs]; §6 default 10",
    )


def _current_run(days: list[AttendanceDayFact]) -> list[AttendanceDayFact]:
    run: list[AttendanceDayFact] = []
    for day in sorted((d for d in days if d.possible > 0), key=lambda d: d.day, reverse=True):
        if day.unexplained < day.possible:
            break
        run.append(day)
    return run[::-1]


@detector(slug="unexplained-absence-run", version=1, settings=UnexplainedRunSettings)
def unexplained_absence_run(
    facts: PupilFacts, *, as_of: date, config: UnexplainedRunSettings
) -> list[Raised]:
    """A run of school days absent with no reason known, up to the latest register.

    Why: a pupil absent without permission for 10 continuous school days must be notified to the
    local authority (attendance.md §4 [V 2006 regulations; U unchanged in 2024]); going missing from
    education is an early-help indicator (records-and-access.md §4.3 [V]; attendance.md §4).

    Evidence: the school days in the run, each with every session unexplained (codes N or O).

    Does not mean: that the child is missing or harmed. It asks the DSL to establish where the child
    is and whether the local authority must be told.
    """
    run = _current_run([d for d in facts.attendance if d.day <= as_of])
    if not run or len(run) < config.run_days:
        return []
    detail = (
        f"{plural(len(run), 'school day')} in a row with no reason known for the absence, "
        f"from {run[0].day:%-d %b %Y} to {run[-1].day:%-d %b %Y}."
    )
    evidence = [attendance_ref(facts.pupil_id, d.day) for d in run]
    return [about_pupil(facts, Severity.REVIEW_NOW, detail, evidence)]


@dataclass(frozen=True)
class LeftRollSettings:
    reasons: frozenset[str] = setting(
        frozenset(
            {
                LeavingReason.MOVED_AWAY.value,
                LeavingReason.ELECTIVE_HOME_EDUCATION.value,
                LeavingReason.CHILD_MISSING_EDUCATION.value,
            }
        ),
        doc="Leaving reasons that prompt a check (pupils.EnrolmentEndReason values).",
        source="issue 8 (moving away, elective home education); records-and-access.md §7 "
        "(destination unknown: Children Missing Education procedures [P egfl])",
    )
    recent_days: int = setting(
        60, doc="How long after the leaving date the prompt stays current.", source=CAIRN_DEFAULT
    )
    lookback_days: int = setting(
        365,
        doc="How far back an unanswered concern counts as an open record.",
        source=CAIRN_DEFAULT,
    )


def _open_records(
    facts: PupilFacts, on: date, lookback_days: int
) -> tuple[list[DecisionFact], list[ConcernFact]]:
    """Cases whose latest decision by `on` left them open, and concerns with no decision yet."""
    latest: dict[str, DecisionFact] = {}
    for decision in sorted(facts.decisions, key=lambda d: (d.decided_at, d.id)):
        if local_date(decision.decided_at) <= on:
            latest[decision.case_id] = decision
    open_cases = [d for d in latest.values() if not d.closes_case]
    answered = {cid for d in facts.decisions for cid in d.concern_ids}
    unanswered = [
        c
        for c in about_child(facts)
        if c.id not in answered and since(on, lookback_days) <= local_date(c.occurred_at) <= on
    ]
    return open_cases, unanswered


@detector(slug="left-roll-while-open", version=1, settings=LeftRollSettings)
def left_roll_while_open(
    facts: PupilFacts, *, as_of: date, config: LeftRollSettings
) -> list[Raised]:
    """A child who has left the roll (moved away, elective home education, missing education) while
    safeguarding records about them were still open.

    Why: the CP file must follow the child within 5 days, with receipt confirmed, and a child whose
    destination is unknown goes to Children Missing Education procedures (records-and-access.md §7
    [V KCSIE; P egfl]); a deletion from the register is returned to the local authority
    (attendance.md §4 [V reg 13]).

    Evidence: the leaving, the open case's latest decision and any concern not yet decided on.

    Does not mean: that anything went wrong. It asks the DSL to make sure the records went with the
    child, or that the local authority knows.
    """
    raised: list[Raised] = []
    for period in facts.roll:
        if period.end_date is None or period.end_reason is None:
            continue
        if period.end_reason.value not in config.reasons:
            continue
        if period.end_date < since(as_of, config.recent_days):
            continue
        open_cases, unanswered = _open_records(facts, period.end_date, config.lookback_days)
        if not open_cases and not unanswered:
            continue
        detail = (
            f"Left the roll on {period.end_date:%-d %b %Y} "
            f"({period.end_reason.value.replace('_', ' ')}) "
            f"with {plural(len(open_cases), 'open case')} and "
            f"{plural(len(unanswered), 'concern')} not yet decided on."
        )
        evidence = [
            EvidenceRef(on=period.end_date, kind="enrolment", id=period.id),
            *(decision_ref(d) for d in open_cases),
            *(concern_ref(c) for c in unanswered),
        ]
        raised.append(about_pupil(facts, Severity.REVIEW_NOW, detail, evidence))
    return raised
