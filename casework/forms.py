"""Forms for casework. The services make the rules (dates in order, reasons present, the child
on the roll); the forms say what is missing before asking them."""

from typing import Any

from django import forms

from casework.models import (
    Agency,
    AppointmentKind,
    ContactPurpose,
    CpCategory,
    EngagementKind,
    ExplainedEvent,
    ExplanationChecked,
    LeavingReason,
    MeetingKind,
    NoteTone,
    PlanEndReason,
    PlanKind,
    ResponseKind,
    SettingKind,
    StageOutcomeKind,
)
from ui.forms import DateInputField

TEXT_MAX = 10_000


def _date(label: str, name: str, required: bool = True, help_text: str = "") -> DateInputField:
    return DateInputField(
        label=label,
        name=name,
        required=required,
        help_text=help_text or "For example, 27 3 2026",
        error_messages={"required": f"Enter {name.lower()}."},
    )


def _choice(label: str, choices: Any, required: bool = True, blank: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=([("", blank)] if blank else []) + list(choices),
        required=required,
        widget=forms.Select if blank else forms.RadioSelect,
        error_messages={"required": f"Choose {label[0].lower()}{label[1:].rstrip('?')}."},
    )


def _text(
    label: str, required: bool = True, help_text: str = "", message: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea,
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:].rstrip('?')}."},
        max_length=TEXT_MAX,
    )


class ContactForm(forms.Form):
    referral = forms.ChoiceField(
        label="From a referral (optional)",
        required=False,
        help_text="Where this contact is a referral already decided on a concern, choose it: "
        "its date and reasons are kept with the concern.",
    )
    agency = _choice("Agency contacted", Agency.choices, blank="Choose the agency")
    agency_name = forms.CharField(
        label="Name of the team or service (optional)",
        required=False,
        max_length=200,
        help_text="For example, Northshire MASH, or the name of the other school.",
    )
    person_contacted = forms.CharField(
        label="Person spoken to (optional)", required=False, max_length=200
    )
    purpose = _choice("Why the school made contact", ContactPurpose.choices)
    contacted_on = _date("Date of the contact", "The date of the contact")
    summary = _text(
        "What was asked or shared",
        required=False,
        help_text="Leave empty for a referral chosen above: its reasons are used.",
    )
    answer_expected_by = _date(
        "Answer expected by (optional)", "The date an answer is expected", required=False
    )

    def __init__(self, *args: Any, referrals: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["referral"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not from a referral"), *referrals]
        if not referrals:
            del self.fields["referral"]


class ResponseForm(forms.Form):
    kind = _choice("The agency's answer", ResponseKind.choices)
    received_on = _date(
        "Date of the answer",
        "The date of the answer",
        help_text="For 'no answer yet', today's date. For example, 27 3 2026",
    )
    details = _text("What they said (optional)", required=False)
    answer_expected_by = _date(
        "If no answer yet: expected by", "The date an answer is expected", required=False
    )
    school_agrees = forms.ChoiceField(
        label="Does the school agree?",
        required=False,
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        help_text="Leave empty only if there is no answer yet.",
    )
    agreement_reason = _text(
        "Why (required if the school does not agree)",
        required=False,
        help_text="If the school does not agree, you can then open an escalation.",
    )

    def clean_school_agrees(self) -> bool | None:
        value = self.cleaned_data.get("school_agrees")
        return {"yes": True, "no": False}.get(value or "")


class PlanForm(forms.Form):
    kind = _choice("Kind of plan", PlanKind.choices)
    cp_category = _choice(
        "Category (child protection plans only)",
        CpCategory.choices,
        required=False,
        blank="Not a child protection plan",
    )
    started_on = _date("Start date", "The start date")
    lead_professional = forms.CharField(
        label="Lead professional (optional)", required=False, max_length=200
    )
    local_authority = forms.CharField(
        label="Local authority (optional)", required=False, max_length=200
    )
    note = _text("Note (optional)", required=False)
    ended_on = _date(
        "End date (a past plan only)",
        "The end date",
        required=False,
        help_text="Leave empty for a plan still open.",
    )
    end_reason = _choice(
        "Why it ended (a past plan only)", PlanEndReason.choices, required=False, blank="Still open"
    )


class PlanEndForm(forms.Form):
    ended_on = _date("End date", "The end date")
    reason = _choice("Why it ended", PlanEndReason.choices)
    note = _text("Note (optional)", required=False)


class MeetingForm(forms.Form):
    kind = _choice("Kind of meeting", MeetingKind.choices)
    held_on = _date("Date of the meeting", "The date of the meeting")
    agencies_present = forms.MultipleChoiceField(
        label="Agencies present",
        required=False,
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    others_present = forms.CharField(
        label="Others present (optional)", required=False, max_length=400
    )
    decisions = _text("What the meeting decided", message="Say what the meeting decided.")
    actions_for_school = _text("Actions for the school (optional)", required=False)
    preparation_minutes = forms.IntegerField(
        label="Time preparing, in minutes",
        min_value=0,
        initial=0,
        help_text="The safeguarding team's time: the report, reading, talking to staff.",
    )
    meeting_minutes = forms.IntegerField(
        label="Time in the meeting, in minutes", min_value=0, initial=0
    )
    report = forms.FileField(
        label="The school's report (optional)",
        required=False,
        help_text="A PDF or Word (.docx) document.",
    )


class EscalationForm(forms.Form):
    opened_on = _date("Date", "The date", help_text="When the school raised the challenge.")
    reason = _text(
        "Why the school is challenging the decision",
        message="Say why the school is challenging the decision.",
    )
    what_was_said = _text("What was said at the first stage (optional)", required=False)


class StageOutcomeForm(forms.Form):
    kind = _choice("Outcome of this stage", StageOutcomeKind.choices)
    decided_on = _date("Date", "The date")
    what_was_said = _text("What was said and agreed", message="Say what was said and agreed.")


class StageSettingsForm(forms.Form):
    """One stage per line: name | whom to contact | days allowed."""

    stages = forms.CharField(
        label="Stages, one per line",
        widget=forms.Textarea,
        help_text="Write each stage as: name | whom to contact | days allowed. For example: "
        "Manager | Their team manager | 5",
        error_messages={"required": "Enter at least one stage."},
    )


class LeavingForm(forms.Form):
    left_on = _date("Date the child left", "The date the child left")
    reason = _choice("Why the child left", LeavingReason.choices)
    destination = forms.CharField(label="School the child moved to", required=False, max_length=200)
    note = _text("Note", required=False, help_text="Required for 'another reason'.")


class AbsenceForm(forms.Form):
    starts_on = _date("First day of the absence", "The first day")
    expected_back_on = _date("Expected back on", "The date the child is expected back")
    reason = _text("Why the absence was agreed", message="Say why the absence was agreed.")


class ReturnForm(forms.Form):
    returned_on = _date("Date the child came back", "The date the child came back")


class HouseholdChildForm(forms.Form):
    name = forms.CharField(
        label="Child's name", max_length=200, error_messages={"required": "Enter the child's name."}
    )
    date_of_birth = _date("Date of birth", "The date of birth")
    setting_kind = _choice("Where the child is in the day", SettingKind.choices)
    setting_name = forms.CharField(label="Name of the setting", required=False, max_length=200)
    note = _text("Note (optional)", required=False)
    seen_on = _date(
        "Last seen by a professional on (optional)", "The date the child was seen", required=False
    )
    seen_by = forms.CharField(
        label="Seen by (optional)",
        required=False,
        max_length=200,
        help_text="For example, the health visitor.",
    )


class SightingForm(forms.Form):
    seen_on = _date("Seen on", "The date the child was seen")
    seen_by = forms.CharField(
        label="Seen by", max_length=200, error_messages={"required": "Say who saw the child."}
    )


class EngagementForm(forms.Form):
    kind = _choice("What happened", EngagementKind.choices)
    occurred_on = _date("Date", "The date")
    adult = forms.CharField(
        label="Which parent or carer",
        max_length=200,
        error_messages={"required": "Say which parent or carer."},
    )
    appointment_kind = _choice(
        "Appointment (missed or cancelled only)",
        AppointmentKind.choices,
        required=False,
        blank="Not an appointment",
    )
    explained_event = _choice(
        "What was explained (explanations only)",
        ExplainedEvent.choices,
        required=False,
        blank="Not an explanation",
    )
    checked = _choice(
        "Was it checked? (explanations only)",
        ExplanationChecked.choices,
        required=False,
        blank="Not an explanation",
    )
    details = _text("What happened, in the words used", message="Say what happened.")


class DayNoteForm(forms.Form):
    noted_on = _date("Date", "The date")
    tone = _choice("Kind of note", NoteTone.choices)
    text = _text(
        "What you noticed",
        message="Write what you noticed.",
        help_text="A note is not a concern. If you are worried, record a concern.",
    )
