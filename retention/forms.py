"""Forms for retention decisions. The services make the rules; the forms say what is missing."""

from typing import Any

from django import forms

ACTIONS = {
    "keep": "Keep for another period",
    "hold": "Place on legal hold",
    "release": "Release the legal hold",
    "propose": "Propose destruction",
    "withdraw": "Withdraw the proposed destruction",
    "approve": "Approve destruction",
}
_REASON_HELP = "Do not name the child: the reason is kept after the record is destroyed."


class DecisionForm(forms.Form):
    """One decision (`action`, one of ACTIONS); each is its own form on the page, prefixed with
    its action so that field ids stay unique."""

    reason = forms.CharField(
        label="Reason",
        help_text=_REASON_HELP,
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )
    years = forms.IntegerField(
        label="Keep for how many more years?",
        min_value=1,
        max_value=25,
        required=False,
        error_messages={
            "min_value": "Keep it for at least 1 year.",
            "max_value": "Keep it for at most 25 years.",
            "invalid": "Enter the number of years as a whole number, like 5.",
        },
    )
    confirmed = forms.BooleanField(
        label="I know of no inquiry, claim or request for information that concerns this record",
        required=False,
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        self.action = action
        if action != "keep":
            del self.fields["years"]
        if action != "approve":
            del self.fields["confirmed"]
        else:
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = self.action
        if action != "approve" and not str(data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason.")
        if action == "keep" and not data.get("years") and "years" not in self.errors:
            self.add_error("years", "Enter how many more years to keep it.")
        return data


class PolicyForm(forms.Form):
    years = forms.IntegerField(
        label="Years after the child's date of birth",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the number of years.",
            "min_value": "Enter at least 1 year.",
            "max_value": "Enter at most 100 years.",
            "invalid": "Enter the number of years as a whole number, like 25.",
        },
    )
