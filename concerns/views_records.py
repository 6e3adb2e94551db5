"""Other records on a child's timeline: behaviour incidents and police notifications."""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.bounds import upload_refusal
from concerns import services
from concerns.forms import (
    BehaviourForm,
    BehaviourImportForm,
    CategoryForm,
    EncompassForm,
    posted,
    posted_files,
)
from concerns.importers.behaviour_csv import behaviour_import_csv
from concerns.importers.common import ImportFailed
from concerns.models import Category, ChildPresent
from pupils.access import access_pupil, child_form_read, child_list_read, pupils_on_roll_for
from schools.http import CairnRequest, role_required
from schools.models import Role
from ui.forms import form_write

DSL_TEAM = [Role.DSL, Role.DEPUTY_DSL]


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def behaviour_add(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    pupil = access_pupil(viewer=viewer, pupil_id=pupil_id)
    now = timezone.localtime()
    form = BehaviourForm(
        posted(request),
        initial={"occurred_on": now.date().isoformat(), "occurred_time": now.strftime("%H:%M")},
    )
    written = form_write(
        request,
        form,
        lambda: services.behaviour_record(
            actor=viewer,
            pupil=pupil,
            occurred_at=form.occurred_at(),
            incident_type=form.cleaned_data["incident_type"],
            description=form.cleaned_data["description"],
            action_taken=form.cleaned_data["action_taken"],
            request=request,
        ),
    )
    if written:
        messages.success(request, "Behaviour incident recorded.")
        return redirect("chronology:pupil", pupil_id=pupil.pk)
    child_form_read(
        viewer=viewer, pupil_ids=[pupil.pk], form="record a behaviour incident", request=request
    )
    return render(
        request,
        "concerns/behaviour_add.html",
        {"pupil": pupil, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def behaviour_import(request: CairnRequest) -> HttpResponse:
    form = BehaviourImportForm(posted(request), posted_files(request))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        refusal = upload_refusal("behaviour", int(upload.size))
        if refusal:
            form.add_error("file", refusal)
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text (save it as CSV UTF-8).")
            else:
                try:
                    result = behaviour_import_csv(
                        actor=request.membership, text=text, dry_run=form.cleaned_data["dry_run"]
                    )
                except ImportFailed as exc:
                    errors = [str(e) for e in exc.errors[:50]]
                    form.add_error("file", f"Nothing was imported: {len(exc.errors)} problem(s).")
                else:
                    verb = "would be imported" if result.dry_run else "imported"
                    messages.success(
                        request,
                        f"{result.created} incidents {verb}; {result.skipped} already held.",
                    )
                    return redirect("concerns:behaviour_import")
    return render(
        request,
        "concerns/behaviour_import.html",
        {"form": form, "errors": errors},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def encompass_add(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    pupils = pupils_on_roll_for(viewer=viewer).order_by("legal_surname", "legal_forename")
    now = timezone.localtime()
    form = EncompassForm(
        posted(request),
        pupils=pupils,
        initial={
            "welfare_check_on": (now.date() + timedelta(days=1)).isoformat(),
            "child_present": ChildPresent.NOT_KNOWN,
        },
    )
    written = form_write(
        request,
        form,
        lambda: services.encompass_record(
            actor=viewer,
            data=services.EncompassInput(
                pupils=list(form.cleaned_data["pupils"]),
                police_reference=form.cleaned_data["police_reference"],
                occurred_at=form.occurred_at(),
                received_at=timezone.now(),
                child_present=ChildPresent(form.cleaned_data["child_present"]),
                welfare_check_on=form.cleaned_data["welfare_check_on"],
                voice_of_child=form.cleaned_data["voice_of_child"],
                details=form.cleaned_data["details"],
            ),
            request=request,
        ),
    )
    if written:
        messages.success(request, "Police notification recorded.")
        return redirect("concerns:inbox")
    child_list_read(
        viewer=viewer,
        listed="children on roll (police notification form)",
        count=pupils.count(),
        request=request,
    )
    return render(
        request,
        "concerns/encompass_add.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def categories(request: CairnRequest) -> HttpResponse:
    """The school's list of concern categories, with the guidance staff see while recording."""
    viewer = request.membership
    services.categories_ensure(school=viewer.school)  # type: ignore[arg-type]
    form = CategoryForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.category_save(
            actor=viewer,
            category=None,
            label=data["label"],
            signs=data["signs"],
            what_to_do=data["what_to_do"],
            is_active=True,
            request=request,
        )
        messages.success(request, "Category added.")
        return redirect("concerns:categories")
    return render(
        request,
        "concerns/categories.html",
        {"categories": Category.objects.filter(school=viewer.school), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(DSL_TEAM)
def category_edit(request: CairnRequest, category_id: UUID) -> HttpResponse:
    viewer = request.membership
    category = Category.objects.filter(pk=category_id, school=viewer.school).first()
    if category is None:
        raise Http404("No such category")
    form = CategoryForm(
        posted(request),
        initial={
            "label": category.label,
            "signs": category.signs,
            "what_to_do": category.what_to_do,
            "is_active": category.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.category_save(
            actor=viewer,
            category=category,
            label=data["label"],
            signs=data["signs"],
            what_to_do=data["what_to_do"],
            is_active=data["is_active"],
            request=request,
        )
        messages.success(request, "Category saved.")
        return redirect("concerns:categories")
    return render(
        request,
        "concerns/category_edit.html",
        {"category": category, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
