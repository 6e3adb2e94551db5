"""Forms for supervision, reflective reviews, practice reviews and what went well."""

from typing import Any

from django import forms

from learning.models import Expectations, Theme
from pupils.models import Pupil
from ui.forms import DateInputField


class SupervisionForm(forms.Form):
    held_on = DateInputField(name="The date", label="Date of the session")
    supervisor = forms.CharField(label="Supervisor", max_length=200)
    attendees = forms.CharField(label="Who attended", max_length=500)
    children = forms.MultipleChoiceField(
        label="Children discussed (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the safeguarding team sees which children were discussed.",
    )
    reflections = forms.CharField(label="Reflections", widget=forms.Textarea)
    agreed_actions = forms.CharField(
        label="Agreed actions (optional)", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, pupils: list[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupils = {str(p.pk): p for p in pupils}
        children = self.fields["children"]
        assert isinstance(children, forms.ChoiceField)
        children.choices = [(k, p.display_name) for k, p in self.pupils.items()]
        self.fields["held_on"].error_messages["required"] = "Enter the date of the session."
        self.fields["supervisor"].error_messages["required"] = "Enter the supervisor's name."
        self.fields["attendees"].error_messages["required"] = "Enter who attended."
        self.fields["reflections"].error_messages["required"] = "Enter the reflections."

    def chosen_children(self) -> list[Pupil]:
        return [self.pupils[k] for k in self.cleaned_data["children"]]


class ReflectiveReviewForm(forms.Form):
    held_on = DateInputField(name="The date", label="Date of the review")
    expectations = forms.ChoiceField(
        label="Do our expectations stay high for all children?",
        choices=Expectations.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether expectations stay high for all children."},
    )
    what_we_saw = forms.CharField(
        label="What we looked at (the high-expectations check, cases, the team's decisions)",
        widget=forms.Textarea,
        error_messages={"required": "Enter what you looked at."},
    )
    concluded = forms.CharField(
        label="What the team concluded, and what it will do",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the team concluded."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = "Enter the date of the review."


class PracticeReviewForm(forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    publisher = forms.CharField(
        label="Published by",
        max_length=200,
        help_text="The local safeguarding partnership, or the national panel.",
    )
    published_on = DateInputField(name="The date", label="Date published")
    link = forms.URLField(label="Link (optional)", max_length=500, required=False)
    key_learning = forms.CharField(
        label="Key learning, in the school's words", widget=forms.Textarea
    )
    themes = forms.MultipleChoiceField(
        label="Themes", choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    used_in_training = forms.CharField(
        label="Training it was used in (optional)", widget=forms.Textarea, required=False
    )
    policy_changes = forms.CharField(
        label="Policy changes it led to (optional)", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = "Enter the title."
        self.fields["publisher"].error_messages["required"] = "Enter who published it."
        self.fields["published_on"].error_messages["required"] = "Enter the date published."
        self.fields["key_learning"].error_messages["required"] = "Enter the key learning."


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", error_messages={"required": "Choose a CSV file."})


class WentWellForm(forms.Form):
    what_went_well = forms.CharField(
        label="What went well",
        widget=forms.Textarea,
        error_messages={"required": "Enter what went well."},
    )
    why = forms.CharField(
        label="Why it went well",
        widget=forms.Textarea,
        error_messages={"required": "Enter why it went well."},
    )
    themes = forms.MultipleChoiceField(
        label="Themes (governors see how many notes name each theme, and nothing else)",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
