"""Plans, meetings and the school's reports to meetings."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from casework import forms as cf
from casework import services
from casework.access import (
    access_meeting_report,
    access_plan_to_end,
    access_pupil_to_record,
)
from casework.views._shape import READERS, RECORDERS, posted, record_form
from schools.http import CairnRequest, role_required


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def plan_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.PlanForm(posted(request))

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

    return record_form(
        request,
        pupil=child,
        form=form,
        title="Record a plan",
        save=save,
        anchor="plans",
        intro="A plan the child is on now, or was on before (enter its end date and reason).",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def plan_end(request: CairnRequest, plan_id: UUID) -> HttpResponse:
    viewer = request.membership
    plan = access_plan_to_end(viewer=viewer, plan_id=plan_id)
    form = cf.PlanEndForm(posted(request))

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

    return record_form(
        request,
        pupil=plan.pupil,
        form=form,
        title=f"End the {plan.label.lower()}",
        save=save,
        anchor="plans",
        intro=f"Started {plan.started_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def meeting_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_record(viewer=viewer, pupil_id=pupil_id)
    form = cf.MeetingForm(posted(request), request.FILES if request.method == "POST" else None)

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

    return record_form(
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
@role_required(READERS)
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
