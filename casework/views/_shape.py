"""The shared shape of casework's forms: show, validate, call the service, go back."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from casework.access import (
    CASEWORK_READERS,
    CASEWORK_RECORDERS,
)
from pupils.access import child_form_read
from pupils.models import Pupil
from schools.http import CairnRequest

READERS = list(CASEWORK_READERS)
RECORDERS = list(CASEWORK_RECORDERS)


def put_error(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
    else:
        form.add_error(None, error)


def form_page(
    request: CairnRequest,
    *,
    pupil: Pupil,
    form: forms.Form,
    title: str,
    intro: str = "",
    button: str = "Save",
    multipart: bool = False,
) -> HttpResponse:
    child_form_read(
        viewer=request.membership, pupil_ids=[pupil.pk], form=title.lower(), request=request
    )
    return render(
        request,
        "casework/form.html",
        {
            "pupil": pupil,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "multipart": multipart,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def record_form(
    request: CairnRequest,
    *,
    pupil: Pupil,
    form: forms.Form,
    title: str,
    save: Callable[[dict[str, Any]], str],
    intro: str = "",
    button: str = "Save",
    multipart: bool = False,
    anchor: str = "",
) -> HttpResponse:
    """The shared shape of every casework form: show it; on POST validate, call the service,
    and go back to the child's casework page with a message, or show the errors."""
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as error:
            put_error(form, error)
        else:
            messages.success(request, done)
            target = redirect("casework:pupil", pupil_id=pupil.pk)
            if anchor:
                target["Location"] += f"#{anchor}"
            return target
    return form_page(
        request,
        pupil=pupil,
        form=form,
        title=title,
        intro=intro,
        button=button,
        multipart=multipart,
    )


def posted(request: CairnRequest) -> Any:
    return request.POST if request.method == "POST" else None
