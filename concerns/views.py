"""Recording concerns; the safeguarding team's inbox, decisions and actions; search."""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import services as audit
from audit.bounds import upload_limit
from audit.models import AuditAction
from concerns import access, selectors, services
from concerns.forms import (
    ActionForm,
    AmendForm,
    CompleteActionForm,
    ConcernForm,
    DecisionForm,
    NoteForm,
    ReferralOutcomeForm,
    SearchForm,
    concern_form_for,
    draft_from,
    posted,
    posted_files,
)
from concerns.models import BodyRegion, BodySide, ConcernDraft, ConcernPupil, Outcome
from pupils.access import child_form_read, child_list_read
from schools.http import CairnRequest, role_required
from schools.models import OWN_RECORD_ROLES, Role
from ui.forms import form_error, form_write

# Every member of staff records concerns; staff and the attendance lead read back only their own
# (concerns.access decides which concern each may open).
RECORDERS = [*sorted(OWN_RECORD_ROLES), Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER]
READERS = [*RECORDERS, Role.TRUST_LEAD]
DSL_TEAM = [Role.DSL, Role.DEPUTY_DSL]


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


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def decide(request: CairnRequest, concern_id: UUID) -> HttpResponse:
    viewer = request.membership
    concern = access.access_concern_for_triage(viewer=viewer, concern_id=concern_id)
    supersedes = None
    supersedes_id = request.GET.get("supersedes") or request.POST.get("supersedes")
    if supersedes_id:
        try:
            supersedes = access.access_decision_for_triage(
                viewer=viewer, decision_id=UUID(supersedes_id)
            )
        except ValueError as exc:
            raise Http404("No such decision") from exc
    form = DecisionForm(posted(request), supersedes=supersedes is not None)
    written = form_write(
        request,
        form,
        lambda: services.decision_record(
            actor=viewer,
            concern=concern,
            data=services.DecisionInput(
                outcome=Outcome(form.cleaned_data["outcome"]),
                rationale=form.cleaned_data["rationale"],
                review_date=form.cleaned_data["review_date"],
                agency=form.cleaned_data["agency"],
                referral_reference=form.referral()[0],
                referral_date=form.referral()[1],
                outcome_expected_by=form.referral()[2],
                adult_name=form.cleaned_data["adult_name"],
                adult_role=form.cleaned_data["adult_role"],
            ),
            supersedes=supersedes,
            change_reason=form.cleaned_data["change_reason"],
            request=request,
        ),
    )
    if written:
        messages.success(request, "Decision recorded.")
        return redirect("concerns:detail", concern_id=concern.pk)
    return render(
        request,
        "concerns/decide.html",
        {"concern": concern, "form": form, "supersedes": supersedes},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def referral_outcome(request: CairnRequest, decision_id: UUID) -> HttpResponse:
    viewer = request.membership
    decision = access.access_decision_for_triage(viewer=viewer, decision_id=decision_id)
    if not decision.is_referral:
        raise Http404("Not a referral")
    form = ReferralOutcomeForm(posted(request))
    written = form_write(
        request,
        form,
        lambda: services.referral_outcome_record(
            actor=viewer,
            decision=decision,
            received_on=form.cleaned_data["received_on"],
            outcome=form.cleaned_data["outcome"],
            school_agrees=form.cleaned_data["school_agrees"],
            next_steps=form.cleaned_data["next_steps"],
            request=request,
        ),
    )
    if written:
        messages.success(request, "Referral outcome recorded.")
        return redirect("concerns:detail", concern_id=decision.concern_id)
    return render(
        request,
        "concerns/referral_outcome.html",
        {"decision": decision, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def assign_action(request: CairnRequest, concern_id: UUID) -> HttpResponse:
    viewer = request.membership
    concern = access.access_concern_for_triage(viewer=viewer, concern_id=concern_id)
    form = ActionForm(posted(request), staff=access.action_assignees_for(concern=concern))
    written = form_write(
        request,
        form,
        lambda: services.action_assign(
            actor=viewer,
            concern=concern,
            assignee=form.cleaned_data["assignee"],
            description=form.cleaned_data["description"],
            due_on=form.cleaned_data["due_on"],
            request=request,
        ),
    )
    if written:
        messages.success(request, "Action assigned.")
        return redirect("concerns:detail", concern_id=concern.pk)
    return render(
        request,
        "concerns/assign_action.html",
        {"concern": concern, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(RECORDERS)
def complete_action(request: CairnRequest, action_id: UUID) -> HttpResponse:
    viewer = request.membership
    action = access.access_action(viewer=viewer, action_id=action_id)
    form = CompleteActionForm(posted(request))
    written = form_write(
        request,
        form,
        lambda: services.action_complete(
            actor=viewer, action=action, note=form.cleaned_data["note"], request=request
        ),
    )
    if written:
        messages.success(request, "Action marked as done.")
        return redirect("concerns:mine")
    return render(
        request,
        "concerns/complete_action.html",
        {"action": action, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# The headteacher reads every concern at the school, so lists them too; only the DSL team decides.
SCHOOL_READERS = [*DSL_TEAM, Role.HEADTEACHER]


@require_GET
@role_required(SCHOOL_READERS)
def inbox(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    concerns = list(selectors.inbox_for(viewer=viewer)[:200])
    children = Prefetch(
        "concern__parts", queryset=ConcernPupil.objects.select_related("pupil").order_by("part")
    )
    overdue = list(selectors.overdue_actions(viewer=viewer).prefetch_related(children)[:200])
    reviews = list(
        selectors.reviews_due(viewer=viewer)
        .prefetch_related(children)
        .order_by("review_date")[:200]
    )
    child_list_read(
        viewer=viewer,
        listed="concerns inbox",
        count=len(concerns) + len(overdue) + len(reviews),
        request=request,
        details={"concerns": len(concerns), "overdue": len(overdue), "reviews": len(reviews)},
    )
    return render(
        request,
        "concerns/inbox.html",
        {
            "concerns": concerns,
            "unseen": selectors.unseen_alerts(viewer=viewer),
            "overdue": overdue,
            "reviews": reviews,
            "can_triage": viewer.is_dsl_team,
            "panels": selectors.inbox_panels(viewer=viewer),
            "today": timezone.localdate(),
        },
    )


@require_GET
@role_required(DSL_TEAM)
def actions(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    open_actions = list(selectors.open_actions_for_school(viewer=viewer))
    child_list_read(viewer=viewer, listed="open actions", count=len(open_actions), request=request)
    return render(
        request,
        "concerns/actions.html",
        {"actions": open_actions, "today": timezone.localdate()},
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


@require_GET
@role_required(SCHOOL_READERS)
def search(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    categories = selectors.categories_for(school=viewer.school)
    form = SearchForm(request.GET or None, categories=categories)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        criteria = selectors.ConcernSearch(
            words=data["q"].strip(),
            category_id=data["category"].pk if data["category"] else None,
            author=data["author"].strip(),
            child=data["child"].strip(),
            start=data["start"],
            end=data["end"],
        )
        if not criteria.is_empty:
            results = list(
                selectors.concern_search(viewer=viewer, search=criteria)[: selectors.SEARCH_LIMIT]
            )
            audit.record(
                actor=viewer,
                action=AuditAction.CONCERNS_SEARCHED,
                request=request,
                details={k: str(v) for k, v in request.GET.items() if v},
            )
    template = "concerns/search.html#results" if request.htmx else "concerns/search.html"
    return render(
        request,
        template,
        {"form": form, "results": results, "limit": selectors.SEARCH_LIMIT},
    )


@require_GET
@role_required([Role.DSL, Role.HEADTEACHER])
def allegations(request: CairnRequest) -> HttpResponse:
    """The separate, restricted register of allegations about adults (LADO)."""
    viewer = request.membership
    records = access.allegations_visible_to(viewer=viewer).select_related(
        "decision__concern", "recorded_by__user"
    )
    audit.record(actor=viewer, action=AuditAction.ALLEGATION_REGISTER_VIEWED, request=request)
    return render(request, "concerns/allegations.html", {"records": records})
