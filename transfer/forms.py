"""Forms for transfers. The services make the rules; the forms say what is missing."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from pupils.models import Pupil
from schools.models import School
from transfer.models import Method
from ui.forms import DateInputField

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024


def _date(label: str, name: str) -> DateInputField:
    return DateInputField(
        label=label,
        name=name,
        help_text="For example, 27 3 2026",
        error_messages={"required": f"Enter {name.lower()}."},
    )


class StartForm(forms.Form):
    left_on = _date("Date the child left, or will leave", "The date the child left")
    to_school = forms.ModelChoiceField(
        label="A school in your trust",
        queryset=School.objects.none(),
        required=False,
        empty_label="Not a school in our trust",
        help_text="The file then goes across inside Cairn, with no file to handle.",
    )
    to_school_name = forms.CharField(
        label="Receiving school's name", required=False, max_length=200
    )
    to_school_urn = forms.CharField(
        label="Receiving school's URN",
        required=False,
        max_length=6,
        help_text="6 digits. The file is sealed to this school.",
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools


class PrepareForm(forms.Form):
    to_school_name = forms.CharField(label="Receiving school's name", max_length=200)
    to_school_urn = forms.CharField(
        label="Receiving school's URN",
        max_length=6,
        help_text="6 digits. Only this school can import the file.",
        error_messages={"required": "Enter the receiving school's URN."},
    )


class SentForm(forms.Form):
    method = forms.ChoiceField(
        label="How was the file sent?",
        choices=[(m.value, m.label) for m in Method if m != Method.DIRECT],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the file was sent."},
    )


class ReceiptForm(forms.Form):
    receipt = forms.FileField(
        label="Receipt file",
        help_text="The receipt the receiving school downloaded after importing the file.",
        error_messages={"required": "Choose the receipt file."},
    )


def _child_label(pupil: Pupil) -> str:
    return f"{pupil.display_name}, born {pupil.date_of_birth:%-d %b %Y}"


class ImportForm(forms.Form):
    bundle = forms.FileField(
        label="Transfer file",
        help_text="The file that ends .cairn-transfer.",
        error_messages={"required": "Choose the transfer file."},
    )
    passphrase = forms.CharField(
        label="Passphrase",
        max_length=100,
        help_text="The sending school gives it to you by another route, such as a phone call.",
        error_messages={"required": "Enter the passphrase."},
    )
    pupil = forms.ModelChoiceField(
        label="Child (only if their UPN is not in the file or differs)",
        queryset=Pupil.objects.none(),
        required=False,
        empty_label="Match by UPN",
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pupils
        field.label_from_instance = _child_label  # type: ignore[method-assign,assignment]

    def clean_bundle(self) -> Any:
        upload = self.cleaned_data["bundle"]
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError("The file is larger than 1 GB.")
        return upload


class TermForm(forms.Form):
    name = forms.CharField(
        label="Term",
        max_length=100,
        help_text="For example, Autumn term 2026, first half.",
        error_messages={"required": "Enter the term's name."},
    )
    starts_on = _date("First day of term", "The first day of term")
    ends_on = _date("Last day of term", "The last day of term")
