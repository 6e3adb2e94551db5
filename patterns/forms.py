from datetime import date
from typing import Any

from django import forms
from django.conf import settings

from casework.forms import EscalationForm
from patterns.citations import plain_source
from patterns.models import FindingOutcome
from patterns.registry import Detector
from sources.words import from_words, in_words, vocabulary
from ui.forms import DateInputField


class FindingDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What have you decided?", choices=FindingOutcome.choices, widget=forms.RadioSelect
    )
    action_taken = forms.CharField(
        label="If acted on: what was done",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case_reference = forms.CharField(
        label="If linked to a case: the case's reference", required=False, max_length=100
    )
    rationale = forms.CharField(
        label="If not a concern now: why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It will be raised again if new evidence arrives.",
    )


class FindingsOnForm(forms.Form):
    """The date to see a child's findings as they stood on (a GET form: no JavaScript needed)."""

    on = DateInputField(
        label="See the findings as they stood on",
        name="The date",
        required=False,
        help_text="For example, 27 3 2025. Only what had been recorded by the end of that day "
        "counts.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_on(self) -> date | None:
        on: date | None = self.cleaned_data["on"]
        if on is not None and on > self.today:
            raise forms.ValidationError("The date must be today or in the past.")
        return on


def _code_list(*values: Any) -> str | None:
    """The code list (`settings.CODE_WORDS`) every name in these sets belongs to, if one does and
    its words can be written in a list separated by commas."""
    names = {name for value in values if isinstance(value, frozenset) for name in value}
    if not names:
        return None
    for kind in settings.CODE_WORDS:
        table = vocabulary(kind)
        if names <= set(table) and not any("," in words for words in table.values()):
            return kind
    return None


def _shown(value: Any, kind: str | None = None) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(in_words(name, kind) for name in value)) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class DetectorSettingsForm(forms.Form):
    """A school's settings for one detector, built from the detector's settings dataclass: every
    threshold with its meaning, its default and the default's source."""

    enabled = forms.BooleanField(label="Run this detector at this school", required=False)

    def __init__(self, *args: Any, entry: Detector, current: Any, enabled: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["enabled"].initial = enabled
        defaults = entry.defaults()
        self.code_lists: dict[str, str | None] = {}
        for spec in entry.setting_fields():
            default = getattr(defaults, spec.name)
            value = getattr(current, spec.name)
            kind = self.code_lists[spec.name] = _code_list(default, value)
            label = spec.name.replace("_", " ").capitalize()
            hint = (
                f"{spec.metadata['doc']} Default: {_shown(default, kind)}. "
                f"Source: {plain_source(spec.metadata['source'])}."
            )
            field: forms.Field
            if isinstance(default, bool):
                field = forms.BooleanField(label=label, required=False, initial=value)
            elif isinstance(default, int):
                field = forms.IntegerField(label=label, min_value=0, initial=value)
            else:
                field = forms.CharField(label=label, required=False, initial=_shown(value, kind))
                hint += " Separate names with commas."
            field.help_text = hint
            self.fields[spec.name] = field

    def values(self) -> dict[str, Any]:
        """The thresholds as the detector's settings take them."""
        result: dict[str, Any] = {}
        defaults = self.entry.defaults()
        for spec in self.entry.setting_fields():
            value = self.cleaned_data[spec.name]
            if isinstance(getattr(defaults, spec.name), frozenset):
                kind = self.code_lists[spec.name]
                typed = {name.strip() for name in value.split(",") if name.strip()}
                value = sorted({(kind and from_words(name, kind)) or name for name in typed})
                value = [] if value == ["none"] else value
            result[spec.name] = value
        return result


class EscalationFromFindingForm(EscalationForm):
    """Open a professional challenge from a finding (issue 17 item 2): the escalation form, with
    the child to open it about when the finding is about a household."""

    def __init__(self, *args: Any, children: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(children) > 1:
            self.fields["child"] = forms.ChoiceField(
                label="Which child is the challenge about?",
                choices=children,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the child the challenge is about."},
            )
            self.order_fields(["child", *[f for f in self.fields if f != "child"]])
