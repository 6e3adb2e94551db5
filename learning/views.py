"""Supervision, reflective reviews, the practice reviews library and what went well."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from learning import access, selectors, services
from learning.forms import (
    ImportForm,
    PracticeReviewForm,
    ReflectiveReviewForm,
    SupervisionForm,
    WentWellForm,
)
from learning.models import PracticeReview, ReflectiveReview
from learning.terms import term_label
from pupils.access import child_form_read, child_list_read, pupils_on_roll_for
from schools.http import CairnRequest, role_required
from ui.forms import form_write

TEAM = sorted(access.TEAM)
TEAM_AND_HEAD = sorted(access.TEAM_AND_HEAD)
LIBRARY_READERS = sorted(access.LIBRARY_READERS)


def _posted(request: CairnRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: CairnRequest, form: forms.Form, *, title: str, back: str, intro: str = ""
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "title": title, "back": back, "intro": intro}
    return render(request, "learning/form.html", context, status=status)


# --- Supervision -----------------------------------------------------------------------------


@require_GET
@role_required(TEAM_AND_HEAD)
def supervision_list(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    sessions = access.sessions_visible_to(viewer=viewer).select_related("recorded_by__user")
    audit.record(actor=viewer, action=AuditAction.SUPERVISION_LISTED, request=request)
    return render(
        request,
        "learning/supervision_list.html",
        {"sessions": sessions, "may_record": viewer.is_dsl_team},
    )


@require_GET
@role_required(TEAM_AND_HEAD)
def supervision_detail(request: CairnRequest, session_id: UUID) -> HttpResponse:
    viewer = request.membership
    session = access.access_supervision(viewer=viewer, session_id=session_id)
    children = []
    if access.sees_children_discussed(viewer=viewer):
        children = [link.pupil for link in session.supervisionchild_set.select_related("pupil")]
    audit.record(
        actor=viewer, action=AuditAction.SUPERVISION_VIEWED, target=session, request=request
    )
    for child in children:
        audit.record(
            actor=viewer,
            action=AuditAction.SUPERVISION_VIEWED,
            target=session,
            pupil_id=child.pk,
            request=request,
        )
    return render(
        request,
        "learning/supervision_detail.html",
        {
            "session": session,
            "children": children,
            "sees_children": access.sees_children_discussed(viewer=viewer),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def supervision_record(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    pupils = list(pupils_on_roll_for(viewer=viewer).order_by("legal_surname", "legal_forename"))
    form = SupervisionForm(_posted(request), pupils=pupils)
    written = form_write(
        request,
        form,
        lambda: services.supervision_record(
            actor=viewer,
            held_on=form.cleaned_data["held_on"],
            supervisor=form.cleaned_data["supervisor"],
            attendees=form.cleaned_data["attendees"],
            reflections=form.cleaned_data["reflections"],
            agreed_actions=form.cleaned_data["agreed_actions"],
            children=form.chosen_children(),
            request=request,
        ),
    )
    if written is not None:
        messages.success(request, "Supervision session recorded.")
        return redirect("learning:supervision_detail", session_id=written.value.pk)
    child_list_read(
        viewer=viewer,
        listed="children on roll (supervision form)",
        count=len(pupils),
        request=request,
    )
    return _form_page(
        request,
        form,
        title="Record a supervision session",
        back="learning:supervision",
        intro="The children you tick are linked to their files. Only the safeguarding team "
        "sees which children were discussed.",
    )


# --- Reflective reviews ------------------------------------------------------------------------


@require_GET
@role_required(TEAM_AND_HEAD)
def reflective_reviews(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    assert viewer.school_id is not None
    reviews = ReflectiveReview.objects.filter(school_id=viewer.school_id)
    due = selectors.reflective_review_due(school_id=viewer.school_id, today=timezone.localdate())
    audit.record(actor=viewer, action=AuditAction.REFLECTIVE_REVIEWS_VIEWED, request=request)
    rows = [(r, term_label(r.term_start)) for r in reviews]
    return render(
        request,
        "learning/reflective_reviews.html",
        {"rows": rows, "due": due, "may_record": viewer.is_dsl_team},
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def reflective_review_record(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    form = ReflectiveReviewForm(_posted(request))
    written = form_write(
        request,
        form,
        lambda: services.reflective_review_record(
            actor=viewer,
            held_on=form.cleaned_data["held_on"],
            expectations=form.cleaned_data["expectations"],
            what_we_saw=form.cleaned_data["what_we_saw"],
            concluded=form.cleaned_data["concluded"],
            request=request,
        ),
    )
    if written is not None:
        messages.success(request, "Reflective review recorded.")
        return redirect("learning:reflective_reviews")
    return render(
        request,
        "learning/reflective_review_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Practice reviews library ------------------------------------------------------------------


@require_GET
@role_required(LIBRARY_READERS)
def library(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    assert viewer.school_id is not None
    reviews = PracticeReview.objects.filter(school_id=viewer.school_id)
    audit.record(actor=viewer, action=AuditAction.PRACTICE_REVIEWS_VIEWED, request=request)
    return render(
        request,
        "learning/library.html",
        {"reviews": reviews, "may_record": viewer.is_dsl_team},
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def practice_review_record(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    form = PracticeReviewForm(_posted(request))

    def write() -> object:
        d = form.cleaned_data
        data = services.ReviewInput(
            d["title"],
            d["publisher"],
            d["published_on"],
            d["link"],
            d["key_learning"],
            d["themes"],
            d["used_in_training"],
            d["policy_changes"],
        )
        return services.practice_review_record(actor=viewer, data=data, request=request)

    if form_write(request, form, write) is not None:
        messages.success(request, "Practice review added to the library.")
        return redirect("learning:library")
    return _form_page(request, form, title="Add a practice review", back="learning:library")


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def practice_reviews_import(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    form = ImportForm(_posted(request), request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.practice_reviews_import(
                actor=viewer, content=form.cleaned_data["file"].read(), request=request
            )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(
                request, f"{count} practice review{'s' if count != 1 else ''} imported."
            )
            return redirect("learning:library")
    status = 400 if (form.is_bound and form.errors) or errors else 200
    return render(request, "learning/import.html", {"form": form, "errors": errors}, status=status)


# --- What went well ----------------------------------------------------------------------------


def _went_well_form(
    request: CairnRequest,
    *,
    pupil_ids: list[UUID],
    what: str,
    write: Callable[[WentWellForm], object],
) -> HttpResponse:
    form = WentWellForm(_posted(request))
    if form_write(request, form, lambda: write(form)) is not None:
        messages.success(request, "What went well recorded.")
        return redirect("learning:went_well")
    child_form_read(
        viewer=request.membership, pupil_ids=pupil_ids, form="what went well", request=request
    )
    return _form_page(
        request,
        form,
        title=f"What went well: {what}",
        back="learning:went_well",
        intro="Write what went well and why, for the team's learning and for training. "
        "Governors see only how many notes name each theme.",
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def went_well_plan(request: CairnRequest, plan_id: UUID) -> HttpResponse:
    viewer = request.membership
    plan = access.access_ended_plan(viewer=viewer, plan_id=plan_id)
    return _went_well_form(
        request,
        pupil_ids=[plan.pupil_id],
        what=f"{plan.label.lower()} for {plan.pupil.display_name}",
        write=lambda form: services.went_well_record(
            actor=viewer,
            plan=plan,
            what_went_well=form.cleaned_data["what_went_well"],
            why=form.cleaned_data["why"],
            themes=form.cleaned_data["themes"],
            request=request,
        ),
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def went_well_concern(request: CairnRequest, concern_id: UUID) -> HttpResponse:
    viewer = request.membership
    concern = access.access_decided_concern(viewer=viewer, concern_id=concern_id)
    return _went_well_form(
        request,
        pupil_ids=list(concern.parts.values_list("pupil_id", flat=True)),
        what=f"the concern of {concern.occurred_at:%-d %b %Y}",
        write=lambda form: services.went_well_record(
            actor=viewer,
            concern=concern,
            what_went_well=form.cleaned_data["what_went_well"],
            why=form.cleaned_data["why"],
            themes=form.cleaned_data["themes"],
            request=request,
        ),
    )


@require_GET
@role_required(TEAM_AND_HEAD)
def went_well(request: CairnRequest) -> HttpResponse:
    """The learning page: every note of what went well, with the child it came from."""
    viewer = request.membership
    notes = list(
        access.went_well_visible_to(viewer=viewer).select_related("plan__pupil", "concern")
    )
    child_list_read(viewer=viewer, listed="what went well", count=len(notes), request=request)
    audit.record(actor=viewer, action=AuditAction.WENT_WELL_VIEWED, request=request)
    return render(request, "learning/went_well.html", {"notes": notes})
