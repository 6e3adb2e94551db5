"""The retention review queue and a child's retention page (records-and-access.md §9)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import services as audit
from audit.models import AuditAction
from pupils.access import child_list_read
from pupils.models import Pupil
from retention import services
from retention.access import RETENTION_ROLES, access_pupil_retention
from retention.forms import ACTIONS, DecisionForm, PolicyForm
from retention.models import Tombstone
from retention.selectors import retention_state, retention_years, review_queue, rule_text
from schools.http import CairnRequest, role_required
from schools.models import DSL_TEAM_ROLES
from ui.forms import form_write

_ROLES = list(RETENTION_ROLES)


@require_GET
@role_required(_ROLES)
def queue(request: CairnRequest) -> HttpResponse:
    """Records that have reached their retention date, destruction waiting for the headteacher,
    records on legal hold, the school's period and the records destroyed (tombstones)."""
    viewer = request.membership
    school = viewer.school
    assert school is not None
    today = timezone.localdate()
    found = review_queue(school=school, today=today)
    child_list_read(
        viewer=viewer, listed="records due for retention review", count=found.count, request=request
    )
    years = retention_years(school.pk)
    return render(
        request,
        "retention/queue.html",
        {
            "queue": found,
            "today": today,
            "years": years,
            "rule": rule_text(years),
            "policy_form": PolicyForm(initial={"years": years})
            if viewer.role in DSL_TEAM_ROLES
            else None,
            "tombstones": Tombstone.objects.filter(school=school).select_related(
                "proposed_by__user", "approved_by__user"
            )[:50],
        },
    )


@require_POST
@role_required(list(DSL_TEAM_ROLES))
def policy(request: CairnRequest) -> HttpResponse:
    """Set the school's retention period."""
    viewer = request.membership
    form = PolicyForm(request.POST)
    written = form_write(
        request, form, lambda: services.policy_set(actor=viewer, years=form.cleaned_data["years"])
    )
    if written:
        messages.success(
            request,
            f"Records now come up for review {written.value.years_after_birth} years "
            "after the child's date of birth.",
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("retention:queue")


def _choices(request: CairnRequest, pupil: Pupil) -> list[str]:
    viewer = request.membership
    state = retention_state(pupil)
    today = timezone.localdate()
    team = viewer.role in DSL_TEAM_ROLES
    choices = []
    if state.held:
        choices.append("release")
    else:
        choices.append("hold")
        if state.proposal is not None:
            choices.append("withdraw")
            if not team and state.proposal.proposed_by.user_id != viewer.user_id:
                choices.append("approve")
        elif team and state.reached(today):
            choices += ["keep", "propose"]
    return choices


def _write(request: CairnRequest, pupil: Pupil, form: DecisionForm) -> str:
    viewer = request.membership
    data = form.cleaned_data
    action, reason = form.action, data.get("reason") or ""
    if action not in _choices(request, pupil):
        raise ValidationError("That decision cannot be made on this record now.")
    if action == "keep":
        services.retention_keep(actor=viewer, pupil=pupil, years=data["years"], reason=reason)
        return f"Kept for {data['years']} more year{'s' if data['years'] != 1 else ''}."
    if action == "hold":
        services.legal_hold_place(actor=viewer, pupil=pupil, reason=reason)
        return "Placed on legal hold: nothing of the record may be destroyed."
    if action == "release":
        services.legal_hold_release(actor=viewer, pupil=pupil, reason=reason)
        return "Legal hold released."
    if action == "propose":
        services.destruction_propose(actor=viewer, pupil=pupil, reason=reason)
        return "Destruction proposed: the headteacher must approve it."
    if action == "withdraw":
        services.destruction_withdraw(actor=viewer, pupil=pupil, reason=reason)
        return "Proposed destruction withdrawn."
    services.destruction_approve(actor=viewer, pupil=pupil, confirmed=data["confirmed"])
    return "The record was destroyed. A tombstone without the child's details is kept."


def _page(request: CairnRequest, pupil: Pupil, *, failed: DecisionForm | None) -> HttpResponse:
    viewer = request.membership
    state = retention_state(pupil)
    audit.record(
        actor=viewer,
        action=AuditAction.RETENTION_VIEWED,
        target=pupil,
        pupil_id=pupil.pk,
        request=request,
    )
    forms = []
    for action in _choices(request, pupil):
        form = failed if failed is not None and failed.action == action else None
        forms.append(
            {
                "action": action,
                "label": ACTIONS[action],
                "form": form or DecisionForm(action=action),
                "open": form is not None,
            }
        )
    return render(
        request,
        "retention/pupil.html",
        {
            "pupil": pupil,
            "retention": state,
            "status": state.status(timezone.localdate()),
            "forms": forms,
            "failed": failed,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(_ROLES)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """The child's retention date, the decisions so far, and the decisions open to the viewer."""
    child = access_pupil_retention(viewer=request.membership, pupil_id=pupil_id)
    if request.method != "POST":
        return _page(request, child, failed=None)
    action = request.POST.get("decision", "")
    if action not in ACTIONS:
        messages.error(request, "Choose a decision.")
        return redirect("retention:pupil", pupil_id=child.pk)
    form = DecisionForm(request.POST, action=action)
    written = form_write(request, form, lambda: _write(request, child, form))
    if written:
        messages.success(request, written.value)
        if not Pupil.objects.filter(pk=child.pk).exists():
            return redirect("retention:queue")
        return redirect("retention:pupil", pupil_id=child.pk)
    return _page(request, child, failed=form)
