"""Casework pages: the child's casework, and one form per kind of record. Every form works as
a plain POST; a service's ValidationError goes beside the field it names."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from casework import forms as cf
from casework import services
from casework.access import (
    CASEWORK_READERS,
    CASEWORK_RECORDERS,
    access_absence_to_close,
    access_contact_to_answer,
    access_household_child,
    access_meeting_report,
    access_plan_to_end,
    access_pupil_casework,
    access_pupil_to_record,
    access_response_to_escalate,
    access_stage_to_decide,
)
from casework.selectors import casework_for
from pupils.models import Pupil
from schools.http import CairnRequest, role_required

_READERS = list(CASEWORK_READERS)
_RECORDERS = list(CASEWORK_RECORDERS)


def _put_error(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
    else:
        form.add_error(None, error)


def _form_page(
    request: CairnRequest,
    *,
    pupil: Pupil,
    form: forms.Form,
    title: str,
    intro: str = "",
    button: str = "Save",
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "casework/form.html",
        {
            "pupil": pupil,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "multipart": multipart,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _record(
    request: CairnRequest,
    *,
    pupil: Pupil,
    form: forms.Form,
    title: str,
    save: Callable[[dict[str, Any]], str],
    intro: str = "",
    button: str = "Save",
    multipart: bool = False,
    anchor: str = "",
) -> HttpResponse:
    """The shared shape of every casework form: show it; on POST validate, call the service,
    and go back to the child's casework page with a message, or show the errors."""
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as error:
            _put_error(form, error)
        else:
            messages.success(request, done)
            target = redirect("casework:pupil", pupil_id=pupil.pk)
            if anchor:
                target["Location"] += f"#{anchor}"
            return target
    return _form_page(
        request,
        pupil=pupil,
        form=form,
        title=title,
        intro=intro,
        button=button,
        multipart=multipart,
    )


def _data(request: CairnRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_GET
@role_required(_READERS)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """Everything casework holds about the child; opening it is an audited read."""
    viewer = request.membership
    child = access_pupil_casework(viewer=viewer, pupil_id=pupil_id)
    work = casework_for(viewer=viewer, pupil=child)
    audit.record(
        actor=viewer,
        action=AuditAction.CASEWORK_VIEWED,
        target=child,
        pupil_id=child.pk,
        request=request,
        details={"records": len(work.record_ids())},
    )
    return render(
        request,
        "casework/pupil.html",
        {"pupil": child, "work": work, "may_record": viewer.role in CASEWORK_RECORDERS},
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def contact_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    assert viewer.school_id is not None  # the safeguarding team belongs to a school
    referrals = services.referral_decisions(school_id=viewer.school_id, pupil=child)
    choices = [
        (
            str(d.pk),
            f"{d.get_outcome_display()}, decided {d.decided_at:%-d %b %Y}"
            + (f" ({d.agency})" if d.agency else ""),
        )
        for d in referrals
    ]
    form = cf.ContactForm(_data(request), referrals=choices)

    def save(data: dict[str, Any]) -> str:
        referral = next((d for d in referrals if str(d.pk) == data.get("referral")), None)
        contact = services.contact_record(
            actor=viewer,
            pupil=child,
            agency=data["agency"],
            purpose=data["purpose"],
            contacted_on=data["contacted_on"],
            summary=data["summary"],
            agency_name=data["agency_name"],
            person_contacted=data["person_contacted"],
            referral=referral,
            answer_expected_by=data["answer_expected_by"],
            request=request,
        )
        return f"Contact with {contact.agency_label} recorded."

    return _record(
        request,
        pupil=child,
        form=form,
        title="Record a contact with another agency",
        save=save,
        intro="Who the school contacted, when, and what was asked or shared. Record their "
        "answer afterwards, from the child's casework page.",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def response_add(request: CairnRequest, contact_id: UUID) -> HttpResponse:
    viewer = request.membership
    contact = access_contact_to_answer(viewer=viewer, contact_id=contact_id)
    form = cf.ResponseForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        response = services.response_record(
            actor=viewer,
            contact=contact,
            kind=data["kind"],
            received_on=data["received_on"],
            details=data["details"],
            answer_expected_by=data["answer_expected_by"],
            school_agrees=data["school_agrees"],
            agreement_reason=data["agreement_reason"],
            request=request,
        )
        return f"Answer from {contact.agency_label} recorded: {response.get_kind_display()}."

    return _record(
        request,
        pupil=contact.pupil,
        form=form,
        title=f"Record the answer from {contact.agency_label}",
        save=save,
        intro=f"To the contact of {contact.contacted_on:%-d %B %Y}: {contact.summary[:200]}",
        anchor=f"contact-{contact.pk}",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def plan_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.PlanForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        plan = services.plan_record(
            actor=viewer,
            pupil=child,
            kind=data["kind"],
            cp_category=data["cp_category"],
            started_on=data["started_on"],
            lead_professional=data["lead_professional"],
            local_authority=data["local_authority"],
            note=data["note"],
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            request=request,
        )
        return f"{plan.label} recorded."

    return _record(
        request,
        pupil=child,
        form=form,
        title="Record a plan",
        save=save,
        anchor="plans",
        intro="A plan the child is on now, or was on before (enter its end date and reason).",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def plan_end(request: CairnRequest, plan_id: UUID) -> HttpResponse:
    viewer = request.membership
    plan = access_plan_to_end(viewer=viewer, plan_id=plan_id)
    form = cf.PlanEndForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        services.plan_end(
            actor=viewer,
            plan=plan,
            ended_on=data["ended_on"],
            reason=data["reason"],
            note=data["note"],
            request=request,
        )
        return f"{plan.label} ended."

    return _record(
        request,
        pupil=plan.pupil,
        form=form,
        title=f"End the {plan.label.lower()}",
        save=save,
        anchor="plans",
        intro=f"Started {plan.started_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def meeting_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.MeetingForm(_data(request), request.FILES if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> str:
        meeting = services.meeting_record(
            actor=viewer,
            pupil=child,
            kind=data["kind"],
            held_on=data["held_on"],
            agencies_present=data["agencies_present"],
            others_present=data["others_present"],
            decisions=data["decisions"],
            actions_for_school=data["actions_for_school"],
            preparation_minutes=data["preparation_minutes"],
            meeting_minutes=data["meeting_minutes"],
            reports=[data["report"]] if data.get("report") else [],
            request=request,
        )
        return f"{meeting.get_kind_display()} recorded."

    return _record(
        request,
        pupil=child,
        form=form,
        title="Record a multi-agency meeting",
        save=save,
        multipart=True,
        anchor="meetings",
        intro="Who was there, what it decided, what the school is to do, and the "
        "safeguarding team's time on it.",
    )


@require_GET
@role_required(_READERS)
def report(request: CairnRequest, report_id: UUID) -> HttpResponse:
    """The school's report to a meeting: an audited download."""
    viewer = request.membership
    item = access_meeting_report(viewer=viewer, report_id=report_id)
    path = services.report_path(item)
    if not path.exists():
        raise Http404("The file is missing")
    audit.record(
        actor=viewer,
        action=AuditAction.MEETING_REPORT_OPENED,
        target=item.meeting,
        pupil_id=item.meeting.pupil_id,
        request=request,
        details={"report": str(item.pk)},
    )
    response = HttpResponse(path.read_bytes(), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=item.original_name
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def escalate(request: CairnRequest, response_id: UUID) -> HttpResponse:
    viewer = request.membership
    answer = access_response_to_escalate(viewer=viewer, response_id=response_id)
    child = answer.contact.pupil
    form = cf.EscalationForm(_data(request))
    first = services.stages_for(answer.contact.school_id)[0]

    def save(data: dict[str, Any]) -> str:
        escalation = services.escalation_open(
            actor=viewer,
            pupil=child,
            response=answer,
            reason=data["reason"],
            opened_on=data["opened_on"],
            what_was_said=data["what_was_said"],
            request=request,
        )
        stage = escalation.stages.get(position=1)
        return f"Escalation opened: {stage.name.lower()} stage, due {stage.due_on:%-d %B %Y}."

    return _record(
        request,
        pupil=child,
        form=form,
        title="Open an escalation",
        save=save,
        anchor="escalations",
        intro=f"Challenging the answer '{answer.get_kind_display().lower()}' from "
        f"{answer.contact.agency_label}. The first stage is '{first.name}' "
        f"({first.contact or 'no contact set'}), with {first.days_allowed} days for an answer.",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def stage_outcome(request: CairnRequest, stage_id: UUID) -> HttpResponse:
    viewer = request.membership
    stage = access_stage_to_decide(viewer=viewer, stage_id=stage_id)
    form = cf.StageOutcomeForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        outcome = services.stage_outcome_record(
            actor=viewer,
            stage=stage,
            kind=data["kind"],
            decided_on=data["decided_on"],
            what_was_said=data["what_was_said"],
            request=request,
        )
        return f"{stage.name}: {outcome.get_kind_display()}."

    return _record(
        request,
        pupil=stage.escalation.pupil,
        form=form,
        title=f"Outcome of the {stage.name.lower()} stage",
        save=save,
        anchor="escalations",
        intro=f"Started {stage.started_on:%-d %B %Y}, due {stage.due_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def stage_settings(request: CairnRequest) -> HttpResponse:
    """The school's escalation procedure: the stages of its safeguarding partnership."""
    viewer = request.membership
    assert viewer.school_id is not None
    current = services.stages_for(viewer.school_id)
    initial = "\n".join(f"{s.name} | {s.contact} | {s.days_allowed}" for s in current)
    form = cf.StageSettingsForm(_data(request), initial={"stages": initial})
    if request.method == "POST" and form.is_valid():
        rules = []
        for number, line in enumerate(form.cleaned_data["stages"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not parts[2].isdigit():
                form.add_error(
                    "stages", f"Line {number}: write it as name | whom to contact | days."
                )
                break
            rules.append(services.StageRule(parts[0], parts[1], int(parts[2])))
        if not form.errors:
            try:
                services.escalation_stages_set(actor=viewer, stages=rules, request=request)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("stages", message)
            else:
                messages.success(request, "Escalation stages saved.")
                return redirect("casework:stage_settings")
    return render(
        request,
        "casework/stage_settings.html",
        {"form": form, "stages": current},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def leaving(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.LeavingForm(_data(request))

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

    return _record(
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
@role_required(_RECORDERS)
def absence_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.AbsenceForm(_data(request))

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

    return _record(
        request, pupil=child, form=form, title="Record an agreed absence", save=save, anchor="roll"
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def absence_return(request: CairnRequest, absence_id: UUID) -> HttpResponse:
    viewer = request.membership
    absence = access_absence_to_close(viewer=viewer, absence_id=absence_id)
    form = cf.ReturnForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        services.absence_return_record(
            actor=viewer, absence=absence, returned_on=data["returned_on"], request=request
        )
        return "Return recorded."

    return _record(
        request,
        pupil=absence.pupil,
        form=form,
        title="Record the child's return",
        save=save,
        anchor="roll",
        intro=f"Expected back {absence.expected_back_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def household_child_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.HouseholdChildForm(_data(request))

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

    return _record(
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
@role_required(_RECORDERS)
def sighting_add(request: CairnRequest, child_id: UUID) -> HttpResponse:
    viewer = request.membership
    other = access_household_child(viewer=viewer, child_id=child_id)
    form = cf.SightingForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        services.sighting_record(
            actor=viewer,
            child=other,
            seen_on=data["seen_on"],
            seen_by=data["seen_by"],
            request=request,
        )
        return f"Recorded when {other.name} was seen."

    return _record(
        request,
        pupil=other.pupil,
        form=form,
        title=f"When was {other.name} last seen by a professional?",
        save=save,
        anchor="household",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def engagement_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.EngagementForm(_data(request))

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

    return _record(
        request,
        pupil=child,
        form=form,
        title="Record how a parent or carer engaged",
        save=save,
        anchor="engagement",
    )


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def note_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.DayNoteForm(_data(request))

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

    return _record(
        request,
        pupil=child,
        form=form,
        title="Add a note about the child's day",
        save=save,
        anchor="notes",
    )
