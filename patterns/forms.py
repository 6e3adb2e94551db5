from django import forms

from patterns.models import FindingOutcome


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
