"""Template tags that render GOV.UK Frontend markup for Django forms."""

import datetime
from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

register = template.Library()

_INPUT_TYPES = {
    forms.EmailInput: "email",
    forms.PasswordInput: "password",
    forms.NumberInput: "number",
    forms.DateTimeInput: "datetime-local",
    forms.DateInput: "date",
    forms.URLInput: "url",
}


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.simple_tag
def govuk_field(bound: forms.BoundField, **options: Any) -> SafeString:
    """One form field as a GOV.UK form group: label, hint, error message and control.

    Options: `label_class` (e.g. "govuk-label--m"), `input_class` (e.g. "govuk-input--width-10"),
    `autocomplete`, `inputmode`, `heading` (render the label as the page heading).
    """
    widget = bound.field.widget
    kind = _kind(widget)
    input_type = next(
        (name for cls, name in _INPUT_TYPES.items() if isinstance(widget, cls)), "text"
    )
    value = bound.value()
    if isinstance(value, datetime.datetime) and input_type == "datetime-local":
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.strftime("%Y-%m-%dT%H:%M")
    elif isinstance(value, datetime.date) and input_type == "date":
        # A date input takes ISO dates only; the localised format would come back empty.
        value = value.isoformat()
    context = {
        "field": bound,
        "kind": kind,
        "input_type": input_type,
        "id": bound.id_for_label or f"id_{bound.html_name}",
        "value": value,
        "errors": bound.errors,
        "options": options,
        "choices": list(bound.subwidgets) if kind in {"radios", "checkboxes"} else [],
        "select_choices": [(str(v), label) for v, label in getattr(bound.field, "choices", [])]
        if kind == "select"
        else [],
        "required": bound.field.required,
    }
    return render_to_string("ui/includes/field.html", context)


@register.simple_tag
def govuk_error_summary(*forms_: forms.BaseForm) -> SafeString:
    """The error summary at the top of a page, linking to each field in error."""
    items: list[dict[str, object]] = []
    for form in forms_:
        for name, errors in form.errors.items():
            if name == "__all__":
                items.extend({"href": "", "text": e} for e in errors)
                continue
            bound = form[name]
            items.extend(
                {"href": f"#{bound.id_for_label or 'id_' + name}", "text": e} for e in errors
            )
    return render_to_string("ui/includes/error_summary.html", {"items": items})
