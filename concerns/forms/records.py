"""Searching concerns, behaviour (one incident or a file of them), Operation Encompass
notifications and the school's categories."""

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from concerns.forms.fields import local_moment
from concerns.models import (
    Category,
    ChildPresent,
)
from pupils.models import Pupil


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Words")
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, label="Category", empty_label="Any"
    )
    author = forms.CharField(required=False, label="Written by")
    child = forms.CharField(required=False, label="Child's name or UPN")
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class BehaviourForm(forms.Form):
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    occurred_time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    incident_type = forms.CharField(label="Type of incident", max_length=120)
    description = forms.CharField(label="What happened", widget=forms.Textarea, required=False)
    action_taken = forms.CharField(label="Action taken", max_length=200, required=False)

    def occurred_at(self) -> datetime:
        return local_moment(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])


class BehaviourImportForm(forms.Form):
    file = forms.FileField(
        label="Behaviour export (CSV)",
        help_text=(
            "Columns: incident_id, upn, date (YYYY-MM-DD), time (HH:MM), type, description, "
            "action_taken, recorded_by. The import guide in Cairn’s documentation describes "
            "each column."
        ),
    )
    dry_run = forms.BooleanField(required=False, label="Check the file without importing it")


class EncompassForm(forms.Form):
    police_reference = forms.CharField(label="Police reference", max_length=100)
    occurred_on = forms.DateField(
        label="Date of the incident", widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label="Time of the incident", widget=forms.TimeInput(attrs={"type": "time"})
    )
    child_present = forms.ChoiceField(
        choices=ChildPresent.choices, widget=forms.RadioSelect, label="Was the child present?"
    )
    pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        label="Children in the household at this school",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="The child named by the police, and their brothers and sisters on roll.",
    )
    welfare_check_on = forms.DateField(
        label="Welfare check planned for",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Normally the next school day.",
    )
    voice_of_child = forms.CharField(
        label="The child's voice, if the police recorded it", widget=forms.Textarea, required=False
    )
    details = forms.CharField(label="Other details", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]

    def occurred_at(self) -> datetime:
        return local_moment(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])


class CategoryForm(forms.Form):
    label = forms.CharField(label="Name", max_length=120)
    signs = forms.CharField(
        label="Signs to look for", widget=forms.Textarea, required=False, max_length=2000
    )
    what_to_do = forms.CharField(
        label="What to do now", widget=forms.Textarea, required=False, max_length=2000
    )
    is_active = forms.BooleanField(
        label="Offer this category when staff record a concern", required=False, initial=True
    )
