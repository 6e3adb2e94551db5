"""Finding a pupil, the front sheet, the household, household links, and importing pupils."""

import hashlib
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.redirects import safe_next_url
from audit import services as audit
from audit.models import AuditAction
from audit.selectors import access_log_for_pupil
from pupils import selectors
from pupils.access import (
    access_household,
    access_import_batch,
    access_pupil,
    access_suggestion_to_decide,
    child_form_read,
    child_list_read,
    pupils_visible_to,
)
from pupils.forms import AccessReasonForm, ImportForm, ListReasonForm, SuggestionDecisionForm
from pupils.importers.apply import import_file
from pupils.importers.csv import available_mappings
from pupils.importers.records import ImportFileError
from pupils.models import ImportBatch, ImportKind, ImportStatus
from pupils.services import household_suggestion_decide
from pupils.sheet_cache import front_sheet_body
from schools.http import CairnRequest, role_required
from schools.models import Role
from schools.reasons import remember_reason

_CHILD_READERS = [Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.TRUST_LEAD]
_DSL_TEAM = [Role.DSL, Role.DEPUTY_DSL]
_IMPORTERS = [Role.SCHOOL_ADMIN, Role.DSL, Role.DEPUTY_DSL]


@require_GET
@role_required(_CHILD_READERS)
def search(request: CairnRequest) -> HttpResponse:
    """Find a child. A trust lead says why they are looking before any child is listed."""
    criteria = selectors.PupilSearch.from_query(request.GET)
    pupils = list(selectors.pupil_search(viewer=request.membership, search=criteria))
    child_list_read(
        viewer=request.membership,
        listed="pupil search",
        count=len(pupils),
        request=request,
        details={"query": criteria.text, "year": criteria.year_group, "status": criteria.status},
    )
    flags = selectors.list_flags(viewer=request.membership, pupil_ids=[p.pk for p in pupils])
    template = "pupils/search.html#results" if request.htmx else "pupils/search.html"
    return render(
        request,
        template,
        {
            "rows": [(pupil, flags.get(pupil.pk, [])) for pupil in pupils],
            "pupils": pupils,
            "criteria": criteria,
            "status_choices": selectors.SearchStatus.CHOICES,
        },
    )


@require_GET
@role_required(_CHILD_READERS)
def detail(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """The front sheet. Opening it is audited; so is showing another school's child as a
    sibling with records (that child's access log says which school saw it). The body may be
    one kept from an earlier request while nothing has been written since (ADR 23); the gate
    and the audit events are every request's own."""
    viewer = request.membership
    pupil = access_pupil(viewer=viewer, pupil_id=pupil_id)
    audit.record(
        actor=viewer,
        action=AuditAction.PUPIL_VIEWED,
        target=pupil,
        pupil_id=pupil.pk,
        request=request,
    )
    body = front_sheet_body(request=request, viewer=viewer, pupil=pupil)
    for sibling_id, has_records in body.shown_across_schools:
        audit.record(
            actor=viewer,
            action=AuditAction.SIBLING_SHOWN_ACROSS_SCHOOLS,
            pupil_id=sibling_id,
            request=request,
            details={"shown_on": str(pupil.pk), "has_records": has_records},
        )
    return render(request, "pupils/detail.html", {"pupil": pupil, "body": body.html})


@require_GET
@role_required(_CHILD_READERS)
def household(request: CairnRequest, household_id: UUID) -> HttpResponse:
    """The household with its history: children, adults and addresses over time."""
    viewer = request.membership
    home = access_household(viewer=viewer, household_id=household_id)
    members = list(home.members.select_related("pupil").order_by("left_on", "joined_on"))
    visible = set(
        pupils_visible_to(viewer=viewer)
        .filter(pk__in=[m.pupil_id for m in members])
        .values_list("pk", flat=True)
    )
    for pupil_id in sorted(visible, key=str):
        audit.record(
            actor=viewer,
            action=AuditAction.HOUSEHOLD_VIEWED,
            target=home,
            pupil_id=pupil_id,
            request=request,
        )
    current = [m for m in members if m.left_on is None]
    sheets = {
        m.pupil_id: selectors.front_sheet(viewer=viewer, pupil=m.pupil)
        for m in current
        if m.pupil_id in visible
    }
    adults: dict[str, object] = {}
    for sheet in sheets.values():
        for rel in sheet.household_people:
            key = f"{rel.person.forename.lower()}|{rel.person.surname.lower()}"
            adults.setdefault(key, rel)
    history = selectors.household_history(pupils=[m.pupil for m in members], household=home)
    return render(
        request,
        "pupils/household.html",
        {
            "household": home,
            "members": members,
            "visible": visible,
            "adults": list(adults.values()),
            "history": history,
            "sheets": sheets,
        },
    )


@require_GET
@role_required(_DSL_TEAM)
def suggestions(request: CairnRequest) -> HttpResponse:
    pending = list(selectors.pending_suggestions_for(viewer=request.membership)[:200])
    child_list_read(
        viewer=request.membership,
        listed="household links to confirm",
        count=len(pending),
        request=request,
    )
    return render(request, "pupils/suggestions.html", {"suggestions": pending})


@require_http_methods(["GET", "POST"])
@role_required(_DSL_TEAM)
def suggestion_decide(request: CairnRequest, suggestion_id: UUID) -> HttpResponse:
    suggestion = access_suggestion_to_decide(viewer=request.membership, suggestion_id=suggestion_id)
    form = SuggestionDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        home = household_suggestion_decide(
            actor=request.membership,
            suggestion=suggestion,
            confirm=confirm,
            reason=form.cleaned_data["reason"],
        )
        if home is not None:
            messages.success(request, f"Linked as one household: {home.name}.")
        else:
            messages.success(request, "Recorded: they are not one household.")
        return redirect("pupils:suggestions")
    child_form_read(
        viewer=request.membership,
        pupil_ids=[suggestion.pupil_a_id, suggestion.pupil_b_id],
        form="decide a household link",
        request=request,
    )
    return render(
        request, "pupils/suggestion_decide.html", {"suggestion": suggestion, "form": form}
    )


def _upload_dir() -> Path:
    directory = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@require_http_methods(["GET", "POST"])
@role_required(_IMPORTERS)
def import_upload(request: CairnRequest) -> HttpResponse:
    """Upload a CTF or CSV; Cairn does a dry run and shows what would change."""
    viewer = request.membership
    school = viewer.school
    assert school is not None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = ImportKind(form.cleaned_data["kind"])
        mapping = available_mappings().get(form.cleaned_data["mapping"] or "cairn")
        batch = ImportBatch(
            school=school,
            kind=kind,
            file_name=Path(upload.name).name[:255],
            sha256="",
            size=upload.size,
            mapping=mapping.key if mapping and kind == ImportKind.CSV else "",
            uploaded_by=viewer,
            status=ImportStatus.PREVIEWED,
        )
        stored = _upload_dir() / f"{batch.pk}.upload"
        digest = hashlib.sha256()
        with stored.open("wb") as handle:
            for chunk in upload.chunks():
                digest.update(chunk)
                handle.write(chunk)
        batch.sha256 = digest.hexdigest()
        batch.stored_name = stored.name
        try:
            with stored.open("rb") as stream:
                result = import_file(
                    kind=kind,
                    stream=stream,
                    file_name=batch.file_name,
                    school=school,
                    actor=viewer,
                    dry_run=True,
                    mapping=mapping if kind == ImportKind.CSV else None,
                    batch=batch,
                )
        except ImportFileError:
            stored.unlink(missing_ok=True)
            return redirect("pupils:import_preview", batch_id=batch.pk)
        batch.added, batch.changed, batch.unchanged = result.added, result.changed, result.unchanged
        batch.summary = result.as_summary()
        batch.save()
        return redirect("pupils:import_preview", batch_id=batch.pk)
    recent = ImportBatch.objects.filter(school=school).select_related("uploaded_by__user")[:10]
    return render(request, "pupils/import.html", {"form": form, "recent": recent})


@require_GET
@role_required(_IMPORTERS)
def import_preview(request: CairnRequest, batch_id: UUID) -> HttpResponse:
    batch = access_import_batch(viewer=request.membership, batch_id=batch_id)
    return render(request, "pupils/import_preview.html", {"batch": batch, "summary": batch.summary})


@require_POST
@role_required(_IMPORTERS)
def import_commit(request: CairnRequest, batch_id: UUID) -> HttpResponse:
    """Import a previewed file for real: the same bytes that were previewed, or nothing."""
    viewer = request.membership
    batch = access_import_batch(viewer=viewer, batch_id=batch_id)
    if batch.status != ImportStatus.PREVIEWED:
        messages.info(request, "This file has been dealt with already.")
        return redirect("pupils:import_preview", batch_id=batch.pk)
    stored = _upload_dir() / batch.stored_name
    if not batch.stored_name or not stored.is_file():
        messages.error(request, "The uploaded file is no longer here; upload it again.")
        return redirect("pupils:import_upload")
    assert viewer.school is not None
    mapping = available_mappings().get(batch.mapping or "cairn")
    try:
        with stored.open("rb") as stream:
            if hashlib.sha256(stream.read()).hexdigest() != batch.sha256:
                messages.error(request, "The stored file changed after the preview; upload again.")
                return redirect("pupils:import_upload")
            stream.seek(0)
            import_file(
                kind=ImportKind(batch.kind),
                stream=stream,
                file_name=batch.file_name,
                school=viewer.school,
                actor=viewer,
                dry_run=False,
                mapping=mapping if batch.kind == ImportKind.CSV else None,
                batch=batch,
            )
    except ImportFileError:
        pass
    stored.unlink(missing_ok=True)
    batch.refresh_from_db()
    if batch.status == ImportStatus.IMPORTED:
        messages.success(request, f"Imported {batch.file_name}.")
    return redirect("pupils:import_preview", batch_id=batch.pk)


@require_http_methods(["GET", "POST"])
@role_required([Role.TRUST_LEAD])
def access_reason(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """A trust lead says why before opening a child's record (schools.reasons)."""
    pupil = pupils_visible_to(viewer=request.membership).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    next_url = safe_next_url(request)
    form = AccessReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        remember_reason(request.session, pupil_id=pupil.pk, reason=reason)
        audit.record(
            actor=request.membership,
            action=AuditAction.ACCESS_REASON_GIVEN,
            target=pupil,
            pupil_id=pupil.pk,
            request=request,
            reason=reason,
        )
        return redirect(next_url or reverse("pupils:detail", args=[pupil.pk]))
    return render(
        request,
        "pupils/access_reason.html",
        {"pupil": pupil, "form": form, "next": next_url},
    )


@require_http_methods(["GET", "POST"])
@role_required([Role.TRUST_LEAD])
def list_reason(request: CairnRequest) -> HttpResponse:
    """A trust lead says why they are finding children before any is listed (schools.reasons)."""
    next_url = safe_next_url(request)
    form = ListReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        remember_reason(request.session, pupil_id=None, reason=reason)
        audit.record(
            actor=request.membership,
            action=AuditAction.ACCESS_REASON_GIVEN,
            request=request,
            reason=reason,
            details={"for": "finding children"},
        )
        return redirect(next_url or reverse("pupils:search"))
    return render(request, "pupils/list_reason.html", {"form": form, "next": next_url})


@require_GET
@role_required(_DSL_TEAM)
def access_log(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """The child's access log: who looked, when (audit.selectors reads the trail). Opening it is
    itself logged."""
    pupil = access_pupil(viewer=request.membership, pupil_id=pupil_id)
    audit.record(
        actor=request.membership,
        action=AuditAction.ACCESS_LOG_VIEWED,
        target=pupil,
        pupil_id=pupil.pk,
        request=request,
    )
    page = Paginator(access_log_for_pupil(pupil_id=pupil.pk), 50).get_page(request.GET.get("page"))
    return render(request, "pupils/access_log.html", {"pupil": pupil, "page": page})
