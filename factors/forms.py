"""Forms for recording a known factor and withdrawing one. The services make the rules; the
forms say what is missing before asking them."""

from typing import Any, cast

from django import forms

from factors.codes import grouped_choices, validate_code
from factors.models import FactorSource
from factors.services import NOTE_MAX_CHARS
from ui.forms import DateInputField


class FactorForm(forms.Form):
    code = forms.CharField(
        label="Factor",
        help_text="As children's social care codes them at the end of an assessment (Children "
        "in Need census), grouped by whom they are about.",
        error_messages={"required": "Choose the factor."},
        widget=forms.Select,
    )
    source = forms.ChoiceField(
        label="How does the school know?",
        choices=FactorSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the school knows."},
    )
    known_from = DateInputField(
        label="Known from",
        name="The date",
        help_text="When the school learned of it, or the date of the assessment. For example, "
        "27 3 2026",
        error_messages={"required": "Enter the date the school learned of it."},
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="For example who told the school, or what the assessment said. Do not copy "
        "the whole assessment here.",
        required=False,
        widget=forms.Textarea,
        max_length=NOTE_MAX_CHARS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        select = cast(forms.Select, self.fields["code"].widget)
        select.choices = [("", "Choose a factor"), *grouped_choices()]

    def clean_code(self) -> str:
        return validate_code(self.cleaned_data["code"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is this factor withdrawn?",
        help_text="For example: recorded in error, or the assessment has been closed.",
        widget=forms.Textarea,
        max_length=NOTE_MAX_CHARS,
        error_messages={"required": "Say why the factor is withdrawn."},
    )
