"""The safeguarding team's work on a concern: the decision, the referral's outcome, actions and
their completion."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from audit.bounds import validate_name
from concerns.forms.fields import StaffChoiceField, date_field
from concerns.models import (
    Outcome,
)
from schools.models import Membership

_REFERRED_TO = {
    Outcome.SOCIAL_CARE: "children's social care",
    Outcome.POLICE: "the police",
    Outcome.LADO: "the LADO",
    Outcome.PREVENT: "Prevent",
    Outcome.OTHER_AGENCY: "the agency",
}


_REASON_MISSING = {
    Outcome.NO_FURTHER_ACTION: "Enter the reason for no further action",
    Outcome.MONITOR: "Enter the reason for monitoring",
    Outcome.EARLY_HELP: "Enter the reason for early help",
    Outcome.SOCIAL_CARE: "Enter the reason for the referral to children's social care",
    Outcome.POLICE: "Enter the reason for the referral to the police",
    Outcome.LADO: "Enter the reason for the referral to the LADO",
    Outcome.PREVENT: "Enter the reason for the Prevent referral",
    Outcome.OTHER_AGENCY: "Enter the reason for the referral to another agency",
}


class DecisionForm(forms.Form):
    """The DSL's decision, after the GOV.UK "conditional reveal" pattern: choosing an option
    reveals only the questions that option needs (all of them, under each option, without
    JavaScript), and only the chosen option's questions are checked. Each referral has its own
    reference and dates, named `<outcome>_reference`, `<outcome>_date`, `<outcome>_expected`."""

    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={
            "required": "Choose a decision",
            "invalid_choice": "Choose a decision from the list",
        },
    )
    review_date = date_field("Review date")
    agency = forms.CharField(required=False, label="Which agency", max_length=200)
    adult_name = forms.CharField(
        required=False,
        label="Name of the adult",
        max_length=200,
        validators=[validate_name],
        help_text="Kept in the restricted allegations register only.",
    )
    adult_role = forms.CharField(required=False, label="Their role", max_length=200)
    rationale = forms.CharField(
        required=False,
        label="Why (the rationale)",
        widget=forms.Textarea,
        help_text="Required for every decision, including no further action.",
    )
    change_reason = forms.CharField(
        required=False,
        label="Why is the earlier decision being changed?",
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, supersedes: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supersedes = supersedes
        for outcome, where in _REFERRED_TO.items():
            self.fields[f"{outcome}_reference"] = forms.CharField(
                required=False, label=f"Reference given by {where}", max_length=100
            )
            self.fields[f"{outcome}_date"] = date_field(f"Date referred to {where}")
            self.fields[f"{outcome}_expected"] = date_field(f"Outcome expected from {where} by")

    def conditionals(self) -> dict[str, list[str]]:
        """The questions each option reveals, by the option's value."""
        shown: dict[str, list[str]] = {
            Outcome.MONITOR: ["review_date"],
            Outcome.LADO: ["adult_name", "adult_role"],
            Outcome.OTHER_AGENCY: ["agency"],
        }
        for outcome in _REFERRED_TO:
            shown.setdefault(outcome, [])
            shown[outcome] += [f"{outcome}_reference", f"{outcome}_date", f"{outcome}_expected"]
        return shown

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome and not (data.get("rationale") or "").strip():
            self.add_error("rationale", _REASON_MISSING[Outcome(outcome)])
        needed = {
            Outcome.MONITOR: [("review_date", "Enter the review date for the monitoring")],
            Outcome.SOCIAL_CARE: [
                ("social_care_date", "Enter the date of the referral to children's social care")
            ],
            Outcome.LADO: [
                ("adult_name", "Enter the name of the adult the allegation is about"),
                ("adult_role", "Enter the adult's role"),
            ],
            Outcome.OTHER_AGENCY: [("agency", "Enter the name of the agency")],
        }
        for name, message in needed.get(outcome, []) if outcome else []:
            if name not in self.errors and not data.get(name):
                self.add_error(name, message)
        if self.supersedes and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", "Enter why the earlier decision is being changed")
        # Only the chosen option's questions count: a problem with another's is not one.
        for other, names in self.conditionals().items():
            if other != outcome:
                for name in names:
                    self.errors.pop(name, None)
                    data[name] = "" if isinstance(self.fields[name], forms.CharField) else None
        return data

    def referral(self) -> tuple[str, date | None, date | None]:
        """The chosen referral's reference, date referred and outcome date (blank otherwise)."""
        outcome = self.cleaned_data["outcome"]
        if outcome not in _REFERRED_TO:
            return "", None, None
        return (
            self.cleaned_data[f"{outcome}_reference"] or "",
            self.cleaned_data[f"{outcome}_date"],
            self.cleaned_data[f"{outcome}_expected"],
        )


class ReferralOutcomeForm(forms.Form):
    received_on = forms.DateField(
        label="Date the outcome was received",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date the outcome was received",
            "invalid": "The date the outcome was received must be a real date",
        },
    )
    outcome = forms.CharField(
        label="What the agency decided",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the agency decided"},
    )
    school_agrees = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Does the school agree with the outcome?",
        error_messages={"required": "Choose whether the school agrees with the outcome"},
    )
    next_steps = forms.CharField(
        required=False,
        label="Next steps (escalation)",
        widget=forms.Textarea,
        help_text="What the school will do about the outcome it does not agree with.",
    )

    def conditionals(self) -> dict[str, list[str]]:
        return {"no": ["next_steps"]}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("school_agrees") is False and not (data.get("next_steps") or "").strip():
            self.add_error("next_steps", "Enter the next steps, as the school does not agree")
        if data.get("school_agrees") is True:
            data["next_steps"] = ""
        return data


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What is to be done",
        widget=forms.Textarea,
        error_messages={"required": "Enter what is to be done"},
    )
    assignee = StaffChoiceField(
        queryset=Membership.objects.none(),
        label="Who will do it",
        empty_label="Choose",
        error_messages={
            "required": "Choose who will do it",
            "invalid_choice": "Choose someone from the list",
        },
    )
    due_on = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date it is due by",
            "invalid": "The date it is due by must be a real date",
        },
    )

    def __init__(self, *args: Any, staff: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff  # type: ignore[attr-defined]


class CompleteActionForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea,
        error_messages={"required": "Enter what was done"},
    )
