"""Small helpers the detectors share. Pure functions over facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from patterns.facts import (
    SCHOOL_TZ,
    ActionFact,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    EngagementFact,
    Part,
    PupilFacts,
    VoiceFact,
    at_nine,
)
from patterns.registry import EvidenceRef, Raised, Severity, SubjectKind

# The words used for a default that the domain reference does not give a number for.
CAIRN_DEFAULT = "Cairn default; the domain reference gives no number, so the DSL sets it"


def local_date(moment: datetime) -> date:
    """The date at the school (Europe/London) of an aware datetime."""
    return moment.astimezone(SCHOOL_TZ).date()


def since(as_of: date, days: int) -> date:
    """The first day of a window of `days` days ending on `as_of` (inclusive)."""
    return as_of - timedelta(days=days - 1) if days > 0 else as_of + timedelta(days=1)


def own(concerns: Iterable[ConcernFact]) -> list[ConcernFact]:
    """The concerns this school recorded: not those in a file received from another school."""
    return [c for c in concerns if not c.transferred_from]


def about_child(pupil: PupilFacts, *, transferred: bool = False) -> list[ConcernFact]:
    """Concerns in which this child is the subject (not a witness or another child involved).
    Only this school's own, unless `transferred`: then also those in a child protection file
    received from the child's previous school (a detector that counts them says so in its
    docstring and its words)."""
    return [
        c
        for c in pupil.concerns
        if c.part is Part.SUBJECT and (transferred or not c.transferred_from)
    ]


def showing(
    concerns: Iterable[ConcernFact], indicators: frozenset[str], start: date
) -> list[ConcernFact]:
    """Concerns on or after `start` that show any of `indicators`, oldest first."""
    return sorted(
        (c for c in concerns if c.indicators & indicators and local_date(c.occurred_at) >= start),
        key=lambda c: (c.occurred_at, c.id),
    )


# The evidence kind of a record received in another school's file: the finding page leads to
# its entry on the child's chronology (settings.PATTERN_EVIDENCE_SOURCES).
TRANSFERRED = "transferred"


def concern_ref(concern: ConcernFact) -> EvidenceRef:
    kind = TRANSFERRED if concern.transferred_from else concern.record_kind
    return EvidenceRef(on=local_date(concern.occurred_at), kind=kind, id=concern.id)


def decision_ref(decision: DecisionFact) -> EvidenceRef:
    kind = TRANSFERRED if decision.transferred_from else "decision"
    return EvidenceRef(on=local_date(decision.decided_at), kind=kind, id=decision.id)


def transferred(records: Iterable[ConcernFact | DecisionFact], word: str) -> str:
    """'2 concerns transferred from Northfield Primary' for the records given that came in
    another school's file (one phrase per school, joined by 'and'); '' when none did."""
    schools = Counter(r.transferred_from for r in records if r.transferred_from)
    return " and ".join(
        f"{plural(count, word)} transferred from {school}"
        for school, count in sorted(schools.items())
    )


def action_ref(action: ActionFact) -> EvidenceRef:
    return EvidenceRef(on=local_date(action.created_at), kind="action", id=action.id)


def voice_ref(entry: VoiceFact) -> EvidenceRef:
    return EvidenceRef(on=local_date(entry.heard_at), kind="voice", id=entry.id)


def cadence_ref(cadence: CadenceFact) -> EvidenceRef:
    return EvidenceRef(on=cadence.effective_from, kind="cadence", id=cadence.id)


def attendance_ref(pupil_id: str, day: date) -> EvidenceRef:
    return EvidenceRef(on=day, kind="attendance", id=f"{pupil_id}:{day.isoformat()}")


def span(concerns: list[ConcernFact]) -> str:
    """'between 3 Mar 2025 and 24 Mar 2025' for the concerns given (oldest first)."""
    first, last = local_date(concerns[0].occurred_at), local_date(concerns[-1].occurred_at)
    if first == last:
        return f"on {first:%-d %b %Y}"
    return f"between {first:%-d %b %Y} and {last:%-d %b %Y}"


def about_pupil(
    pupil: PupilFacts, severity: Severity, detail: str, evidence: Iterable[EvidenceRef]
) -> Raised:
    return Raised(
        subject_kind=SubjectKind.PUPIL,
        subject_id=pupil.pupil_id,
        severity=severity,
        detail=detail,
        evidence=tuple(sorted(set(evidence))),
    )


def age_on(born: date, on: date) -> int:
    """Age in whole years on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def plural(count: int, word: str) -> str:
    """'1 concern', '2 concerns'; '2 injuries' (a consonant and y)."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"


def engagement_ref(event: EngagementFact) -> EvidenceRef:
    return EvidenceRef(on=event.occurred_on, kind="engagement", id=event.id)


# Engagement kinds that are an appointment the child was not brought to.
NOT_BROUGHT = frozenset({"missed", "cancelled"})


def health_appointments_missed(facts: PupilFacts) -> list[ConcernFact]:
    """Health appointments the parents missed or cancelled (the casework engagement record), as
    signs of neglect like a concern under 'missed medical appointments': "was not brought"
    (neglect-indicators.md §2 [V phrase, CG89])."""
    return [
        ConcernFact(
            id=event.id,
            pupil_id=facts.pupil_id,
            occurred_at=at_nine(event.occurred_on),
            recorded_at=event.recorded_at,
            author_id="engagement",
            categories=frozenset({"missed_appointments"}),
            indicators=frozenset({"neglect", "missed_appointments"}),
            record_kind="engagement",
        )
        for event in facts.engagement
        if event.kind in NOT_BROUGHT and event.appointment_kind == "health"
    ]


def neglect_records(facts: PupilFacts, *, transferred: bool = False) -> list[ConcernFact]:
    """The child's own concerns and the health appointments they were not brought to; with
    `transferred`, also the concerns in a file received from the child's previous school."""
    return [*about_child(facts, transferred=transferred), *health_appointments_missed(facts)]


def seen_days(facts: PupilFacts) -> set[date]:
    """Days a professional saw the child: the register has them in school for a session, or
    someone recorded the child's own words (a check-in, or words in a concern)."""
    days = {d.day for d in facts.attendance if d.attended > 0}
    days.update(local_date(v.heard_at) for v in facts.voice)
    days.update(local_date(c.occurred_at) for c in about_child(facts) if c.child_words.strip())
    return days


def unseen_run(facts: PupilFacts, as_of: date, stale_days: int) -> list[AttendanceDayFact]:
    """The school days, up to the latest register, on which nobody saw the child (oldest first).
    Empty when the latest register is more than `stale_days` before `as_of` (the register
    stopped: the child left, or marks are not yet in) or the child was seen on the latest day."""
    school = [d for d in facts.attendance if d.possible > 0]
    if not school:
        return []
    latest = max(school, key=lambda d: d.day)
    if latest.attended > 0 or (as_of - latest.day).days > stale_days:
        return []  # in school on the latest register day (most children), or no current register
    school_days = sorted(school, key=lambda d: d.day)
    seen = seen_days(facts)
    after = [d for d in seen if d > school_days[-1].day]
    if after:
        return []
    run: list[AttendanceDayFact] = []
    for day in reversed(school_days):
        if day.day in seen:
            break
        run.append(day)
    return run[::-1]
