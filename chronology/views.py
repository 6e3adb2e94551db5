"""A child's chronology, a household's, and their exports. Every read and export is audited."""

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import services as audit
from audit.models import AuditAction
from chronology.exports import chronology_csv, chronology_pdf
from chronology.selectors import (
    Chronology,
    ChronologyFilters,
    chronology_for,
    entries_html,
)
from pupils.access import access_pupil, access_pupils
from pupils.models import Pupil
from schools.http import CairnRequest, role_required
from schools.models import Role

READERS = [Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.TRUST_LEAD]
_MAX_HOUSEHOLD = 12


def _audit_reads(
    request: CairnRequest,
    *,
    pupils: Sequence[Pupil],
    action: AuditAction,
    details: dict[str, object],
) -> None:
    with transaction.atomic():
        for pupil in pupils:
            audit.record(
                actor=request.membership,
                action=action,
                target=pupil,
                pupil_id=pupil.pk,
                request=request,
                details=details,
            )


def _query_details(request: CairnRequest) -> dict[str, object]:
    return {k: request.GET.getlist(k) for k in request.GET if request.GET.getlist(k) != [""]}


def _household_pupils(request: CairnRequest) -> list[Pupil]:
    ids: list[UUID] = []
    for raw in request.GET.getlist("pupil")[:_MAX_HOUSEHOLD]:
        try:
            ids.append(UUID(raw))
        except ValueError:
            continue
    # Through the gate: a trust lead says why for each child before any is shown.
    return access_pupils(viewer=request.membership, pupil_ids=ids)


def _page(request: CairnRequest, pupils: list[Pupil], *, household: bool) -> HttpResponse:
    filters = ChronologyFilters.from_query(request.GET)
    chronology = chronology_for(viewer=request.membership, pupils=pupils, filters=filters)
    _audit_reads(
        request,
        pupils=pupils,
        action=AuditAction.CHRONOLOGY_VIEWED,
        details={"household": household, **_query_details(request)},
    )
    query = request.GET.copy()
    context = {
        "chronology": chronology,
        "entries_html": entries_html(chronology, show_child=household),
        "pupils": pupils,
        "pupil": pupils[0],
        "household": household,
        "filters": filters,
        "query": query.urlencode(),
        "show_child": household,
    }
    template = "chronology/page.html#entries" if request.htmx else "chronology/page.html"
    return render(request, template, context)


@require_GET
@role_required(READERS)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    child = access_pupil(viewer=request.membership, pupil_id=pupil_id)
    return _page(request, [child], household=False)


@require_GET
@role_required(READERS)
def household(request: CairnRequest) -> HttpResponse:
    """Several children's chronologies merged; each record shown only where the viewer may see it.

    The household is given as a list of pupil ids until the household model exists.
    """
    return _page(request, _household_pupils(request), household=True)


def _export(request: CairnRequest, pupils: list[Pupil], fmt: str) -> HttpResponse:
    if fmt not in {"csv", "pdf"}:
        raise Http404("No such format")
    filters = ChronologyFilters.from_query(request.GET)
    chronology: Chronology = chronology_for(
        viewer=request.membership, pupils=pupils, filters=filters
    )
    redact = request.GET.get("redact") == "1"
    exported_by = f"{request.user.full_name} ({request.membership.get_role_display()})"
    _audit_reads(
        request,
        pupils=pupils,
        action=AuditAction.CHRONOLOGY_EXPORTED,
        details={
            "format": fmt,
            "redacted": redact,
            "entries": len(chronology.entries),
            **_query_details(request),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"chronology-{pupils[0].upn if len(pupils) == 1 else 'household'}-{stamp}"
    if fmt == "csv":
        body = chronology_csv(
            pupils=pupils, entries=chronology.entries, redact=redact, exported_by=exported_by
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        school = request.membership.scope_name
        response = HttpResponse(
            chronology_pdf(
                pupils=pupils,
                entries=chronology.entries,
                redact=redact,
                exported_by=exported_by,
                school_name=school,
            ),
            content_type="application/pdf",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(READERS)
def export(request: CairnRequest, pupil_id: UUID, fmt: str) -> HttpResponse:
    child = access_pupil(viewer=request.membership, pupil_id=pupil_id)
    return _export(request, [child], fmt)


@require_GET
@role_required(READERS)
def household_export(request: CairnRequest, fmt: str) -> HttpResponse:
    return _export(request, _household_pupils(request), fmt)
