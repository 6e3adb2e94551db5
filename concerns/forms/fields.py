"""Fields and helpers the concern forms share: choosing a child or a member of staff, several
files in one input, a date field, a moment in the school's time, what was posted."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from concerns.services import Upload


class PupilChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        year = f" (Year {obj.year_group})" if obj.year_group else ""
        return f"{obj.display_name}{year}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def local_moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} ({obj.get_role_display()})"


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": f"{label} must be a real date"},
    )


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> "MultiValueDict[str, Upload] | None":
    return request.FILES if request.method == "POST" else None
