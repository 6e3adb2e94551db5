"""Small helpers the detectors share. Pure functions over facts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from patterns.facts import (
    SCHOOL_TZ,
    ActionFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    Part,
    PupilFacts,
    VoiceFact,
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


def about_child(pupil: PupilFacts) -> list[ConcernFact]:
    """Concerns in which this child is the subject (not a witness or another child involved)."""
    return [c for c in pupil.concerns if c.part is Part.SUBJECT]


def showing(
    concerns: Iterable[ConcernFact], indicators: frozenset[str], start: date
) -> list[ConcernFact]:
    """Concerns on or after `start` that show any of `indicators`, oldest first."""
    return sorted(
        (c for c in concerns if c.indicators & indicators and local_date(c.occurred_at) >= start),
        key=lambda c: (c.occurred_at, c.id),
    )


def concern_ref(concern: ConcernFact) -> EvidenceRef:
    return EvidenceRef(on=local_date(concern.occurred_at), kind=concern.record_kind, id=concern.id)


def decision_ref(decision: DecisionFact) -> EvidenceRef:
    return EvidenceRef(on=local_date(decision.decided_at), kind="decision", id=decision.id)


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
