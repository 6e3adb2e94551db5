"""Recording and reading the child's voice; check-ins for trusted adults and the DSL."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from pupils.access import child_form_read, child_list_read, pupils_on_roll_for
from schools.http import CairnRequest, role_required
from schools.models import DSL_TEAM_ROLES
from ui.forms import form_error, form_write
from voice import attachments, selectors, services
from voice.access import (
    SCHOOL_WIDE_VOICE_READERS,
    VOICE_RECORDERS,
    access_pupil_to_plan,
    access_pupil_to_record,
    access_pupil_voice,
    access_voice_attachment,
    access_voice_entry,
    access_voice_entry_to_amend,
    may_amend,
    voice_entries_visible_to,
)
from voice.forms import PlanForm, VoiceAmendForm, VoiceEntryForm, VoiceSettingsForm
from voice.models import PROMPTS, SupportLevel, VoiceEntryVersion

_RECORDERS = list(VOICE_RECORDERS)
_SCHOOL_READERS = list(SCHOOL_WIDE_VOICE_READERS)
_DSL_TEAM = list(DSL_TEAM_ROLES)


@require_GET
@role_required(_RECORDERS)
def record_choose(request: CairnRequest) -> HttpResponse:
    """Find the child to record for: the adult's own children first, then a name search."""
    text = request.GET.get("q", "").strip()[:100]
    pupils = pupils_on_roll_for(viewer=request.membership)
    found = []
    if text:
        for word in text.split():
            pupils = pupils.filter(
                Q(legal_forename__icontains=word)
                | Q(legal_surname__icontains=word)
                | Q(preferred_forename__icontains=word)
                | Q(preferred_surname__icontains=word)
            )
        found = list(pupils.order_by("legal_surname", "legal_forename")[:20])
    mine = selectors.check_ins_for_adult(viewer=request.membership)
    child_list_read(
        viewer=request.membership,
        listed="children to record a voice entry for",
        count=len(found) + len(mine),
        request=request,
        details={"query": text, "found": len(found), "my_check_ins": len(mine)},
    )
    context = {"text": text, "found": found, "mine": mine}
    template = "voice/record_choose.html#results" if request.htmx else "voice/record_choose.html"
    return render(request, template, context)


# Dates go to the form as ISO strings: an <input type="date"> accepts only that, and a date
# object would be printed in the template's localised format.
def _initial_entry(request: CairnRequest) -> dict[str, object]:
    now = timezone.localtime()
    return {
        "occurred_on": now.date().isoformat(),
        "occurred_time": now.strftime("%H:%M"),
        "asked_by": request.user.full_name,
    }


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def record(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    pupil = access_pupil_to_record(viewer=request.membership, pupil_id=pupil_id)
    form = VoiceEntryForm(
        request.POST or None, request.FILES or None, initial=_initial_entry(request)
    )
    written = form_write(
        request,
        form,
        lambda: services.voice_entry_record(
            actor=request.membership,
            pupil=pupil,
            content=form.content(),
            attachment=form.cleaned_data["attachment"],
            attachment_description=form.cleaned_data["attachment_description"],
            request=request,
        ),
        field_aliases={"occurred_at": "occurred_on"},
    )
    if written:
        messages.success(request, f"{pupil.display_name}'s voice has been recorded.")
        return redirect("voice:entry", entry_id=written.value.pk)
    child_form_read(
        viewer=request.membership,
        pupil_ids=[pupil.pk],
        form="record the child's voice",
        request=request,
    )
    return render(request, "voice/record.html", {"pupil": pupil, "form": form})


@require_GET
@role_required(_RECORDERS)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """The child's voice page: the entries this viewer may read, and the check-in position."""
    child = access_pupil_voice(viewer=request.membership, pupil_id=pupil_id)
    visible = voice_entries_visible_to(viewer=request.membership)
    entries = list(selectors.entries_for_pupil(visible=visible, pupil=child))
    school = request.membership.school
    assert school is not None
    check_in = selectors.check_in_for_pupil(pupil=child, school=school)
    is_reader = request.membership.role in SCHOOL_WIDE_VOICE_READERS
    is_trusted_adult = (
        check_in.trusted_adult is not None and check_in.trusted_adult.pk == request.membership.pk
    )
    audit.record(
        actor=request.membership,
        action=AuditAction.VOICE_ENTRIES_LISTED,
        target=child,
        pupil_id=child.pk,
        request=request,
        details={"entries": [str(e.pk) for e in entries]},
    )
    return render(
        request,
        "voice/pupil.html",
        {
            "pupil": child,
            "entries": entries,
            "check_in": check_in if (is_reader or is_trusted_adult) else None,
            "show_status": is_reader,
            "may_plan": request.membership.role in DSL_TEAM_ROLES,
            "may_record": pupils_on_roll_for(viewer=request.membership)
            .filter(pk=child.pk)
            .exists(),
        },
    )


@require_GET
@role_required(_RECORDERS)
def entry(request: CairnRequest, entry_id: UUID) -> HttpResponse:
    found = access_voice_entry(viewer=request.membership, entry_id=entry_id)
    versions = selectors.versions_of(found)
    audit.record(
        actor=request.membership,
        action=AuditAction.VOICE_ENTRY_VIEWED,
        target=found,
        pupil_id=found.pupil_id,
        request=request,
        details={"version": versions[0].number},
    )
    return render(
        request,
        "voice/entry.html",
        {
            "entry": found,
            "pupil": found.pupil,
            "current": versions[0],
            "earlier": versions[1:],
            "attachments": found.attachments.select_related("added_in"),
            "may_amend": may_amend(viewer=request.membership, entry=found),
        },
    )


def _initial_from(version: VoiceEntryVersion) -> dict[str, object]:
    local = timezone.localtime(version.occurred_at)
    initial: dict[str, object] = {
        "occurred_on": local.date().isoformat(),
        "occurred_time": local.strftime("%H:%M"),
        "occasion": version.occasion,
        "words": version.words,
        "share_methods": version.share_methods,
        "scale_question": version.scale_question,
        "scale_score": version.scale_score,
        "asked_by": version.asked_by,
        "place": version.place,
        "other_adult_present": version.other_adult_present,
        "other_adult": version.other_adult,
        "communication": version.communication,
        "communication_notes": version.communication_notes,
        "reflection": version.reflection,
    }
    initial.update({name: getattr(version, name) for name, _ in PROMPTS})
    return initial


@require_http_methods(["GET", "POST"])
@role_required(_RECORDERS)
def amend(request: CairnRequest, entry_id: UUID) -> HttpResponse:
    found = access_voice_entry_to_amend(viewer=request.membership, entry_id=entry_id)
    current = selectors.versions_of(found)[0]
    form = VoiceAmendForm(
        request.POST or None, request.FILES or None, initial=_initial_from(current)
    )
    written = form_write(
        request,
        form,
        lambda: services.voice_entry_amend(
            actor=request.membership,
            entry=found,
            content=form.content(),
            reason=form.cleaned_data["amendment_reason"],
            attachment=form.cleaned_data["attachment"],
            attachment_description=form.cleaned_data["attachment_description"],
            request=request,
        ),
        field_aliases={"occurred_at": "occurred_on"},
    )
    if written:
        messages.success(request, "The entry has been amended. The earlier version is kept.")
        return redirect("voice:entry", entry_id=found.pk)
    child_form_read(
        viewer=request.membership,
        pupil_ids=[found.pupil_id],
        form="amend a voice entry",
        request=request,
    )
    return render(request, "voice/amend.html", {"entry": found, "pupil": found.pupil, "form": form})


@require_GET
@role_required(_RECORDERS)
def attachment(request: CairnRequest, attachment_id: UUID) -> HttpResponse:
    found = access_voice_attachment(viewer=request.membership, attachment_id=attachment_id)
    path = attachments.path_of(found.stored_as)
    if not path.is_file():
        raise Http404("The file is missing")
    audit.record(
        actor=request.membership,
        action=AuditAction.VOICE_ATTACHMENT_VIEWED,
        target=found,
        pupil_id=found.entry.pupil_id,
        request=request,
    )
    # Attachments are small (settings.CAIRN_UPLOAD_LIMITS["voice_attachment"]), so read whole.
    response = HttpResponse(path.read_bytes(), content_type=found.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=found.content_type == "application/pdf", filename=found.original_name
        )
        or "inline"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@role_required(_RECORDERS)
def my_check_ins(request: CairnRequest) -> HttpResponse:
    """The children this adult checks in with, overdue first."""
    check_ins = selectors.check_ins_for_adult(viewer=request.membership)
    child_list_read(
        viewer=request.membership,
        listed="my check-ins",
        count=len(check_ins),
        request=request,
    )
    return render(request, "voice/my_check_ins.html", {"check_ins": check_ins})


@require_GET
@role_required(_SCHOOL_READERS)
def school_check_ins(request: CairnRequest) -> HttpResponse:
    """Every child with a cadence at the school; those not heard from in longer than their
    cadence first."""
    school = request.membership.school
    assert school is not None
    check_ins = selectors.check_ins_for_school(school=school)
    overdue = sorted(
        (c for c in check_ins if c.state == selectors.DueState.OVERDUE),
        key=lambda c: -c.days_overdue,
    )
    others = [c for c in check_ins if c.state != selectors.DueState.OVERDUE]
    child_list_read(
        viewer=request.membership,
        listed="the school's check-ins",
        count=len(check_ins),
        request=request,
        details={"overdue": len(overdue)},
    )
    return render(
        request,
        "voice/school_check_ins.html",
        {"overdue": overdue, "others": others, "may_plan": request.membership.is_dsl_team},
    )


@require_http_methods(["GET", "POST"])
@role_required(_DSL_TEAM)
def plan(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """The safeguarding team sets the child's status, trusted adult and cadence."""
    child = access_pupil_to_plan(viewer=request.membership, pupil_id=pupil_id)
    school = request.membership.school
    assert school is not None
    check_in = selectors.check_in_for_pupil(pupil=child, school=school)
    status = selectors.current_status(pupil=child, school=school)
    schedule = selectors.schedule_history(pupil=child, school=school).first()
    initial = {
        "level": check_in.level,
        "starts_on": (status.starts_on if status else timezone.localdate()).isoformat(),
        "trusted_adult": check_in.trusted_adult.pk if check_in.trusted_adult else None,
        "cadence_days": check_in.cadence_days if check_in.cadence_set_by_hand else None,
    }
    adults = selectors.trusted_adult_choices(school=school)
    form = PlanForm(request.POST or None, initial=initial, adults=adults)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        level = SupportLevel(data["level"])
        status_changed = status is None or (level, data["starts_on"]) != (
            SupportLevel(status.level),
            status.starts_on,
        )
        adult = data["trusted_adult"]
        # A cadence typed in with a status change is kept for the new status.
        schedule_changed = (status_changed and data["cadence_days"] is not None) or (
            schedule is None
            or adult != schedule.trusted_adult
            or data["cadence_days"]
            != (schedule.cadence_days if check_in.cadence_set_by_hand else None)
        )
        try:
            if status_changed:
                services.support_status_record(
                    actor=request.membership,
                    pupil=child,
                    level=level,
                    starts_on=data["starts_on"],
                    reason=data["reason"],
                    request=request,
                )
            if schedule_changed:
                services.check_in_schedule_set(
                    actor=request.membership,
                    pupil=child,
                    trusted_adult=adult,
                    cadence_days=data["cadence_days"],
                    reason=data["reason"],
                    request=request,
                )
        except ValidationError as error:
            form_error(form, error, {"occurred_at": "occurred_on"})
        else:
            if status_changed or schedule_changed:
                messages.success(request, f"Check-ins for {child.display_name} saved.")
            else:
                messages.success(request, "Nothing had changed.")
            return redirect("voice:pupil", pupil_id=child.pk)
    else:
        audit.record(
            actor=request.membership,
            action=AuditAction.PUPIL_VIEWED,
            target=child,
            pupil_id=child.pk,
            request=request,
            details={"page": "voice check-in plan"},
        )
    return render(
        request,
        "voice/plan.html",
        {
            "pupil": child,
            "form": form,
            "check_in": check_in,
            "statuses": selectors.status_history(pupil=child, school=school)[:20],
            "schedules": selectors.schedule_history(pupil=child, school=school)[:20],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(_DSL_TEAM)
def voice_settings(request: CairnRequest) -> HttpResponse:
    school = request.membership.school
    assert school is not None
    current = selectors.voice_settings_for(school=school)
    initial = {
        name: getattr(current, name)
        for name in (
            "cp_plan_days",
            "cin_days",
            "early_help_days",
            "monitoring_days",
            "due_soon_days",
        )
    }
    form = VoiceSettingsForm(request.POST or None, initial=initial)
    written = form_write(
        request,
        form,
        lambda: services.voice_settings_update(
            actor=request.membership, request=request, **form.cleaned_data
        ),
        field_aliases={"occurred_at": "occurred_on"},
    )
    if written:
        messages.success(request, "Check-in cadences saved.")
        return redirect("voice:settings")
    return render(request, "voice/settings.html", {"form": form})
