"""Forms for recording the child's voice, setting check-ins and the school's cadences."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from schools.models import Membership
from sources.themes import (
    clean_themes,
    themes_field,
)
from voice.attachments import describe_limits
from voice.models import PROMPTS, Communication, Occasion, ShareMethod, SupportLevel
from voice.services import VoiceContent

_PROMPT_HINTS = {
    "typical_morning": "What happens from waking up to arriving at school?",
    "food": "What did they eat yesterday? Is there enough?",
    "sleep": "Where do they sleep, with whom, and how well?",
    "who_looks_after_me": "Who is at home, who makes meals, who helps when they are ill?",
    "who_i_talk_to": "Who would they tell if something was wrong?",
    "worries": "What worries them, at home, at school or anywhere?",
    "good_things": "What is going well; what do they enjoy?",
    "wishes": "What would they wish for; what would make things better?",
}


class VoiceEntryForm(forms.Form):
    occurred_on = forms.DateField(
        label="Date you talked", widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label="Time", help_text="For example 10:30", input_formats=["%H:%M", "%H.%M", "%H:%M:%S"]
    )
    occasion = forms.ChoiceField(
        label="How did this conversation come about?",
        choices=Occasion.choices,
        widget=forms.RadioSelect,
        initial=Occasion.CHECK_IN,
    )
    words = forms.CharField(
        label="What the child said, in their own words",
        help_text="Write their words exactly, not a summary. Use quotation marks for what they "
        "said; describe what they showed or drew if they did not use words.",
        widget=forms.Textarea,
        max_length=20_000,
    )
    themes = themes_field()
    share_methods = forms.MultipleChoiceField(
        label="How did the child choose to share?",
        choices=ShareMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    scale_question = forms.CharField(
        label="Scale question (if you used a scale)",
        help_text="For example: how safe do you feel at home, from 0 to 10?",
        required=False,
        max_length=200,
    )
    scale_score = forms.IntegerField(
        label="The child's answer on the scale (0 to 10)",
        required=False,
        min_value=0,
        max_value=10,
    )
    asked_by = forms.CharField(label="Who asked", max_length=200)
    place = forms.CharField(
        label="Where you talked", help_text="For example: the nurture room", max_length=200
    )
    other_adult_present = forms.BooleanField(label="Another adult was there", required=False)
    other_adult = forms.CharField(label="Who else was there", required=False, max_length=200)
    communication = forms.ChoiceField(
        label="How was the child's voice gathered?",
        help_text="For a child who does not speak English, or who communicates differently.",
        choices=Communication.choices,
        widget=forms.RadioSelect,
        initial=Communication.DIRECT,
    )
    communication_notes = forms.CharField(
        label="Details of how the voice was gathered",
        help_text="For example the interpreter's name and the language, the symbols used, or "
        "what you observed and over how long.",
        required=False,
        widget=forms.Textarea,
        max_length=5_000,
    )
    reflection = forms.CharField(
        label="Your reflection: what does this tell us about the child's daily life?",
        required=False,
        widget=forms.Textarea,
        max_length=10_000,
    )
    attachment = forms.FileField(
        label="Attach a drawing or the child's writing (optional)",
        required=False,
    )
    attachment_description = forms.CharField(
        label="What the attachment shows (optional)", required=False, max_length=300
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = describe_limits()
        for name, label in PROMPTS:
            self.fields[name] = forms.CharField(
                label=label,
                help_text=_PROMPT_HINTS[name],
                required=False,
                widget=forms.Textarea,
                max_length=5_000,
            )

    @property
    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in PROMPTS]

    @property
    def prompts_answered(self) -> bool:
        """Whether any prompt has an answer (the prompts section then starts open)."""
        return any(field.value() for field in self.prompt_fields)

    def clean_occurred_on(self) -> date:
        value: date = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return value

    def content(self) -> VoiceContent:
        data = self.cleaned_data
        occurred_at = timezone.make_aware(
            datetime.combine(data["occurred_on"], data["occurred_time"])
        )
        return VoiceContent(
            occurred_at=occurred_at,
            occasion=Occasion(data["occasion"]),
            words=data["words"].strip(),
            themes=clean_themes(data["themes"]),
            share_methods=[ShareMethod(m) for m in data["share_methods"]],
            scale_question=data["scale_question"].strip(),
            scale_score=data["scale_score"],
            asked_by=data["asked_by"].strip(),
            place=data["place"].strip(),
            other_adult_present=data["other_adult_present"],
            other_adult=data["other_adult"].strip(),
            communication=Communication(data["communication"]),
            communication_notes=data["communication_notes"].strip(),
            reflection=data["reflection"].strip(),
            **{name: data[name].strip() for name, _ in PROMPTS},
        )


class VoiceAmendForm(VoiceEntryForm):
    amendment_reason = forms.CharField(
        label="Why are you amending this entry?",
        help_text="The earlier version is kept and shown with this reason.",
        widget=forms.Textarea,
        max_length=2_000,
    )


if TYPE_CHECKING:
    _MembershipChoiceField = forms.ModelChoiceField[Membership]
else:
    _MembershipChoiceField = forms.ModelChoiceField


class AdultChoiceField(_MembershipChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name} ({obj.get_role_display()})"


class PlanForm(forms.Form):
    level = forms.ChoiceField(
        label="Safeguarding status", choices=SupportLevel.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(label="Status from", widget=forms.DateInput(attrs={"type": "date"}))
    trusted_adult = AdultChoiceField(
        label="Trusted adult",
        help_text="The member of staff who checks in with the child.",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No trusted adult yet",
    )
    cadence_days = forms.IntegerField(
        label="Days between check-ins (optional)",
        help_text="Leave empty to use the school's default for the child's status. A number set "
        "here lasts until the child's status next changes.",
        required=False,
        min_value=1,
        max_value=365,
    )
    reason = forms.CharField(
        label="Reason or source (optional)",
        help_text="For example: initial child protection conference, 3 March.",
        required=False,
        widget=forms.Textarea,
        max_length=2_000,
    )

    def __init__(self, *args: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trusted_adult"]
        assert isinstance(field, AdultChoiceField)
        field.queryset = adults


class VoiceSettingsForm(forms.Form):
    cp_plan_days = forms.IntegerField(
        label="Child protection plan: days between check-ins", min_value=1, max_value=365
    )
    cin_days = forms.IntegerField(
        label="Child in need: days between check-ins", min_value=1, max_value=365
    )
    early_help_days = forms.IntegerField(
        label="Early help: days between check-ins", min_value=1, max_value=365
    )
    monitoring_days = forms.IntegerField(
        label="Monitored by the safeguarding team: days between check-ins",
        min_value=1,
        max_value=365,
    )
    due_soon_days = forms.IntegerField(
        label="Show a check-in as due this many days before its date",
        min_value=0,
        max_value=365,
    )
