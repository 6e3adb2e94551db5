"""The training register (each person's own record, the school's register, recording and
importing) and the low-level concerns register. Nothing here is about a child."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from schools.http import CairnRequest, role_required
from schools.models import Membership, Role
from staffing import access, selectors, services
from staffing.forms import (
    AdultLeftForm,
    LowLevelConcernForm,
    LowLevelPolicyForm,
    TrainingForm,
    TrainingImportForm,
    governors_of,
    members_for_concern,
)
from staffing.training import Standing
from ui.forms import form_error, form_write

# Everyone at a school has a training record of their own.
SCHOOL_ROLES = [r for r in Role if r != Role.TRUST_LEAD]
MANAGERS = sorted(access.TRAINING_MANAGERS)
LOW_LEVEL = sorted(access.LOW_LEVEL_ROLES)


def _posted(request: CairnRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_GET
@role_required(SCHOOL_ROLES)
def mine(request: CairnRequest) -> HttpResponse:
    """Your own training: what you have done and what falls due."""
    return _person_page(request, request.membership, own=True)


@require_GET
@role_required(MANAGERS)
def person(request: CairnRequest, membership_id: UUID) -> HttpResponse:
    found = access.access_training_person(viewer=request.membership, membership_id=membership_id)
    return _person_page(request, found, own=found.user_id == request.user.pk)


def _person_page(request: CairnRequest, found: Membership, *, own: bool) -> HttpResponse:
    entry = selectors.training_of(found, as_of=timezone.localdate())
    audit.record(
        actor=request.membership,
        action=AuditAction.TRAINING_RECORD_VIEWED,
        target=found,
        request=request,
    )
    return render(
        request,
        "staffing/person.html",
        {
            "entry": entry,
            "own": own,
            "manages": access.manages_training(viewer=request.membership),
        },
    )


@require_GET
@role_required(MANAGERS)
def register(request: CairnRequest) -> HttpResponse:
    """Everyone's training at the school, by role; `?show=action` keeps those needing action."""
    viewer = request.membership
    assert viewer.school_id is not None
    entries = selectors.register_for(school_id=viewer.school_id, as_of=timezone.localdate())
    by_role = selectors.compliance_by_role(entries)
    needing_only = request.GET.get("show") == "action"
    shown = [e for e in entries if not e.up_to_date] if needing_only else entries
    audit.record(actor=viewer, action=AuditAction.TRAINING_REGISTER_VIEWED, request=request)
    return render(
        request,
        "staffing/register.html",
        {
            "entries": shown,
            "by_role": by_role,
            "needing_only": needing_only,
            "people": len(entries),
            "up_to_date": sum(int(e.up_to_date) for e in entries),
            "overdue": Standing.OVERDUE,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(MANAGERS)
def record(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    assert viewer.school_id is not None
    people = list(selectors.people_in_register(school_id=viewer.school_id))
    form = TrainingForm(_posted(request), request.FILES or None, people=people)
    written = form_write(
        request,
        form,
        lambda: services.training_record(
            actor=viewer,
            person=form.chosen_person(),
            training_type=form.cleaned_data["training_type"],
            completed_on=form.cleaned_data["completed_on"],
            provider=form.cleaned_data["provider"],
            evidence=form.cleaned_data.get("evidence"),
            request=request,
        ),
        field_aliases={"evidence_name": "evidence"},
    )
    if written is not None:
        messages.success(request, f"{written.value.get_training_type_display()} recorded.")
        return redirect("staffing:person", membership_id=written.value.person_id)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "staffing/record.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(MANAGERS)
def import_training(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    form = TrainingImportForm(_posted(request), request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.training_import(
                actor=viewer, content=form.cleaned_data["file"].read(), request=request
            )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(
                request, f"{count} training record{'s' if count != 1 else ''} imported."
            )
            return redirect("staffing:register")
    status = 400 if (form.is_bound and form.errors) or errors else 200
    return render(request, "staffing/import.html", {"form": form, "errors": errors}, status=status)


@require_GET
@role_required(SCHOOL_ROLES)
def evidence(request: CairnRequest, record_id: UUID) -> HttpResponse:
    item = access.access_training_evidence(viewer=request.membership, record_id=record_id)
    path = services.evidence_path(item)
    if not path.exists():
        raise Http404("The file is missing")
    audit.record(
        actor=request.membership,
        action=AuditAction.TRAINING_EVIDENCE_OPENED,
        target=item,
        request=request,
    )
    response = HttpResponse(path.read_bytes(), content_type=item.evidence_content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=item.evidence_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Low-level concerns ------------------------------------------------------------------------


def _reader(request: CairnRequest) -> Membership:
    viewer = request.membership
    if not access.reads_low_level_register(viewer=viewer):
        raise PermissionDenied
    return viewer


@require_GET
@role_required(LOW_LEVEL)
def low_level_register(request: CairnRequest) -> HttpResponse:
    """The register, one row per adult: how many concerns over what time, and prompts."""
    viewer = _reader(request)
    adults = access.adults_visible_to(viewer=viewer)
    rows = selectors.summaries(adults, as_of=timezone.localdate())
    audit.record(
        actor=viewer,
        action=AuditAction.LOW_LEVEL_REGISTER_VIEWED,
        request=request,
        details={"adults": len(rows)},
    )
    return render(
        request,
        "staffing/low_level_register.html",
        {
            "rows": rows,
            "may_record": access.records_low_level(viewer=viewer),
            "is_head": viewer.role == Role.HEADTEACHER,
        },
    )


@require_GET
@role_required(LOW_LEVEL)
def low_level_adult(request: CairnRequest, adult_id: UUID) -> HttpResponse:
    viewer = _reader(request)
    adult = access.access_concerned_adult(viewer=viewer, adult_id=adult_id)
    summary = selectors.summaries([adult], as_of=timezone.localdate())[0]
    audit.record(
        actor=viewer, action=AuditAction.LOW_LEVEL_ADULT_VIEWED, target=adult, request=request
    )
    return render(
        request,
        "staffing/low_level_adult.html",
        {
            "summary": summary,
            "adult": adult,
            "may_record": access.records_low_level(viewer=viewer),
            "left_form": AdultLeftForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(LOW_LEVEL)
def low_level_record(request: CairnRequest) -> HttpResponse:
    viewer = _reader(request)
    if not access.records_low_level(viewer=viewer):
        raise PermissionDenied
    adults = list(access.adults_visible_to(viewer=viewer))
    members = members_for_concern(
        viewer=viewer, known_user_ids={a.user_id for a in adults if a.user_id}
    )
    form = LowLevelConcernForm(_posted(request), adults=adults, members=members)

    def write() -> object:
        data = form.cleaned_data
        new = services.NewAdult(data["full_name"], data["kind"] or "other", data["job_title"])
        return services.low_level_concern_record(
            actor=viewer,
            new=new,
            happened_on=data["happened_on"],
            raised_by=data["raised_by"],
            what_happened=data["what_happened"],
            response=data["response"],
            threshold_may_be_met=data["threshold_may_be_met"],
            request=request,
            **form.chosen(),
        )

    written = form_write(request, form, write)
    if written is not None:
        concern = written.value
        assert hasattr(concern, "adult")
        if access.adults_visible_to(viewer=viewer).filter(pk=concern.adult.pk).exists():
            messages.success(request, "Low-level concern recorded.")
            return redirect("staffing:low_level_adult", adult_id=concern.adult.pk)
        messages.success(
            request,
            "Low-level concern recorded. Concerns about the safeguarding team are read by "
            "the headteacher only.",
        )
        return redirect("staffing:low_level_register")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "staffing/low_level_record.html", {"form": form}, status=status)


@require_http_methods(["POST"])
@role_required(LOW_LEVEL)
def low_level_adult_left(request: CairnRequest, adult_id: UUID) -> HttpResponse:
    viewer = _reader(request)
    if not access.records_low_level(viewer=viewer):
        raise PermissionDenied
    adult = access.access_concerned_adult(viewer=viewer, adult_id=adult_id)
    form = AdultLeftForm(request.POST)
    if form.is_valid():
        try:
            services.adult_left(
                actor=viewer, adult=adult, left_on=form.cleaned_data["left_on"], request=request
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Leaving date recorded.")
            return redirect("staffing:low_level_adult", adult_id=adult.pk)
    summary = selectors.summaries([adult], as_of=timezone.localdate())[0]
    return render(
        request,
        "staffing/low_level_adult.html",
        {"summary": summary, "adult": adult, "may_record": True, "left_form": form},
        status=400,
    )


@require_http_methods(["GET", "POST"])
@role_required([Role.HEADTEACHER])
def low_level_policy(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    current = access.llc_policy(school_id=viewer.school_id) if viewer.school_id else None
    initial = {
        "deputy_dsl_reads": bool(current and current.deputy_dsl_reads),
        "chair": str(current.chair_id) if current and current.chair_id else "",
    }
    form = LowLevelPolicyForm(
        _posted(request), initial=initial, governors=governors_of(school_id=viewer.school_id)
    )
    written = form_write(
        request,
        form,
        lambda: services.low_level_policy_set(
            actor=viewer,
            deputy_dsl_reads=form.cleaned_data["deputy_dsl_reads"],
            chair=form.chosen_chair(),
            request=request,
        ),
    )
    if written is not None:
        messages.success(request, "Who reads the register has been saved.")
        return redirect("staffing:low_level_register")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "staffing/low_level_policy.html", {"form": form}, status=status)
