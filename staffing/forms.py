"""Forms for the training register and the low-level concerns register."""

from typing import Any

from django import forms

from schools.models import Membership, Role
from staffing.models import AdultKind, ConcernedAdult, TrainingType
from ui.forms import DateInputField


def _person_label(m: Membership) -> str:
    return f"{m.user.full_name} ({m.get_role_display().lower()})"


class TrainingForm(forms.Form):
    person = forms.ChoiceField(label="Who completed the training")
    training_type = forms.ChoiceField(label="Training", choices=TrainingType.choices)
    completed_on = DateInputField(
        name="The date completed", label="Date completed", help_text="For example, 27 3 2026"
    )
    provider = forms.CharField(label="Provider", max_length=200)
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text="A certificate or record of attendance: PDF, image or Word document.",
    )

    def __init__(self, *args: Any, people: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        person = self.fields["person"]
        assert isinstance(person, forms.ChoiceField)
        person.choices = [("", "Choose a person")] + [
            (key, _person_label(p)) for key, p in self.people.items()
        ]
        self.fields["person"].error_messages["invalid_choice"] = "Choose a person from the list."
        self.fields["person"].error_messages["required"] = "Choose who completed the training."
        self.fields["completed_on"].error_messages["required"] = "Enter the date completed."
        self.fields["provider"].error_messages["required"] = "Enter who provided the training."

    def chosen_person(self) -> Membership:
        return self.people[self.cleaned_data["person"]]


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, training, completed_on, provider.",
        error_messages={"required": "Choose a CSV file."},
    )


class LowLevelConcernForm(forms.Form):
    about = forms.ChoiceField(label="Who is the concern about")
    full_name = forms.CharField(
        label="Their full name (someone not listed)", max_length=200, required=False
    )
    kind = forms.ChoiceField(
        label="Their role (someone not listed)", choices=AdultKind.choices, required=False
    )
    job_title = forms.CharField(
        label="Job title (someone not listed, optional)", max_length=200, required=False
    )
    happened_on = DateInputField(name="The date", label="When it happened")
    raised_by = forms.CharField(label="Who raised it", max_length=200)
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea)
    response = forms.CharField(
        label="What was done about it (optional)", widget=forms.Textarea, required=False
    )
    threshold_may_be_met = forms.BooleanField(
        label="The harm threshold may be met: the LADO should be consulted", required=False
    )

    NEW = "new"

    def __init__(
        self,
        *args: Any,
        adults: list[ConcernedAdult],
        members: list[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.adults = {f"adult-{a.pk}": a for a in adults}
        self.members = {f"member-{m.pk}": m for m in members}
        about = self.fields["about"]
        assert isinstance(about, forms.ChoiceField)
        about.choices = [
            ("", "Choose an adult"),
            ("In the register", [(k, a.full_name) for k, a in self.adults.items()]),
            ("At the school", [(k, _person_label(m)) for k, m in self.members.items()]),
            (self.NEW, "Someone not listed"),
        ]
        self.fields["about"].error_messages["required"] = "Choose who the concern is about."
        self.fields["about"].error_messages["invalid_choice"] = "Choose an adult from the list."
        self.fields["happened_on"].error_messages["required"] = "Enter when it happened."
        self.fields["raised_by"].error_messages["required"] = "Enter who raised the concern."
        self.fields["what_happened"].error_messages["required"] = "Enter what happened."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("about") == self.NEW and not (data.get("full_name") or "").strip():
            self.add_error("full_name", "Enter the adult's name.")
        if data.get("about") == self.NEW and not data.get("kind"):
            self.add_error("kind", "Choose the adult's role.")
        return data

    def chosen(self) -> dict[str, Any]:
        key = self.cleaned_data["about"]
        if key in self.adults:
            return {"adult": self.adults[key]}
        if key in self.members:
            return {"member": self.members[key]}
        return {}


class AdultLeftForm(forms.Form):
    left_on = DateInputField(name="The leaving date", label="Date they left")


class LowLevelPolicyForm(forms.Form):
    deputy_dsl_reads = forms.BooleanField(
        label="Deputy designated safeguarding leads read the register", required=False
    )
    chair = forms.ChoiceField(label="Chair of governors", required=False)

    def __init__(self, *args: Any, governors: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.governors = {str(g.pk): g for g in governors}
        chair = self.fields["chair"]
        assert isinstance(chair, forms.ChoiceField)
        chair.choices = [("", "Not named")] + [
            (k, g.user.full_name) for k, g in self.governors.items()
        ]
        self.fields[
            "chair"
        ].help_text = "The chair reads concerns about the headteacher, and nothing else."

    def chosen_chair(self) -> Membership | None:
        return self.governors.get(self.cleaned_data.get("chair") or "")


def members_for_concern(*, viewer: Membership, known_user_ids: set[Any]) -> list[Membership]:
    """Colleagues a concern may be recorded about: everyone at the school but the recorder,
    once each, leaving out those already in the register the recorder reads."""
    seen: set[Any] = set(known_user_ids) | {viewer.user_id}
    members = []
    if viewer.school_id is None:
        return []
    for m in Membership.objects.filter(school_id=viewer.school_id, is_active=True).select_related(
        "user"
    ):
        if m.user_id in seen:
            continue
        seen.add(m.user_id)
        members.append(m)
    return members


def governors_of(*, school_id: Any) -> list[Membership]:
    if school_id is None:
        return []
    return list(
        Membership.objects.filter(
            school_id=school_id, role=Role.GOVERNOR, is_active=True
        ).select_related("user")
    )
