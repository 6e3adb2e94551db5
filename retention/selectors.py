"""Reading retention: a child's retention date and state, the review queue, what falls due."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery

from pupils.models import Enrolment, Pupil
from retention.models import (
    DestructionRequest,
    DestructionStatus,
    RetentionPolicy,
    RetentionReview,
    ReviewKind,
)
from schools.models import School

RULE_SOURCE = "IRMS Information Management Toolkit for Schools"


def retention_years(school_id: UUID | None) -> int:
    """The school's period in years after the date of birth (CAIRN_RETENTION_YEARS unless set)."""
    if school_id is not None:
        policy = RetentionPolicy.objects.filter(school_id=school_id).first()
        if policy is not None:
            return policy.years_after_birth
    return int(settings.CAIRN_RETENTION_YEARS)


def rule_text(years: int) -> str:
    return f"{years} years after the child's date of birth, then review ({RULE_SOURCE})"


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def responsible_school_id(pupil: Pupil) -> UUID | None:
    """The school that holds the child's file: the school of the latest enrolment. A child who
    moved to another school in Cairn is that school's; one who left Cairn stays with the last."""
    latest = pupil.enrolments.order_by("-start_date", "-id").values_list("school_id", flat=True)
    return latest.first()


@dataclass
class RetentionState:
    pupil: Pupil
    school_id: UUID | None
    years: int
    retention_date: date
    review_from: date
    held: bool
    reviews: list[RetentionReview] = field(default_factory=list)
    proposal: DestructionRequest | None = None

    @property
    def rule(self) -> str:
        return rule_text(self.years)

    def reached(self, today: date) -> bool:
        return self.review_from <= today

    @property
    def latest_hold(self) -> RetentionReview | None:
        holds = [r for r in self.reviews if r.kind == ReviewKind.HOLD]
        return holds[-1] if self.held and holds else None

    @property
    def status_now(self) -> str:
        from django.utils import timezone

        return self.status(timezone.localdate())

    def status(self, today: date) -> str:
        if self.held:
            return "On legal hold"
        if self.proposal is not None:
            return "Destruction waiting for the headteacher"
        if not self.reached(today):
            return "Not yet due"
        return "Due for review"


def retention_state(pupil: Pupil, *, school_id: UUID | None = None) -> RetentionState:
    school_id = school_id or responsible_school_id(pupil)
    years = retention_years(school_id)
    due = years_after(pupil.date_of_birth, years)
    reviews = list(RetentionReview.objects.filter(pupil=pupil).select_related("decided_by__user"))
    review_from, held = due, False
    for review in reviews:
        if review.kind == ReviewKind.KEEP and review.keep_until:
            review_from = max(review_from, review.keep_until)
        elif review.kind == ReviewKind.HOLD:
            held = True
        elif review.kind == ReviewKind.RELEASE:
            held = False
    proposal = (
        DestructionRequest.objects.filter(pupil=pupil, status=DestructionStatus.PROPOSED)
        .select_related("proposed_by__user")
        .first()
    )
    return RetentionState(pupil, school_id, years, due, review_from, held, reviews, proposal)


def _candidates(*, school: School | None, before: date) -> list[Pupil]:
    """Children whose record may be due by `before` at `school` (every school: None): born early
    enough for the shortest period in force, or with a decision already recorded."""
    periods = RetentionPolicy.objects.values_list("years_after_birth", flat=True)
    shortest = min([int(settings.CAIRN_RETENTION_YEARS), *periods])
    born_by = years_after(before, -shortest)
    latest_school = Subquery(
        Enrolment.objects.filter(pupil=OuterRef("pk"))
        .order_by("-start_date", "-id")
        .values("school_id")[:1]
    )
    pupils = Pupil.objects.annotate(holder=latest_school).filter(
        Q(date_of_birth__lte=born_by)
        | Q(retention_reviews__isnull=False)
        | Q(destruction_requests__status=DestructionStatus.PROPOSED)
    )
    if school is not None:
        pupils = pupils.filter(holder=school.pk)
    return list(pupils.distinct().order_by("date_of_birth", "legal_surname"))


@dataclass(frozen=True)
class Queue:
    waiting: list[RetentionState]
    due: list[RetentionState]
    held: list[RetentionState]

    @property
    def count(self) -> int:
        return len(self.waiting) + len(self.due) + len(self.held)


def review_queue(*, school: School, today: date) -> Queue:
    """The school's reached records: destruction waiting for the headteacher, records due for a
    decision, and records on legal hold (whatever their date)."""
    waiting, due, held = [], [], []
    for pupil in _candidates(school=school, before=today):
        state = retention_state(pupil, school_id=school.pk)
        if state.held:
            held.append(state)
        elif state.proposal is not None:
            waiting.append(state)
        elif state.reached(today):
            due.append(state)
    return Queue(waiting, due, held)


def falling_due(*, today: date, days: int = 365) -> list[RetentionState]:
    """Every school's records reaching review within `days` of `today` (or already reached and
    not yet decided), earliest first."""
    horizon = today + timedelta(days=days)
    found = []
    for pupil in _candidates(school=None, before=horizon):
        state = retention_state(pupil)
        if state.review_from <= horizon and not state.held:
            found.append(state)
    return sorted(found, key=lambda s: (s.review_from, str(s.school_id)))
