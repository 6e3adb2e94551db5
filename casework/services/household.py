"""Writes: the household's other children and when a professional last saw them; how the
parents engaged; notes about the child's day that are not concerns."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit import services as audit
from audit.models import AuditAction
from casework.models import (
    APPOINTMENT_KINDS,
    AppointmentKind,
    ChildSighting,
    DayNote,
    EngagementEvent,
    EngagementKind,
    ExplainedEvent,
    ExplanationChecked,
    HouseholdChild,
    NoteTone,
    SettingKind,
)
from casework.services._common import (
    Imported,
    choice,
    ever_on_roll,
    long_date,
    not_before,
    not_future,
    on_roll,
    optional,
    provenance,
    required,
    team_school,
)
from pupils.models import Pupil
from schools.models import Membership


@transaction.atomic
def household_child_record(
    *,
    actor: Membership,
    pupil: Pupil,
    name: str,
    date_of_birth: date,
    setting_kind: SettingKind | str,
    setting_name: str = "",
    note: str = "",
    seen_on: date | None = None,
    seen_by: str = "",
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> HouseholdChild:
    """Record a child of the household who is on no roll Cairn holds, and (where known) when
    and by whom they were last seen by a professional."""
    school_id = team_school(actor)
    ever_on_roll(pupil, school_id)
    name = required(name, "name", "Enter the child's name.", limit=200)
    not_future(date_of_birth, "date_of_birth", "The date of birth")
    kind = choice(SettingKind, setting_kind, "setting_kind", "Choose where the child is.")
    setting_name = optional(setting_name, "setting_name", limit=200)
    if kind != SettingKind.NONE and not setting_name:
        raise ValidationError({"setting_name": "Enter the name of the setting."})
    child = HouseholdChild.objects.create(
        school_id=school_id,
        pupil=pupil,
        name=name,
        date_of_birth=date_of_birth,
        setting_kind=kind,
        setting_name=setting_name if kind != SettingKind.NONE else "",
        note=optional(note, "note"),
        recorded_by=actor,
        **provenance(imported),
    )
    audit.record(
        actor=actor,
        action=AuditAction.HOUSEHOLD_CHILD_RECORDED,
        target=child,
        pupil_id=pupil.pk,
        request=request,
        details={"setting_kind": str(kind)},
    )
    if seen_on is not None or seen_by:
        sighting_record(
            actor=actor, child=child, seen_on=seen_on, seen_by=seen_by, imported=imported
        )
    return child


@transaction.atomic
def sighting_record(
    *,
    actor: Membership,
    child: HouseholdChild,
    seen_on: date | None,
    seen_by: str,
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> ChildSighting:
    """Record that a professional saw a household child on a date."""
    school_id = team_school(actor)
    if child.school_id != school_id:
        raise ValidationError("Only the school that recorded the child adds to their record.")
    if seen_on is None:
        raise ValidationError({"seen_on": "Enter the date the child was seen."})
    not_future(seen_on, "seen_on", "The date the child was seen")
    not_before(
        seen_on,
        child.date_of_birth,
        "seen_on",
        f"The child was born on {long_date(child.date_of_birth)}; they cannot be seen before.",
    )
    seen_by = required(seen_by, "seen_by", "Say who saw the child.", limit=200)
    sighting = ChildSighting.objects.create(
        child=child,
        seen_on=seen_on,
        seen_by=seen_by,
        recorded_by=actor,
        **provenance(imported, with_ref=False),
    )
    audit.record(
        actor=actor,
        action=AuditAction.HOUSEHOLD_CHILD_RECORDED,
        target=child,
        pupil_id=child.pupil_id,
        request=request,
        details={"seen_on": seen_on.isoformat()},
    )
    return sighting


@transaction.atomic
def engagement_record(
    *,
    actor: Membership,
    pupil: Pupil,
    kind: EngagementKind | str,
    occurred_on: date,
    adult: str,
    details: str,
    appointment_kind: AppointmentKind | str = "",
    explained_event: ExplainedEvent | str = "",
    checked: ExplanationChecked | str = "",
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> EngagementEvent:
    """Record how a parent or carer engaged. A missed or cancelled appointment says which kind
    of appointment; an explanation says what it explained and whether it was checked (an
    explanation that does not fit is an alerting feature: neglect-indicators.md §2 [U])."""
    school_id = team_school(actor)
    kind = choice(EngagementKind, kind, "kind", "Choose what happened.")
    not_future(occurred_on, "occurred_on", "The date")
    on_roll(pupil, school_id, occurred_on, "occurred_on")
    adult = required(adult, "adult", "Say which parent or carer.", limit=200)
    details = required(details, "details", "Say what happened.")
    if kind in APPOINTMENT_KINDS:
        appointment_kind = choice(
            AppointmentKind, appointment_kind, "appointment_kind", "Choose the appointment."
        )
    else:
        appointment_kind = ""
    if kind == EngagementKind.EXPLANATION:
        explained_event = choice(
            ExplainedEvent, explained_event, "explained_event", "Choose what was explained."
        )
        checked = choice(
            ExplanationChecked, checked, "checked", "Say whether the explanation was checked."
        )
    else:
        explained_event = checked = ""
    event = EngagementEvent.objects.create(
        school_id=school_id,
        pupil=pupil,
        kind=kind,
        occurred_on=occurred_on,
        adult=adult,
        appointment_kind=appointment_kind,
        explained_event=explained_event,
        checked=checked,
        details=details,
        recorded_by=actor,
        **provenance(imported),
    )
    audit.record(
        actor=actor,
        action=AuditAction.ENGAGEMENT_RECORDED,
        target=event,
        pupil_id=pupil.pk,
        request=request,
        details={"kind": str(kind), "on": occurred_on.isoformat()},
    )
    return event


@transaction.atomic
def day_note_record(
    *,
    actor: Membership,
    pupil: Pupil,
    noted_on: date,
    tone: NoteTone | str,
    text: str,
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> DayNote:
    """Record a dated observation of the child's day that is not a concern."""
    school_id = team_school(actor)
    tone = choice(NoteTone, tone, "tone", "Choose whether it was good or neutral.")
    not_future(noted_on, "noted_on", "The date")
    on_roll(pupil, school_id, noted_on, "noted_on")
    note = DayNote.objects.create(
        school_id=school_id,
        pupil=pupil,
        noted_on=noted_on,
        tone=tone,
        text=required(text, "text", "Write what you noticed."),
        recorded_by=actor,
        **provenance(imported),
    )
    audit.record(
        actor=actor,
        action=AuditAction.DAY_NOTE_RECORDED,
        target=note,
        pupil_id=pupil.pk,
        request=request,
        details={"tone": str(tone), "on": noted_on.isoformat()},
    )
    return note
