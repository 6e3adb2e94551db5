"""Recording a concern (with its draft), a note on it, and an amendment with its reason."""

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from audit.bounds import validate_name
from concerns import selectors
from concerns.forms.fields import MultipleFileField, PupilChoiceField, local_moment
from concerns.models import (
    BodyRegion,
    BodySide,
    Category,
    Part,
)
from concerns.services import MarkInput, attachment_check, categories_ensure
from pupils.access import pupils_on_roll_for
from pupils.models import Pupil
from schools.models import Membership
from sources.themes import themes_field

EXTRA_CHILDREN = 2


_MAX_MARKS = 30


class _RollOptions:
    """The children a person may record about, as options for the three child pickers: read
    from the database once, when the first picker is drawn (never for a posted form that is
    saved), however many pickers show them. A posted child is still checked against the
    roll's query by each field."""

    def __init__(self, pupils: QuerySet[Pupil], field: PupilChoiceField) -> None:
        self._pupils = pupils
        self._field = field
        self._options: list[tuple[str, str]] | None = None

    def options(self, empty_label: str) -> list[tuple[str, str]]:
        if self._options is None:
            label = self._field.label_from_instance
            self._options = [(str(pupil.pk), label(pupil)) for pupil in self._pupils]
        return [("", empty_label), *self._options]


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
    child_themes = themes_field()
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
    # One key per concern being typed (kept in its draft): see `Concern.form_key`.
    form_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
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
        roll = _RollOptions(pupils, cast(PupilChoiceField, self.fields["child_1"]))
        for name in ("child_1", "child_2", "child_3"):
            field = cast(PupilChoiceField, self.fields[name])
            field.queryset = pupils  # what a posted child is checked against
            field.choices = partial(roll.options, str(field.empty_label))
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]
        now = timezone.localtime()
        self.fields["occurred_on"].initial = now.date().isoformat()  # type="date" wants ISO
        self.fields["occurred_time"].initial = now.strftime("%H:%M")
        if not self.initial.get("form_key"):
            self.initial = {**self.initial, "form_key": str(uuid.uuid4())}

    def clean_form_key(self) -> uuid.UUID | None:
        """The form's key, or None when it is missing or not one the page gave: the person never
        sees this field, so a bad key is dropped rather than shown to them as a problem."""
        try:
            return uuid.UUID(self.cleaned_data.get("form_key") or "")
        except ValueError:
            return None

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
        if day and at and local_moment(day, at) > timezone.now() + timedelta(minutes=5):
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
        return local_moment(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])

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
    "form_key",
)


_DRAFT_FIELD_MAX = 20_000


def concern_form_for(
    *,
    viewer: Membership,
    data: Any = None,
    files: Any = None,
    initial: dict[str, object] | None = None,
) -> ConcernForm:
    """The concern form as `viewer` sees it: the children on their roll, their school's
    categories (made on first use)."""
    categories_ensure(school=viewer.school)  # type: ignore[arg-type]
    return ConcernForm(
        data,
        files,
        pupils=pupils_on_roll_for(viewer=viewer).order_by("legal_surname", "legal_forename"),
        categories=selectors.categories_for(school=viewer.school),
        initial=initial,
    )


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
        elif name == "form_key":
            key = form.cleaned_data.get("form_key")
            fields[name] = str(key) if key else ""
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
    child_themes = themes_field()
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
