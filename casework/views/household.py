"""Leaving the roll, agreed absences, the household's other children, engagement and notes."""

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from casework import forms as cf
from casework import services
from casework.access import (
    access_absence_to_close,
    access_household_child,
    access_pupil_to_record,
)
from casework.views._shape import RECORDERS, posted, record_form
from schools.http import CairnRequest, role_required


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def leaving(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.LeavingForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        left = services.leaving_record(
            actor=viewer,
            pupil=child,
            left_on=data["left_on"],
            reason=data["reason"],
            destination=data["destination"],
            note=data["note"],
            request=request,
        )
        return f"{child.display_name} left the roll on {left.left_on:%-d %B %Y}."

    return record_form(
        request,
        pupil=child,
        form=form,
        title="Record the child leaving the roll",
        save=save,
        anchor="roll",
        intro="This ends the child's place on the school's roll. If concerns are "
        "open, the page will remind you to transfer the child protection file and "
        "tell the local authority.",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def absence_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.AbsenceForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        services.absence_record(
            actor=viewer,
            pupil=child,
            starts_on=data["starts_on"],
            expected_back_on=data["expected_back_on"],
            reason=data["reason"],
            request=request,
        )
        return "Agreed absence recorded."

    return record_form(
        request, pupil=child, form=form, title="Record an agreed absence", save=save, anchor="roll"
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def absence_return(request: CairnRequest, absence_id: UUID) -> HttpResponse:
    viewer = request.membership
    absence = access_absence_to_close(viewer=viewer, absence_id=absence_id)
    form = cf.ReturnForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        services.absence_return_record(
            actor=viewer, absence=absence, returned_on=data["returned_on"], request=request
        )
        return "Return recorded."

    return record_form(
        request,
        pupil=absence.pupil,
        form=form,
        title="Record the child's return",
        save=save,
        anchor="roll",
        intro=f"Expected back {absence.expected_back_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def household_child_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.HouseholdChildForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        other = services.household_child_record(
            actor=viewer,
            pupil=child,
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            setting_kind=data["setting_kind"],
            setting_name=data["setting_name"],
            note=data["note"],
            seen_on=data["seen_on"],
            seen_by=data["seen_by"],
            request=request,
        )
        return f"{other.name} recorded."

    return record_form(
        request,
        pupil=child,
        form=form,
        title="Record another child in the household",
        save=save,
        anchor="household",
        intro="A child who lives with this child but is on no school roll in Cairn: "
        "a baby, a younger child, or a child at a school outside the trust or at none.",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def sighting_add(request: CairnRequest, child_id: UUID) -> HttpResponse:
    viewer = request.membership
    other = access_household_child(viewer=viewer, child_id=child_id)
    form = cf.SightingForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        services.sighting_record(
            actor=viewer,
            child=other,
            seen_on=data["seen_on"],
            seen_by=data["seen_by"],
            request=request,
        )
        return f"Recorded when {other.name} was seen."

    return record_form(
        request,
        pupil=other.pupil,
        form=form,
        title=f"When was {other.name} last seen by a professional?",
        save=save,
        anchor="household",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def engagement_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.EngagementForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        services.engagement_record(
            actor=viewer,
            pupil=child,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            adult=data["adult"],
            details=data["details"],
            appointment_kind=data["appointment_kind"],
            explained_event=data["explained_event"],
            checked=data["checked"],
            request=request,
        )
        return "Recorded."

    return record_form(
        request,
        pupil=child,
        form=form,
        title="Record how a parent or carer engaged",
        save=save,
        anchor="engagement",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def note_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.DayNoteForm(posted(request))

    def save(data: dict[str, Any]) -> str:
        services.day_note_record(
            actor=viewer,
            pupil=child,
            noted_on=data["noted_on"],
            tone=data["tone"],
            text=data["text"],
            request=request,
        )
        return "Note recorded."

    return record_form(
        request,
        pupil=child,
        form=form,
        title="Add a note about the child's day",
        save=save,
        anchor="notes",
    )
