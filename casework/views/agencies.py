"""Contacts with other agencies, their answers, and escalation."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework import forms as cf
from casework import services
from casework.access import (
    access_contact_to_answer,
    access_pupil_to_record,
    access_response_to_escalate,
    access_stage_to_decide,
)
from casework.views._shape import RECORDERS, posted, record_form
from schools.http import CairnRequest, role_required


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
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
    form = cf.ContactForm(posted(request), referrals=choices)

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

    return record_form(
        request,
        pupil=child,
        form=form,
        title="Record a contact with another agency",
        save=save,
        intro="Who the school contacted, when, and what was asked or shared. Record their "
        "answer afterwards, from the child's casework page.",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def response_add(request: CairnRequest, contact_id: UUID) -> HttpResponse:
    viewer = request.membership
    contact = access_contact_to_answer(viewer=viewer, contact_id=contact_id)
    form = cf.ResponseForm(posted(request))

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

    return record_form(
        request,
        pupil=contact.pupil,
        form=form,
        title=f"Record the answer from {contact.agency_label}",
        save=save,
        intro=f"To the contact of {contact.contacted_on:%-d %B %Y}: {contact.summary[:200]}",
        anchor=f"contact-{contact.pk}",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def escalate(request: CairnRequest, response_id: UUID) -> HttpResponse:
    viewer = request.membership
    answer = access_response_to_escalate(viewer=viewer, response_id=response_id)
    child = answer.contact.pupil
    form = cf.EscalationForm(posted(request))
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

    return record_form(
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
@role_required(RECORDERS)
def stage_outcome(request: CairnRequest, stage_id: UUID) -> HttpResponse:
    viewer = request.membership
    stage = access_stage_to_decide(viewer=viewer, stage_id=stage_id)
    form = cf.StageOutcomeForm(posted(request))

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

    return record_form(
        request,
        pupil=stage.escalation.pupil,
        form=form,
        title=f"Outcome of the {stage.name.lower()} stage",
        save=save,
        anchor="escalations",
        intro=f"Started {stage.started_on:%-d %B %Y}, due {stage.due_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def stage_settings(request: CairnRequest) -> HttpResponse:
    """The school's escalation procedure: the stages of its safeguarding partnership."""
    viewer = request.membership
    assert viewer.school_id is not None
    current = services.stages_for(viewer.school_id)
    initial = "\n".join(f"{s.name} | {s.contact} | {s.days_allowed}" for s in current)
    form = cf.StageSettingsForm(posted(request), initial={"stages": initial})
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
