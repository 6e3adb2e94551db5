"""Terse builders for facts in pure tests (no database)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from patterns.facts import (
    AbsenceFact,
    ActionFact,
    ActionKind,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    ContactFact,
    DecisionFact,
    DecisionKind,
    EngagementFact,
    EscalationStageFact,
    HouseholdChildFact,
    HouseholdFactorFact,
    HouseholdFacts,
    LeavingFact,
    Part,
    PlanFact,
    PupilFacts,
    ResponseFact,
    VoiceFact,
)

TZ = ZoneInfo("Europe/London")


def d(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str, hour: int = 10) -> datetime:
    return datetime.combine(d(text), time(hour), TZ)


def pupil(**kwargs) -> PupilFacts:
    values = {
        "pupil_id": "p1",
        "upn": "A980200025001",
        "school_id": "s1",
        "date_of_birth": d("2016-05-17"),
    }
    values.update(kwargs)
    return PupilFacts(**values)


def concern(
    cid: str,
    day: str,
    *indicators: str,
    author: str = "a1",
    part: Part = Part.SUBJECT,
    recorded: str | None = None,
    explanation: bool | None = None,
    pupil_id: str = "p1",
    text: str = "",
    words: str = "",
    regions: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    kind: str = "concern",
) -> ConcernFact:
    return ConcernFact(
        id=cid,
        pupil_id=pupil_id,
        occurred_at=at(day),
        recorded_at=at(recorded or day, 16),
        author_id=author,
        part=part,
        indicators=frozenset(indicators),
        explanation_suitable=explanation,
        text=text,
        child_words=words,
        body_regions=frozenset(regions),
        themes=frozenset(themes),
        record_kind=kind,
    )


def decision(
    did: str,
    day: str,
    kind: DecisionKind,
    *,
    case: str = "k1",
    concerns: tuple[str, ...] = (),
    closes: bool = False,
    review: str | None = None,
    due: str | None = None,
    outcome: str | None = None,
    recorded: str | None = None,
) -> DecisionFact:
    return DecisionFact(
        id=did,
        pupil_id="p1",
        case_id=case,
        kind=kind,
        decided_at=at(day, 12),
        recorded_at=at(recorded or day, 13),
        concern_ids=frozenset(concerns),
        closes_case=closes,
        review_date=d(review) if review else None,
        outcome_due=d(due) if due else None,
        outcome_recorded_at=at(outcome, 11) if outcome else None,
    )


def action(
    aid: str, day: str, kind: ActionKind, *, concerns: tuple[str, ...] = (), summary: str = ""
) -> ActionFact:
    return ActionFact(
        id=aid,
        pupil_id="p1",
        kind=kind,
        created_at=at(day, 14),
        recorded_at=at(day, 14),
        summary=summary,
        concern_ids=frozenset(concerns),
    )


def days(first: str, last: str, **counts: int) -> tuple[AttendanceDayFact, ...]:
    """Weekday register summaries; `counts` as AttendanceDayFact fields (attended derived)."""
    result = []
    day = d(first)
    while day <= d(last):
        if day.weekday() < 5:
            absent = counts.get("authorised", 0) + counts.get("unauthorised", 0)
            result.append(
                AttendanceDayFact(
                    pupil_id="p1",
                    day=day,
                    recorded_at=datetime.combine(day, time(17), TZ),
                    possible=counts.get("possible", 2),
                    attended=counts.get("possible", 2) - absent,
                    authorised=counts.get("authorised", 0),
                    unauthorised=counts.get("unauthorised", 0),
                    unexplained=counts.get("unexplained", 0),
                    late=counts.get("late", 0),
                )
            )
        day += timedelta(days=1)
    return tuple(result)


def voice(vid: str, day: str, words: str = "", themes: tuple[str, ...] = ()) -> VoiceFact:
    return VoiceFact(
        id=vid,
        pupil_id="p1",
        heard_at=at(day),
        recorded_at=at(day),
        words=words,
        themes=frozenset(themes),
    )


def cadence(cid: str, start: str, days_: int | None, status: str = "cin") -> CadenceFact:
    return CadenceFact(
        id=cid,
        pupil_id="p1",
        effective_from=d(start),
        recorded_at=at(start, 8),
        days=days_,
        status=status,
    )


def factor(fid: str, day: str, indicator: str, household: str = "h1") -> HouseholdFactorFact:
    return HouseholdFactorFact(
        id=fid, household_id=household, indicator=indicator, noted_at=at(day), recorded_at=at(day)
    )


def household(*children: PupilFacts, factors=(), household_id: str = "h1") -> HouseholdFacts:
    return HouseholdFacts(household_id=household_id, children=children, factors=tuple(factors))


# ---- casework (issue 17) ----------------------------------------------------------------------


def contact(
    cid: str,
    day: str,
    *,
    agency: str = "social_care",
    purpose: str = "referral",
    decision: str | None = None,
    answer: str | None = None,
    answered: str | None = None,
    agrees: bool | None = None,
) -> ContactFact:
    responses: tuple[ResponseFact, ...] = ()
    if answer is not None:
        received = d(answered or day)
        responses = (ResponseFact(f"{cid}-r", answer, received, agrees, None, at(answered or day)),)
    return ContactFact(cid, "s1", agency, purpose, d(day), decision, None, at(day), responses)


def plan(pid: str, start: str, end: str | None = None, kind: str = "cp") -> PlanFact:
    return PlanFact(pid, kind, "NEG", d(start), d(end) if end else None, "", at(start))


def stage(sid: str, start: str, outcome: str | None = None, decided: str | None = None):
    return EscalationStageFact(
        sid, "x1", 1, "Practitioner", d(start), d(start) + timedelta(days=5), outcome,
        d(decided) if decided else None, at(start),
    )  # fmt: skip


def leaving(lid: str, day: str, reason: str = "ehe", open_concerns: int = 0) -> LeavingFact:
    return LeavingFact(lid, "s1", d(day), reason, open_concerns, at(day))


def absence(aid: str, start: str, back: str, returned: str | None = None) -> AbsenceFact:
    return AbsenceFact(aid, d(start), d(back), d(returned) if returned else None, at(start))


def household_child(
    hid: str, born: str, recorded: str, *, setting: str = "none", seen: str | None = None
) -> HouseholdChildFact:
    return HouseholdChildFact(hid, d(born), setting, d(seen) if seen else None, at(recorded))


def engagement(
    eid: str,
    day: str,
    kind: str,
    *,
    appointment: str = "",
    explained: str = "",
    checked: str = "",
    recorded: str | None = None,
) -> EngagementFact:
    return EngagementFact(eid, kind, d(day), appointment, explained, checked, at(recorded or day))
