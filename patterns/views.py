"""The DSL's findings inbox and a finding with its evidence and the decision form."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from casework.models import Escalation
from casework.services import escalation_open, stages_for
from patterns.access import FINDING_READERS, access_finding
from patterns.citations import plain, sources
from patterns.forms import (
    DetectorSettingsForm,
    EscalationFromFindingForm,
    FindingDecisionForm,
    FindingsOnForm,
)
from patterns.models import Finding, FindingOutcome
from patterns.registry import all_detectors, get_detector
from patterns.selectors import (
    configs_for_schools,
    earlier_decisions,
    evidence_rows,
    finding_children_on_roll,
    findings_as_they_stood,
    findings_for_pupil,
    findings_for_school,
    household_labels,
    raised_from_records_as_of,
    words_marked,
)
from patterns.services import detector_settings_set, finding_decide
from pupils.access import access_pupil, child_form_read, child_list_read
from pupils.models import Pupil
from schools.http import CairnRequest, role_required
from schools.models import DSL_TEAM_ROLES, Role
from ui.forms import form_write

DSL_TEAM = sorted(DSL_TEAM_ROLES)


def _sentence(text: str) -> str:
    """A paragraph shown on its own starts with a capital letter."""
    return text[:1].upper() + text[1:]


def _explanation(slug: str) -> dict[str, Any]:
    """The detector's explanation for the DSL: its sources named as a reader cites them."""
    try:
        entry = get_detector(slug)
    except KeyError:
        return {"summary": slug, "why": "", "evidence": "", "does_not_mean": "", "sources": []}
    why, evidence = entry.section("Why"), entry.section("Evidence")
    return {
        "summary": entry.summary,
        "why": _sentence(plain(why)),
        "evidence": _sentence(plain(evidence)),
        "does_not_mean": plain(entry.section("Does not mean")),
        "sources": sources(why, evidence),
    }


@require_GET
@role_required(FINDING_READERS)
def inbox(request: CairnRequest) -> HttpResponse:
    show_stale = request.GET.get("stale") == "1"
    findings = list(
        findings_for_school(school_id=request.membership.school_id, include_stale=show_stale)
    )
    homes = household_labels(f.household_id for f in findings if f.household_id)
    rows = [
        {
            "finding": f,
            "summary": _explanation(f.detector)["summary"],
            "household": homes.get(f.household_id, "a household"),
        }
        for f in findings
    ]
    child_list_read(
        viewer=request.membership,
        listed="findings",
        count=len(rows),
        request=request,
        details={"stale_shown": show_stale},
    )
    return render(request, "patterns/inbox.html", {"rows": rows, "show_stale": show_stale})


@require_http_methods(["GET", "POST"])
@role_required(FINDING_READERS)
def detail(request: CairnRequest, finding_id: UUID) -> HttpResponse:
    finding = access_finding(viewer=request.membership, finding_id=finding_id)
    form = FindingDecisionForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.is_dsl_team:
            raise PermissionDenied
        written = form_write(
            request,
            form,
            lambda: finding_decide(
                actor=request.membership,
                finding=finding,
                outcome=FindingOutcome(form.cleaned_data["outcome"]),
                action_taken=form.cleaned_data["action_taken"],
                case_reference=form.cleaned_data["case_reference"],
                rationale=form.cleaned_data["rationale"],
                request=request,
            ),
        )
        if written:
            messages.success(request, "Your decision has been recorded.")
            return redirect("patterns:detail", finding_id=finding.pk)
    audit.record(
        actor=request.membership,
        action=AuditAction.FINDING_VIEWED,
        target=finding,
        pupil_id=finding.pupil_id,
        request=request,
    )
    context = {
        "finding": finding,
        "explanation": _explanation(finding.detector),
        "decisions": finding.decisions.select_related("decided_by__user"),
        "evidence": _with_words(request, finding),
        "earlier": earlier_decisions(finding=finding),
        "form": form,
        "household_label": household_labels([finding.household_id]).get(finding.household_id)
        if finding.household_id
        else "",
    }
    return render(request, "patterns/finding.html", context)


def _with_words(request: CairnRequest, finding: Finding) -> list[dict[str, Any]]:
    """The evidence rows, each with the child's words it holds marked where they matched."""
    words = words_marked(viewer=request.membership, finding=finding)
    rows = evidence_rows(viewer=request.membership, finding=finding)
    for row in rows:
        row["words"] = words.get(row["id"], [])
    return rows


@require_GET
@role_required(FINDING_READERS)
def pupil_findings(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """A child's findings: those waiting now, or, with a date, as they stood on that day (the
    findings Cairn had raised by then with the decisions made by then, and what the records
    written by then show). Audited either way."""
    pupil = access_pupil(viewer=request.membership, pupil_id=pupil_id)
    today = timezone.localdate()
    form = FindingsOnForm(request.GET or None, today=today)
    on = form.cleaned_data["on"] if form.is_bound and form.is_valid() else None
    audit.record(
        actor=request.membership,
        action=AuditAction.CHILD_FINDINGS_VIEWED,
        target=pupil,
        pupil_id=pupil.pk,
        request=request,
        details={"as_of": on.isoformat() if on else None},
    )
    context: dict[str, Any] = {"pupil": pupil, "form": form, "on": on}
    if on is None:
        context["rows"] = findings_for_pupil(viewer=request.membership, pupil_id=pupil.pk)
    else:
        context["stood"] = findings_as_they_stood(
            viewer=request.membership, pupil_id=pupil.pk, on=on
        )
        context["recomputed"] = raised_from_records_as_of(pupil=pupil, on=on)
    return render(request, "patterns/pupil.html", context)


_SETTERS = [Role.DSL, Role.DEPUTY_DSL]


@require_GET
@role_required(_SETTERS)
def settings_list(request: CairnRequest) -> HttpResponse:
    school_id = str(request.membership.school_id)
    configs = configs_for_schools([school_id])(school_id)
    rows = [
        {
            "entry": entry,
            "enabled": configs[entry.slug] is not None,
            "changed": bool(
                configs[entry.slug] is not None and configs[entry.slug] != entry.defaults()
            ),
        }
        for entry in all_detectors()
    ]
    return render(request, "patterns/settings.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(_SETTERS)
def settings_edit(request: CairnRequest, slug: str) -> HttpResponse:
    try:
        entry = get_detector(slug)
    except KeyError as error:
        raise Http404("No such detector") from error
    school = request.membership.school
    assert school is not None
    current = configs_for_schools([str(school.pk)])(str(school.pk))[slug]
    form = DetectorSettingsForm(
        request.POST or None,
        entry=entry,
        current=current if current is not None else entry.defaults(),
        enabled=current is not None,
    )
    if request.method == "POST" and form.is_valid():
        # The form has checked each value against its default's kind, as the service does.
        detector_settings_set(
            actor=request.membership,
            school=school,
            detector=slug,
            enabled=form.cleaned_data["enabled"],
            values=form.values(),
        )
        messages.success(request, f"Settings for “{entry.summary}” saved.")
        return redirect("patterns:settings")
    context = {"entry": entry, "why": plain(entry.section("Why")), "form": form}
    return render(request, "patterns/settings_edit.html", context)


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def escalate(request: CairnRequest, finding_id: UUID) -> HttpResponse:
    """Open an escalation (professional challenge) from a finding: the DSL team challenges
    another agency's decision through the school's escalation procedure. A finding about a
    household asks which of its children on the school's roll the challenge is about."""
    viewer = request.membership
    finding = access_finding(viewer=viewer, finding_id=finding_id)
    children = finding_children_on_roll(viewer=viewer, finding=finding)
    if not children:
        raise Http404("No child of this finding is on the school's roll")
    form = EscalationFromFindingForm(
        request.POST if request.method == "POST" else None,
        children=[(str(p.pk), p.display_name) for p in children],
    )
    first = stages_for(finding.school_id)[0]
    summary = _explanation(finding.detector)["summary"]

    def write() -> tuple[Pupil, Escalation]:
        data = form.cleaned_data
        child = next((p for p in children if str(p.pk) == data.get("child")), children[0])
        return child, escalation_open(
            actor=viewer,
            pupil=child,
            finding_id=finding.pk,
            reason=data["reason"],
            opened_on=data["opened_on"],
            what_was_said=data["what_was_said"],
            request=request,
        )

    written = form_write(request, form, write)
    if written:
        child, escalation = written.value
        stage = escalation.stages.get(position=1)
        messages.success(
            request, f"Escalation opened: {stage.name.lower()} stage, due {stage.due_on:%-d %B %Y}."
        )
        return redirect(reverse("casework:pupil", args=[child.pk]) + "#escalations")
    child_form_read(
        viewer=viewer,
        pupil_ids=[p.pk for p in children],
        form="open an escalation from a finding",
        request=request,
    )
    return render(
        request,
        "patterns/escalate.html",
        {
            "finding": finding,
            "summary": summary,
            "form": form,
            "first": first,
            "children": children,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
