"""Reads for the safeguarding team: what is overdue for its inbox (settings.CONCERNS_INBOX_PANELS:
escalation stages, answers from other agencies, children not back from an agreed absence) and
meeting time for the team-capacity view in analytics.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Count, OuterRef, Q, Sum
from django.utils import timezone

from casework.access import visible
from casework.models import (
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    EscalationStage,
    Meeting,
    ResponseKind,
)
from pupils.models import Pupil
from schools.models import Membership

# --- The safeguarding team's inbox (settings.CONCERNS_INBOX_PANELS) ------------------------------


@dataclass(frozen=True, slots=True)
class Overdue:
    pupil: Pupil
    what: str
    due_on: date


def overdue_for(*, viewer: Membership) -> list[Overdue]:
    """Escalation stages past their due date with no outcome; answers expected and not come;
    children not back from an agreed absence when expected. Oldest first."""
    if not viewer.is_dsl_team or viewer.school_id is None:
        return []
    today = timezone.localdate()
    rows: list[Overdue] = []
    stages = (
        visible(EscalationStage, viewer=viewer, school_field="escalation__school")
        .filter(outcome__isnull=True, due_on__lt=today)
        .select_related("escalation__pupil")
    )
    for stage in stages:
        rows.append(
            Overdue(stage.escalation.pupil, f"Escalation, {stage.name.lower()} stage", stage.due_on)
        )
    latest = AgencyResponse.objects.filter(contact=OuterRef("pk")).order_by(
        "-received_on", "-recorded_at"
    )
    contacts = (
        visible(AgencyContact, viewer=viewer)
        .annotate(
            last_kind=latest.values("kind")[:1],
            last_expected=latest.values("answer_expected_by")[:1],
        )
        .filter(
            Q(last_kind=ResponseKind.NO_ANSWER, last_expected__lt=today)
            | Q(last_kind__isnull=True, answer_expected_by__lt=today)
        )
        .select_related("pupil")
    )
    for contact in contacts:
        due = getattr(contact, "last_expected", None) or contact.answer_expected_by
        if due is not None:
            rows.append(Overdue(contact.pupil, f"Answer from {contact.agency_label}", due))
    absences = (
        visible(AgreedAbsence, viewer=viewer)
        .filter(returned__isnull=True, expected_back_on__lt=today)
        .filter(
            pupil__enrolments__school_id=viewer.school_id, pupil__enrolments__end_date__isnull=True
        )
        .select_related("pupil")
        .distinct()
    )
    for absence in absences:
        rows.append(Overdue(absence.pupil, "Not back when expected", absence.expected_back_on))
    rows.sort(key=lambda r: r.due_on)
    return rows


# --- The team-capacity view (analytics) ---------------------------------------------------------


def meeting_time(*, school_ids: list[UUID], start: date, end: date) -> dict[UUID, tuple[int, int]]:
    """For each school: multi-agency meetings held from `start` to `end`, and the safeguarding
    team's minutes on them (preparation and the meeting)."""
    rows = (
        Meeting.objects.filter(school_id__in=school_ids, held_on__gte=start, held_on__lte=end)
        .values("school_id")
        .annotate(n=Count("id"), prep=Sum("preparation_minutes"), held=Sum("meeting_minutes"))
    )
    return {r["school_id"]: (r["n"], (r["prep"] or 0) + (r["held"] or 0)) for r in rows}
