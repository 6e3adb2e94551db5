"""One concern's page (`detail`) and what is done to the concern itself from it: a note added
(`add_note`), an amendment by the safeguarding team (`amend`), and an attachment downloaded
(`attachment`).
"""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AuditAction
from concerns import access, selectors, services
from concerns.forms import (
    AmendForm,
    NoteForm,
    posted,
)
from concerns.views.roles import DSL_TEAM, READERS
from pupils.access import child_form_read
from schools.http import CairnRequest, role_required
from schools.models import Role
from ui.forms import form_write


@require_GET
@role_required(READERS)
def detail(request: CairnRequest, concern_id: UUID) -> HttpResponse:
    viewer = request.membership
    concern = access.access_concern(viewer=viewer, concern_id=concern_id)
    services.concern_viewed(actor=viewer, concern=concern, request=request)
    versions = list(
        concern.versions.select_related("written_by__user").prefetch_related("categories")
    )
    sees_decisions = access.sees_decisions(viewer=viewer)
    can_triage = access.can_triage(viewer=viewer, concern=concern)
    context = {
        "concern": concern,
        "current": versions[0],
        "earlier": versions[1:],
        "parts": concern.parts.select_related("pupil"),
        "marks": concern.body_marks.all(),
        "attachments": concern.attachments.all(),
        "notes": concern.notes.select_related("written_by__user"),
        "sees_decisions": sees_decisions,
        "can_triage": can_triage,
        "decisions": selectors.current_decisions(concern=concern) if sees_decisions else [],
        "actions": concern.actions.select_related("assigned_to__user", "completion")
        if sees_decisions
        else [],
        "note_form": NoteForm(),
        "today": timezone.localdate(),
        "receipt": None if sees_decisions else selectors.receipts_for([concern])[concern.pk],
    }
    return render(request, "concerns/detail.html", context)


@require_http_methods(["POST"])
@role_required(READERS)
def add_note(request: CairnRequest, concern_id: UUID) -> HttpResponse:
    viewer = request.membership
    concern = access.access_concern(viewer=viewer, concern_id=concern_id)
    if viewer.role == Role.TRUST_LEAD:
        raise Http404("No such concern")
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        services.concern_add_note(
            actor=viewer,
            concern=concern,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
            request=request,
        )
        messages.success(request, "Further information added.")
        return redirect("concerns:detail", concern_id=concern.pk)
    return render(request, "concerns/note.html", {"concern": concern, "form": form}, status=400)


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def amend(request: CairnRequest, concern_id: UUID) -> HttpResponse:
    """The safeguarding team corrects a concern's text: a new version, with the reason."""
    viewer = request.membership
    concern = access.access_concern_for_triage(viewer=viewer, concern_id=concern_id)
    current = selectors.latest_version(concern)
    categories = selectors.categories_for(school=viewer.school)
    initial = {
        "facts": current.facts,
        "child_words": current.child_words,
        "child_themes": list(current.themes),
        "categories": list(current.categories.all()),
    }
    form = AmendForm(posted(request), initial=initial, categories=categories)
    written = form_write(
        request,
        form,
        lambda: services.concern_amend(
            actor=viewer,
            concern=concern,
            facts=form.cleaned_data["facts"],
            child_words=form.cleaned_data["child_words"],
            themes=form.cleaned_data["child_themes"],
            categories=list(form.cleaned_data["categories"]),
            reason=form.cleaned_data["reason"],
            request=request,
        ),
    )
    if written:
        messages.success(request, "Amendment saved as a new version.")
        return redirect("concerns:detail", concern_id=concern.pk)
    child_form_read(
        viewer=viewer,
        pupil_ids=services.concern_pupil_ids(concern),
        form="amend a concern",
        request=request,
    )
    return render(
        request,
        "concerns/amend.html",
        {"concern": concern, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@role_required(READERS)
def attachment(request: CairnRequest, attachment_id: UUID) -> HttpResponse:
    viewer = request.membership
    item = access.access_attachment(viewer=viewer, attachment_id=attachment_id)
    path = services.attachment_path(item)
    if not path.exists():
        raise Http404("The file is missing")
    services.audit_per_child(
        actor=viewer,
        action=AuditAction.ATTACHMENT_DOWNLOADED,
        concern=item.concern,
        pupil_ids=services.concern_pupil_ids(item.concern),
        request=request,
        details={"attachment": str(item.pk)},
    )
    # Attachments are small (CAIRN_UPLOAD_LIMITS["attachment"]), so they are read whole.
    response = HttpResponse(path.read_bytes(), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=item.original_name
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
