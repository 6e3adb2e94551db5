"""Casework on the chronology (sources listed in settings.CHRONOLOGY_SOURCES).

Each record appears on the day it happened, with when it was written; only what
`casework.access.visible` lets the viewer read. Notes about the child's day are entries of their
own kind ("Note"), never counted as concerns.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.urls import reverse
from django.utils import timezone

from casework.access import visible
from casework.models import (
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    DayNote,
    EngagementEvent,
    EscalationOutcome,
    EscalationStage,
    Leaving,
    Meeting,
    Plan,
    PlanEnding,
)
from schools.models import Membership
from sources.chronology import Entry, Window

_SUMMARY_CHARS = 400


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 1] + "…"


def _at(day: date) -> datetime:
    """A date without a time, placed at the start of the school day (as attendance does)."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _dated(rows: Any, field: str, window: Window) -> Any:
    if window.start is not None:
        rows = rows.filter(**{f"{field}__gte": window.start})
    if window.end is not None:
        rows = rows.filter(**{f"{field}__lte": window.end})
    return rows


def _url(pupil_id: UUID, anchor: str = "") -> str:
    return reverse("casework:pupil", args=[pupil_id]) + (f"#{anchor}" if anchor else "")


def _name(membership: Membership) -> str:
    return str(membership.user.full_name)


def contact_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """ "Contact with <agency>: <purpose>" and each answer with whether the school agrees."""
    contacts = visible(AgencyContact, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for contact in _dated(contacts, "contacted_on", window).select_related("recorded_by__user"):
        yield Entry(
            kind="agency_contact",
            kind_label="Contact with another agency",
            source_id=str(contact.pk),
            pupil_id=contact.pupil_id,
            occurred_at=_at(contact.contacted_on),
            recorded_at=contact.recorded_at,
            title=f"{contact.get_purpose_display()} to {contact.agency_label}",
            summary=_clip(contact.summary),
            author=_name(contact.recorded_by),
            url=_url(contact.pupil_id, f"contact-{contact.pk}"),
            significant=contact.purpose == "referral",
        )
    responses = visible(AgencyResponse, viewer=viewer, school_field="contact__school").filter(
        contact__pupil_id__in=list(pupil_ids)
    )
    for response in _dated(responses, "received_on", window).select_related(
        "contact", "recorded_by__user"
    ):
        contact = response.contact
        agrees = {True: " The school agrees.", False: " The school does not agree.", None: ""}
        yield Entry(
            kind="agency_response",
            kind_label="Answer from another agency",
            source_id=str(response.pk),
            pupil_id=contact.pupil_id,
            occurred_at=_at(response.received_on),
            recorded_at=response.recorded_at,
            title=f"{contact.agency_label}: {response.get_kind_display().lower()}",
            summary=_clip(
                f"{response.details}{agrees[response.school_agrees]} {response.agreement_reason}"
            ),
            author=_name(response.recorded_by),
            url=_url(contact.pupil_id, f"contact-{contact.pk}"),
            significant=response.school_agrees is False,
        )


def plan_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """A plan's start, and its end with the reason."""
    plans = visible(Plan, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for plan in _dated(plans, "started_on", window).select_related("recorded_by__user"):
        yield Entry(
            kind="plan",
            kind_label="Plan",
            source_id=str(plan.pk),
            pupil_id=plan.pupil_id,
            occurred_at=_at(plan.started_on),
            recorded_at=plan.recorded_at,
            title=f"{plan.label} started",
            summary=_clip(" ".join(x for x in (plan.local_authority, plan.note) if x)),
            author=_name(plan.recorded_by),
            url=_url(plan.pupil_id, "plans"),
            significant=True,
            categories=(plan.cp_category,) if plan.cp_category else (),
        )
    endings = visible(PlanEnding, viewer=viewer, school_field="plan__school").filter(
        plan__pupil_id__in=list(pupil_ids)
    )
    for ending in _dated(endings, "ended_on", window).select_related("plan", "recorded_by__user"):
        yield Entry(
            kind="plan",
            kind_label="Plan",
            source_id=f"{ending.plan_id}:ended",
            pupil_id=ending.plan.pupil_id,
            occurred_at=_at(ending.ended_on),
            recorded_at=ending.recorded_at,
            title=f"{ending.plan.label} ended: {ending.get_reason_display().lower()}",
            summary=_clip(ending.note),
            author=_name(ending.recorded_by),
            url=_url(ending.plan.pupil_id, "plans"),
        )


def meeting_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    meetings = visible(Meeting, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for meeting in _dated(meetings, "held_on", window).select_related("recorded_by__user"):
        yield Entry(
            kind="meeting",
            kind_label="Multi-agency meeting",
            source_id=str(meeting.pk),
            pupil_id=meeting.pupil_id,
            occurred_at=_at(meeting.held_on),
            recorded_at=meeting.recorded_at,
            title=meeting.get_kind_display(),
            summary=_clip(f"Decided: {meeting.decisions}"),
            author=_name(meeting.recorded_by),
            url=_url(meeting.pupil_id, f"meeting-{meeting.pk}"),
            significant=True,
        )


def escalation_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Each stage of an escalation as it opened, and each stage's outcome."""
    stages = visible(EscalationStage, viewer=viewer, school_field="escalation__school").filter(
        escalation__pupil_id__in=list(pupil_ids)
    )
    for stage in _dated(stages, "started_on", window).select_related(
        "escalation", "recorded_by__user"
    ):
        escalation = stage.escalation
        summary = escalation.reason if stage.position == 1 else stage.what_was_said
        yield Entry(
            kind="escalation",
            kind_label="Escalation",
            source_id=str(stage.pk),
            pupil_id=escalation.pupil_id,
            occurred_at=_at(stage.started_on),
            recorded_at=stage.recorded_at,
            title=f"{stage.name} stage opened, due {stage.due_on:%-d %b %Y}",
            summary=_clip(summary),
            author=_name(stage.recorded_by),
            url=_url(escalation.pupil_id, f"escalation-{escalation.pk}"),
            significant=True,
        )
    outcomes = visible(
        EscalationOutcome, viewer=viewer, school_field="stage__escalation__school"
    ).filter(stage__escalation__pupil_id__in=list(pupil_ids))
    for outcome in _dated(outcomes, "decided_on", window).select_related(
        "stage__escalation", "recorded_by__user"
    ):
        escalation = outcome.stage.escalation
        yield Entry(
            kind="escalation",
            kind_label="Escalation",
            source_id=f"{outcome.stage_id}:outcome",
            pupil_id=escalation.pupil_id,
            occurred_at=_at(outcome.decided_on),
            recorded_at=outcome.recorded_at,
            title=f"{outcome.stage.name} stage: {outcome.get_kind_display().lower()}",
            summary=_clip(outcome.what_was_said),
            author=_name(outcome.recorded_by),
            url=_url(escalation.pupil_id, f"escalation-{escalation.pk}"),
        )


def roll_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterator[Entry]:
    """Leaving the roll; an agreed absence and the day the child came back."""
    leavings = visible(Leaving, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for leaving in _dated(leavings, "left_on", window).select_related("recorded_by__user"):
        where = f" to {leaving.destination}" if leaving.destination else ""
        yield Entry(
            kind="roll",
            kind_label="Roll",
            source_id=str(leaving.pk),
            pupil_id=leaving.pupil_id,
            occurred_at=_at(leaving.left_on),
            recorded_at=leaving.recorded_at,
            title=f"Left the school's roll: {leaving.get_reason_display().lower()}{where}",
            summary=_clip(leaving.note),
            author=_name(leaving.recorded_by),
            url=_url(leaving.pupil_id, "roll"),
            significant=True,
        )
    absences = visible(AgreedAbsence, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for absence in _dated(absences, "starts_on", window).select_related(
        "recorded_by__user", "returned"
    ):
        back = absence.return_or_none
        status = (
            f"back {back.returned_on:%-d %b %Y}"
            if back
            else f"expected back {absence.expected_back_on:%-d %b %Y}"
        )
        yield Entry(
            kind="roll",
            kind_label="Roll",
            source_id=str(absence.pk),
            pupil_id=absence.pupil_id,
            occurred_at=_at(absence.starts_on),
            recorded_at=absence.recorded_at,
            title=f"Agreed absence ({status})",
            summary=_clip(absence.reason),
            author=_name(absence.recorded_by),
            url=_url(absence.pupil_id, "roll"),
        )


def engagement_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    events = visible(EngagementEvent, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for event in _dated(events, "occurred_on", window).select_related("recorded_by__user"):
        extra = ""
        if event.appointment_kind:
            extra = f" ({event.get_appointment_kind_display().lower()})"
        if event.explained_event:
            extra = (
                f" ({event.get_explained_event_display().lower()}; "
                f"{event.get_checked_display().lower()})"
            )
        yield Entry(
            kind="engagement",
            kind_label="Parents' engagement",
            source_id=str(event.pk),
            pupil_id=event.pupil_id,
            occurred_at=_at(event.occurred_on),
            recorded_at=event.recorded_at,
            title=f"{event.adult}: {event.get_kind_display().lower()}{extra}",
            summary=_clip(event.details),
            author=_name(event.recorded_by),
            url=_url(event.pupil_id, "engagement"),
        )


def note_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    notes = visible(DayNote, viewer=viewer).filter(pupil_id__in=list(pupil_ids))
    for note in _dated(notes, "noted_on", window).select_related("recorded_by__user"):
        yield Entry(
            kind="day_note",
            kind_label="Note (not a concern)",
            source_id=str(note.pk),
            pupil_id=note.pupil_id,
            occurred_at=_at(note.noted_on),
            recorded_at=note.recorded_at,
            title=f"{note.get_tone_display()}: {_clip(note.text)[:80]}",
            summary=_clip(note.text),
            author=_name(note.recorded_by),
            url=_url(note.pupil_id, "notes"),
        )
