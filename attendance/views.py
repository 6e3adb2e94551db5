"""Attendance pages: a pupil's panel, cohort lists, group summaries and the register upload."""

import shutil
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attendance.access import (
    ATTENDANCE_ONLY_READERS,
    CODE_MAPPERS,
    access_code_mapping_to_withdraw,
    access_pupil_attendance,
    code_mappings_managed_by,
)
from attendance.charts import cells_svg, day_rows_html, heat_map, trend_line
from attendance.codes import default_mappings
from attendance.forms import CodeMappingForm, CodeMappingWithdrawForm, PeriodForm, UploadForm
from attendance.importers.common import AttendanceImportError
from attendance.models import CodeMapping
from attendance.selectors import (
    PERIOD_CHOICES,
    Panel,
    cohorts_for,
    group_summary,
    pupil_panel,
)
from attendance.services import attendance_import, code_mapping_set, code_mapping_withdraw
from attendance.summary import summary_rows
from audit import services as audit
from audit.models import AuditAction
from schools.http import CairnRequest, role_required
from schools.models import Role
from ui.forms import form_write

# The attendance lead reads registers (cohorts, a child's panel) but no other part of the record.
_CHILD_READERS = [
    Role.DSL,
    Role.DEPUTY_DSL,
    Role.HEADTEACHER,
    Role.TRUST_LEAD,
    Role.ATTENDANCE_LEAD,
]
_COHORT_READERS = [Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.ATTENDANCE_LEAD]
_SUMMARY_READERS = [
    Role.DSL,
    Role.DEPUTY_DSL,
    Role.HEADTEACHER,
    Role.GOVERNOR,
    Role.TRUST_LEAD,
    Role.ATTENDANCE_LEAD,
]
_UPLOADERS = sorted(CODE_MAPPERS)


def _period(request: CairnRequest) -> tuple[str, date, PeriodForm]:
    form = PeriodForm(request.GET or None)
    key, as_of = "year", timezone.localdate()
    if form.is_valid():
        key = form.cleaned_data["period"] or key
        as_of = form.cleaned_data["as_of"] or as_of
    return key, as_of, form


def panel_context(panel: Panel) -> dict[str, object]:
    """What `attendance/_panel.html` needs; the pupil front sheet can include it with this."""
    squares = heat_map(panel.days, panel.year.start, panel.year.end)
    return {
        "panel": panel,
        "heat_map": squares,
        "heat_map_cells": cells_svg(squares.cells),
        "day_rows": day_rows_html(panel.days),
        "trend": trend_line(
            panel.weeks,
            persistent_percent=panel.thresholds.persistent_percent,
            severe_percent=panel.thresholds.severe_percent,
        ),
    }


@require_GET
@role_required(_CHILD_READERS)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    child = access_pupil_attendance(viewer=request.membership, pupil_id=pupil_id)
    key, as_of, form = _period(request)
    panel = pupil_panel(viewer=request.membership, pupil=child, period_key=key, as_of=as_of)
    audit.record(
        actor=request.membership,
        action=AuditAction.ATTENDANCE_VIEWED,
        target=child,
        pupil_id=child.pk,
        request=request,
        details={"period": key, "as_of": as_of.isoformat()},
    )
    context = {
        "pupil": child,
        "form": form,
        "periods": PERIOD_CHOICES,
        # Someone who reads registers only is sent back to the lists, not to the child's record.
        "may_open_record": request.membership.role not in ATTENDANCE_ONLY_READERS,
        "may_open_cohorts": request.membership.role in _COHORT_READERS,
        "query": urlencode({"period": key, "as_of": as_of.isoformat()}),
        **panel_context(panel),
    }
    return render(request, "attendance/pupil.html", context)


@require_GET
@role_required(_COHORT_READERS)
def cohort(request: CairnRequest) -> HttpResponse:
    key, as_of, form = _period(request)
    cohorts = cohorts_for(viewer=request.membership, period_key=key, as_of=as_of)
    audit.record(
        actor=request.membership,
        action=AuditAction.ATTENDANCE_COHORT_VIEWED,
        request=request,
        details={"period": key, "as_of": as_of.isoformat()},
    )
    return render(
        request,
        "attendance/cohort.html",
        {
            "cohorts": cohorts,
            "form": form,
            "periods": PERIOD_CHOICES,
            "as_of": as_of,
            "la_days": settings.CAIRN_ATTENDANCE_LA_NOTIFY_DAYS,
            "query": urlencode({"period": key, "as_of": as_of.isoformat()}),
        },
    )


@require_GET
@role_required(_SUMMARY_READERS)
def summary(request: CairnRequest) -> HttpResponse:
    key, as_of, form = _period(request)
    groups = group_summary(viewer=request.membership, period_key=key, as_of=as_of)
    rows = summary_rows(groups, role=request.membership.role)
    return render(
        request,
        "attendance/summary.html",
        {"groups": groups, "rows": rows, "form": form, "periods": PERIOD_CHOICES},
    )


def _keep_upload(upload: object) -> Path:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attendance-imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}.upload"
    with path.open("wb") as handle:
        for chunk in upload.chunks():  # type: ignore[attr-defined]
            handle.write(chunk)
    return path


@require_http_methods(["GET", "POST"])
@role_required(_UPLOADERS)
def upload(request: CairnRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        school = request.membership.school
        assert school is not None
        path = _keep_upload(form.cleaned_data["file"])
        try:
            result = attendance_import(
                actor=request.membership,
                path=path,
                file_name=form.cleaned_data["file"].name,
                school=school,
                allowed_school_ids={school.pk},
                dry_run=form.cleaned_data["dry_run"],
            )
        except AttendanceImportError as exc:
            problems = [str(p) for p in exc.problems]
            path.unlink(missing_ok=True)
        else:
            if form.cleaned_data["dry_run"]:
                path.unlink(missing_ok=True)
            else:
                shutil.move(path, path.with_name(f"{result.batch.pk}.upload"))
            messages.success(request, result.summary)
            return redirect("attendance:upload")
    return render(request, "attendance/upload.html", {"form": form, "problems": problems})


@require_http_methods(["GET", "POST"])
@role_required(_UPLOADERS)
def mappings(request: CairnRequest) -> HttpResponse:
    """The school's own equivalents for MIS codes: add one, withdraw one, see those withdrawn."""
    if request.method == "POST" and "withdraw" in request.POST:
        return _withdraw_mapping(request)
    school = request.membership.school
    assert school is not None
    form = CodeMappingForm(request.POST) if request.method == "POST" else CodeMappingForm()
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["raw_code"]
        try:
            code_mapping_set(
                actor=request.membership,
                school=school,
                raw_code=raw,
                statutory_code=form.cleaned_data["statutory_code"],
            )
        except ValueError as exc:  # the form has checked the rest: the code is mapped already
            form.add_error("raw_code", f"{exc}.")
        else:
            messages.success(
                request, f"{raw} will be read as {form.cleaned_data['statutory_code']}."
            )
            return redirect("attendance:mappings")
    return _mappings_page(request, form=form)


def _withdraw_prefix(mapping: CodeMapping) -> str:
    return f"withdraw-{mapping.pk}"


def _withdraw_mapping(request: CairnRequest) -> HttpResponse:
    """POST `withdraw` (the equivalent's id) and its prefixed `reason`: the "Withdraw" form."""
    try:
        mapping_id = UUID(request.POST["withdraw"])
    except ValueError as exc:
        raise Http404("No such code equivalent") from exc
    mapping = access_code_mapping_to_withdraw(viewer=request.membership, mapping_id=mapping_id)
    form = CodeMappingWithdrawForm(
        request.POST, prefix=_withdraw_prefix(mapping), raw_code=mapping.raw_code
    )
    written = form_write(
        request,
        form,
        lambda: code_mapping_withdraw(
            actor=request.membership, mapping=mapping, reason=form.cleaned_data["reason"]
        ),
    )
    if written:
        messages.success(
            request,
            f"{mapping.raw_code} is no longer read as {mapping.statutory_code}. "
            "Marks already imported keep their codes.",
        )
        return redirect("attendance:mappings")
    return _mappings_page(request, form=CodeMappingForm(), withdrawing=(mapping, form))


def _mappings_page(
    request: CairnRequest,
    *,
    form: CodeMappingForm,
    withdrawing: tuple[CodeMapping, CodeMappingWithdrawForm] | None = None,
) -> HttpResponse:
    managed = code_mappings_managed_by(viewer=request.membership).select_related(
        "created_by__user", "withdrawn_by__user"
    )
    in_force = []
    for mapping in managed.in_force().order_by("raw_code"):
        if withdrawing is not None and withdrawing[0].pk == mapping.pk:
            withdraw_form = withdrawing[1]
        else:
            withdraw_form = CodeMappingWithdrawForm(
                prefix=_withdraw_prefix(mapping), raw_code=mapping.raw_code
            )
        in_force.append((mapping, withdraw_form))
    return render(
        request,
        "attendance/mappings.html",
        {
            "form": form,
            "withdraw_form": withdrawing[1] if withdrawing is not None else None,
            "own": in_force,
            "withdrawn": managed.withdrawn().order_by("-withdrawn_at"),
            "defaults": sorted(default_mappings().items()),
        },
    )
