"""The safeguarding team's decisions and actions on a concern: a decision (`decide`), the
outcome of a referral (`referral_outcome`), an action assigned (`assign_action`) and an action
marked done by the person it was assigned to (`complete_action`).
"""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from concerns import access, services
from concerns.forms import (
    ActionForm,
    CompleteActionForm,
    DecisionForm,
    ReferralOutcomeForm,
    posted,
)
from concerns.models import Outcome
from concerns.views.roles import DSL_TEAM, RECORDERS
from schools.http import CairnRequest, role_required
from ui.forms import form_write


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
