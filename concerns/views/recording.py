"""Recording a concern: the form any member of staff fills in (`record`), the draft kept while
they type (`draft_save`, `draft_discard`) and the concerns they recorded themselves (`mine`).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.bounds import upload_limit
from concerns import access, selectors, services
from concerns.forms import (
    ConcernForm,
    concern_form_for,
    draft_from,
    posted,
    posted_files,
)
from concerns.models import BodyRegion, BodySide, ConcernDraft
from concerns.views.roles import RECORDERS
from pupils.access import child_list_read
from schools.http import CairnRequest, role_required
from ui.forms import form_error, form_write


def _concern_form(
    request: CairnRequest, *, initial: dict[str, object] | None = None
) -> ConcernForm:
    return concern_form_for(
        viewer=request.membership,
        data=posted(request),
        files=posted_files(request),
        initial=initial,
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def record(request: CairnRequest) -> HttpResponse:
    """Record a concern: any member of staff, on a phone or a desktop, in under a minute. What
    they have typed is kept as a draft (`draft_save`) and filled in again when they come back."""
    viewer = request.membership
    # A posted form is filled in from what was posted: the draft is shown only on a GET.
    draft = access.access_draft(viewer=viewer) if request.method == "GET" else None
    if draft is not None:
        services.draft_opened(actor=viewer, draft=draft, request=request)
    form = _concern_form(request, initial=draft.fields if draft is not None else None)
    written = form_write(
        request,
        form,
        lambda: services.concern_submit(
            actor=viewer,
            data=services.ConcernInput(
                children=[services.ChildPart(pupil=p, part=part) for p, part in form.children()],
                occurred_at=form.occurred_at(),
                facts=form.cleaned_data["facts"],
                child_words=form.cleaned_data["child_words"],
                themes=form.cleaned_data["child_themes"],
                location=form.cleaned_data["location"],
                categories=list(form.cleaned_data["categories"]),
                marks=form.marks(),
                attachments=form.cleaned_data["attachments"],
                urgent_told_dsl=form.cleaned_data["urgent_told_dsl"],
                told_dsl_name=form.cleaned_data["told_dsl_name"],
                form_key=form.cleaned_data["form_key"],
            ),
            request=request,
        ),
    )
    if written:
        messages.success(request, "Concern recorded. The safeguarding team has been alerted.")
        return redirect("concerns:detail", concern_id=written.value.pk)
    return _record_page(request, form, draft=draft)


def _record_page(
    request: CairnRequest, form: ConcernForm, *, draft: ConcernDraft | None
) -> HttpResponse:
    viewer = request.membership
    child_list_read(
        viewer=viewer,
        listed="children on roll (concern form)",
        count=form.fields["child_1"].queryset.count(),  # type: ignore[attr-defined]
        request=request,
    )
    return render(
        request,
        "concerns/record.html",
        {
            "form": form,
            "draft": draft,
            "categories": form.fields["categories"].queryset,  # type: ignore[attr-defined]
            "regions": BodyRegion.choices,
            "sides": BodySide.choices,
            "accepted_types": ", ".join(settings.CAIRN_ATTACHMENT_TYPES),
            "max_mb": upload_limit("attachment") // (1024 * 1024),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@role_required(RECORDERS)
def draft_save(request: CairnRequest) -> HttpResponse:
    """Keep what has been typed into the concern form as the author's draft: sent by htmx as
    they type (and when the idle warning appears), or by the form's "Save draft" button."""
    viewer = request.membership
    form = _concern_form(request)
    try:
        fields, pupil = draft_from(form)
    except ValidationError as error:
        if request.htmx:
            return render(
                request, "concerns/includes/draft_status.html", {"problem": error.messages[0]}
            )
        form_error(form, error)
        return _record_page(request, form, draft=None)
    draft = services.draft_save(actor=viewer, fields=fields, pupil=pupil, request=request)
    if draft is None:  # the form was submitted as this save was sent: the concern is recorded
        if request.htmx:
            return render(request, "concerns/includes/draft_status.html", {"submitted": True})
        messages.success(request, "This concern has already been recorded; there is no draft.")
        return redirect("concerns:mine")
    if request.htmx:
        return render(request, "concerns/includes/draft_status.html", {"draft": draft})
    messages.success(
        request, "Your draft is saved. Only you can see it. Carry on now or come back to it later."
    )
    return redirect("concerns:record")


@require_POST
@role_required(RECORDERS)
def draft_discard(request: CairnRequest) -> HttpResponse:
    """Delete the author's draft, to start a concern afresh."""
    viewer = request.membership
    draft = access.access_draft(viewer=viewer)
    if draft is not None:
        services.draft_delete(actor=viewer, draft=draft, why="discarded", request=request)
        messages.success(request, "Your draft has been deleted.")
    return redirect("concerns:record")


@require_GET
@role_required(RECORDERS)
def mine(request: CairnRequest) -> HttpResponse:
    concerns = list(selectors.concerns_recorded_by(viewer=request.membership)[:200])
    actions = list(selectors.actions_for(viewer=request.membership)[:100])
    child_list_read(
        viewer=request.membership,
        listed="concerns I recorded and my actions",
        count=len(concerns) + len(actions),
        request=request,
        details={"concerns": len(concerns), "actions": len(actions)},
    )
    receipts = selectors.receipts_for(concerns)
    return render(
        request,
        "concerns/mine.html",
        {
            "concerns": [(c, receipts[c.pk]) for c in concerns],
            "open_actions": [a for a in actions if not getattr(a, "is_done", False)],
            "done_actions": [a for a in actions if getattr(a, "is_done", False)],
            "today": timezone.localdate(),
            "draft": access.access_draft(viewer=request.membership),
        },
    )
