"""Forms for recording concerns and the DSL's work on them. Every form works as a plain POST."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from audit.bounds import validate_name
from concerns.models import (
    BodyRegion,
    BodySide,
    Category,
    ChildPresent,
    Outcome,
    Part,
)
from concerns.services import MarkInput, Upload, attachment_check
from pupils.models import Pupil
from schools.models import Membership
from sources.themes import CHILD_THEMES, THEMES_HELP, THEMES_INVALID, THEMES_LABEL

EXTRA_CHILDREN = 2
_MAX_MARKS = 30


class PupilChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        year = f" (Year {obj.year_group})" if obj.year_group else ""
        return f"{obj.display_name}{year}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class ConcernForm(forms.Form):
    """Who, when, where, what was seen or heard, the child's own words, categories, body map."""

    child_1 = PupilChoiceField(
        queryset=Pupil.objects.none(), label="Child", empty_label="Choose a child"
    )
    part_1 = forms.ChoiceField(
        choices=Part.choices, initial=Part.SUBJECT, widget=forms.RadioSelect, label="Their part"
    )
    child_2 = PupilChoiceField(
        queryset=Pupil.objects.none(),
        required=False,
        label="Another child (optional)",
        empty_label="No other child",
    )
    part_2 = forms.ChoiceField(
        choices=Part.choices,
        initial=Part.INVOLVED,
        widget=forms.RadioSelect,
        label="Their part",
        required=False,
    )
    child_3 = PupilChoiceField(
        queryset=Pupil.objects.none(),
        required=False,
        label="A third child (optional)",
        empty_label="No other child",
    )
    part_3 = forms.ChoiceField(
        choices=Part.choices,
        initial=Part.WITNESS,
        widget=forms.RadioSelect,
        label="Their part",
        required=False,
    )
    occurred_on = forms.DateField(
        label="Date it happened", widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label="Time it happened",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Roughly, if you are not sure.",
    )
    location = forms.CharField(label="Where", max_length=200, required=False)
    facts = forms.CharField(
        label="What you saw or heard",
        widget=forms.Textarea,
        help_text="Facts, not opinions: what happened, who was there, what you did.",
        max_length=20_000,
    )
    child_words = forms.CharField(
        label="The child's own words",
        widget=forms.Textarea,
        required=False,
        max_length=10_000,
        help_text="Exactly what the child said, word for word, even if it is rude or unclear.",
    )
    child_themes = forms.MultipleChoiceField(
        label=THEMES_LABEL,
        help_text=THEMES_HELP,
        choices=CHILD_THEMES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": THEMES_INVALID},
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What kind of concern is it?",
    )
    mark_side = forms.ChoiceField(
        choices=[("", "No mark"), *BodySide.choices], required=False, label="Side of the body"
    )
    mark_region = forms.ChoiceField(
        choices=[("", "Choose a part of the body"), *BodyRegion.choices],
        required=False,
        label="Part of the body",
    )
    mark_description = forms.CharField(
        label="What the mark looks like",
        max_length=500,
        required=False,
        help_text="Size, colour and shape. Do not examine the child; record what you could see.",
    )
    marks_json = forms.CharField(required=False, widget=forms.HiddenInput)
    attachments = MultipleFileField(
        required=False,
        label="Attach files (optional)",
        help_text="Photos of a note or drawing, a document. Never a photo of the child's body.",
    )
    urgent_told_dsl = forms.BooleanField(
        required=False,
        label="Urgent: I have told a DSL in person",
        help_text="For anything that cannot wait. Tell a DSL in person first.",
    )
    told_dsl_name = forms.CharField(
        label="Which DSL did you tell?", max_length=200, required=False, validators=[validate_name]
    )

    def __init__(
        self, *args: Any, pupils: QuerySet[Pupil], categories: QuerySet[Category], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("child_1", "child_2", "child_3"):
            self.fields[name].queryset = pupils  # type: ignore[attr-defined]
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]
        now = timezone.localtime()
        self.fields["occurred_on"].initial = now.date().isoformat()  # type="date" wants ISO
        self.fields["occurred_time"].initial = now.strftime("%H:%M")

    def clean_marks_json(self) -> list[MarkInput]:
        raw = self.cleaned_data.get("marks_json") or ""
        if not raw.strip():
            return []
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError("The body map could not be read; mark it again.") from exc
        if not isinstance(items, list) or len(items) > _MAX_MARKS:
            raise ValidationError("The body map could not be read; mark it again.")
        marks = []
        for item in items:
            try:
                side = BodySide(item["side"])
                region = BodyRegion(item["region"])
                x = Decimal(str(item["x"])).quantize(Decimal("0.01"))
                y = Decimal(str(item["y"])).quantize(Decimal("0.01"))
                description = str(item.get("description", "")).strip()[:500]
            except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
                raise ValidationError("The body map could not be read; mark it again.") from exc
            if not (0 <= x <= 100 and 0 <= y <= 100):
                raise ValidationError("A body-map mark is outside the drawing.")
            if not description:
                raise ValidationError("Describe each mark on the body map.")
            marks.append(MarkInput(side=side, region=region, x=x, y=y, description=description))
        return marks

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        for upload in files:
            attachment_check(upload)
        return list(files)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"child_{i}") for i in (1, 2, 3)]
        ids = [c.pk for c in chosen if c is not None]
        if len(ids) != len(set(ids)):
            self.add_error("child_2", "Each child can be added once.")
        parts = [data.get(f"part_{i}") for i in (1, 2, 3)]
        if chosen[0] is not None and Part.SUBJECT not in [
            p for c, p in zip(chosen, parts, strict=True) if c is not None
        ]:
            self.add_error("part_1", "One child must be the child the concern is about.")
        day, at = data.get("occurred_on"), data.get("occurred_time")
        if day and at and _local(day, at) > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_on", "When it happened cannot be in the future.")
        side, region = data.get("mark_side"), data.get("mark_region")
        description = (data.get("mark_description") or "").strip()
        if side or region or description:
            if not side:
                self.add_error("mark_side", "Choose the front or the back.")
            if not region:
                self.add_error("mark_region", "Choose the part of the body.")
            if not description:
                self.add_error("mark_description", "Describe the mark.")
        if data.get("urgent_told_dsl") and not (data.get("told_dsl_name") or "").strip():
            self.add_error("told_dsl_name", "Say which DSL you told.")
        return data

    def occurred_at(self) -> datetime:
        return _local(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])

    def marks(self) -> list[MarkInput]:
        marks: list[MarkInput] = list(self.cleaned_data.get("marks_json") or [])
        if self.cleaned_data.get("mark_side") and self.cleaned_data.get("mark_region"):
            marks.append(
                MarkInput(
                    side=BodySide(self.cleaned_data["mark_side"]),
                    region=BodyRegion(self.cleaned_data["mark_region"]),
                    description=self.cleaned_data["mark_description"],
                )
            )
        return marks

    def children(self) -> list[tuple[Pupil, Part]]:
        result = []
        for i in (1, 2, 3):
            child = self.cleaned_data.get(f"child_{i}")
            if child is not None:
                result.append((child, Part(self.cleaned_data.get(f"part_{i}") or Part.INVOLVED)))
        return result


# What a draft keeps of the concern form: everything typed, never a file.
DRAFT_FIELDS = (
    "child_1",
    "part_1",
    "child_2",
    "part_2",
    "child_3",
    "part_3",
    "occurred_on",
    "occurred_time",
    "location",
    "facts",
    "child_words",
    "child_themes",
    "categories",
    "mark_side",
    "mark_region",
    "mark_description",
    "marks_json",
    "urgent_told_dsl",
    "told_dsl_name",
)
_DRAFT_FIELD_MAX = 20_000


def draft_from(form: ConcernForm) -> tuple[dict[str, str | list[str]], Pupil | None]:
    """What `form` (bound to a part-typed concern) holds, to keep as a draft, and the child it
    is about if one is chosen. ValidationError if it names a child or a category the author
    may not choose: a draft is never about a child off their school's roll. Anything else may
    be unfinished."""
    form.is_valid()
    for name in ("child_1", "child_2", "child_3", "categories", "child_themes"):
        if form.has_error(name, "invalid_choice") or form.has_error(name, "invalid_pk_value"):
            raise ValidationError("Choose the child and the kinds of concern from the lists.")
    fields: dict[str, str | list[str]] = {}
    for name in DRAFT_FIELDS:
        if name in ("categories", "child_themes"):
            chosen = cast(QueryDict, form.data).getlist(name)  # a bound form's POST
            fields[name] = [str(v)[:40] for v in chosen][:50]
        else:
            limit = getattr(form.fields[name], "max_length", None) or _DRAFT_FIELD_MAX
            fields[name] = str(form.data.get(name, ""))[:limit]
    pupil = form.cleaned_data.get("child_1") if "child_1" in form.cleaned_data else None
    return fields, pupil


class NoteForm(forms.Form):
    text = forms.CharField(label="Further information", widget=forms.Textarea, max_length=20_000)
    attachments = MultipleFileField(required=False, label="Attach files (optional)")

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        for upload in files:
            attachment_check(upload)
        return list(files)


class AmendForm(forms.Form):
    facts = forms.CharField(label="What was seen or heard", widget=forms.Textarea)
    child_words = forms.CharField(
        label="The child's own words", widget=forms.Textarea, required=False
    )
    child_themes = forms.MultipleChoiceField(
        label=THEMES_LABEL,
        help_text=THEMES_HELP,
        choices=CHILD_THEMES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": THEMES_INVALID},
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Categories",
    )
    reason = forms.CharField(
        label="Why are you amending the record?",
        widget=forms.Textarea,
        help_text="The earlier version is kept as it was written.",
    )

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]


# Each referral's own words: where it went (for the error messages) and its reference's label.
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


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": f"{label} must be a real date"},
    )


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
    review_date = _date_field("Review date")
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
            self.fields[f"{outcome}_date"] = _date_field(f"Date referred to {where}")
            self.fields[f"{outcome}_expected"] = _date_field(f"Outcome expected from {where} by")

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


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} ({obj.get_role_display()})"


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


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Words")
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, label="Category", empty_label="Any"
    )
    author = forms.CharField(required=False, label="Written by")
    child = forms.CharField(required=False, label="Child's name or UPN")
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class BehaviourForm(forms.Form):
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    occurred_time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    incident_type = forms.CharField(label="Type of incident", max_length=120)
    description = forms.CharField(label="What happened", widget=forms.Textarea, required=False)
    action_taken = forms.CharField(label="Action taken", max_length=200, required=False)

    def occurred_at(self) -> datetime:
        return _local(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])


class BehaviourImportForm(forms.Form):
    file = forms.FileField(
        label="Behaviour export (CSV)",
        help_text=(
            "Columns: incident_id, upn, date (YYYY-MM-DD), time (HH:MM), type, description, "
            "action_taken, recorded_by. The import guide in Cairn’s documentation describes "
            "each column."
        ),
    )
    dry_run = forms.BooleanField(required=False, label="Check the file without importing it")


class EncompassForm(forms.Form):
    police_reference = forms.CharField(label="Police reference", max_length=100)
    occurred_on = forms.DateField(
        label="Date of the incident", widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label="Time of the incident", widget=forms.TimeInput(attrs={"type": "time"})
    )
    child_present = forms.ChoiceField(
        choices=ChildPresent.choices, widget=forms.RadioSelect, label="Was the child present?"
    )
    pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        label="Children in the household at this school",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="The child named by the police, and their brothers and sisters on roll.",
    )
    welfare_check_on = forms.DateField(
        label="Welfare check planned for",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Normally the next school day.",
    )
    voice_of_child = forms.CharField(
        label="The child's voice, if the police recorded it", widget=forms.Textarea, required=False
    )
    details = forms.CharField(label="Other details", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]

    def occurred_at(self) -> datetime:
        return _local(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> "MultiValueDict[str, Upload] | None":
    return request.FILES if request.method == "POST" else None


class CategoryForm(forms.Form):
    label = forms.CharField(label="Name", max_length=120)
    signs = forms.CharField(
        label="Signs to look for", widget=forms.Textarea, required=False, max_length=2000
    )
    what_to_do = forms.CharField(
        label="What to do now", widget=forms.Textarea, required=False, max_length=2000
    )
    is_active = forms.BooleanField(
        label="Offer this category when staff record a concern", required=False, initial=True
    )
