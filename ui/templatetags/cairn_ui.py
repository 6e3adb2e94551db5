"""Template tags that render GOV.UK Frontend markup for Django forms."""

import datetime
from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ui.forms import DATE_PARTS, DateInputWidget

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
    if isinstance(widget, DateInputWidget):
        return "date"
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


def _select_groups(choices: Any) -> list[tuple[str | None, list[tuple[str, Any]]]]:
    """A select's options as [(group label or None, [(value, label)])]: a choice whose label is
    itself a list of choices becomes an <optgroup>, as in Django's grouped choices."""
    groups: list[tuple[str | None, list[tuple[str, Any]]]] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            groups.append((str(value), [(str(v), text) for v, text in label]))
        elif groups and groups[-1][0] is None:
            groups[-1][1].append((str(value), label))
        else:
            groups.append((None, [(str(value), label)]))
    return groups


def _select_options(
    groups: list[tuple[str | None, list[tuple[str, Any]]]], value: Any
) -> SafeString:
    """A select's <option>s (in <optgroup>s where grouped), the one matching `value` selected.
    Written here rather than by a template loop: a picker of a whole roll has hundreds of options,
    and the template engine took most of the concern form's time drawing them."""
    chosen = str(value)
    parts: list[str] = []
    for group, options in groups:
        if group:
            parts.append(f'<optgroup label="{conditional_escape(group)}">')
        parts.extend(
            f'<option value="{conditional_escape(v)}"{" selected" if v == chosen else ""}>'
            f"{conditional_escape(label)}</option>"
            for v, label in options
        )
        if group:
            parts.append("</optgroup>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value and label escaped above


def _date_parts(bound: forms.BoundField, widget: DateInputWidget) -> list[dict[str, Any]]:
    """The day, month and year boxes with what was typed (or the initial date)."""
    value = bound.value()
    typed = value if isinstance(value, list | tuple) else widget.decompress(value)
    return [
        {"name": name, "label": label, "width": width, "value": typed[i]}
        for i, (name, label, width) in enumerate(DATE_PARTS)
    ]


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
        "id": (bound.auto_id if kind == "date" else bound.id_for_label) or f"id_{bound.html_name}",
        "value": value,
        "errors": bound.errors,
        "options": options,
        "choices": list(bound.subwidgets) if kind in {"radios", "checkboxes"} else [],
        "select_options": _select_options(
            _select_groups(getattr(bound.field, "choices", None) or getattr(widget, "choices", [])),
            value,
        )
        if kind == "select"
        else "",
        "date_parts": _date_parts(bound, widget) if isinstance(widget, DateInputWidget) else [],
        "required": bound.field.required,
    }
    return render_to_string("ui/includes/field.html", context)


def _summary_target(bound: forms.BoundField) -> str:
    """Where the summary's link for a field lands: its control, or its first radio or box."""
    if bound.id_for_label:
        return bound.id_for_label
    if _kind(bound.field.widget) in {"radios", "checkboxes"} and bound.auto_id:
        return f"{bound.auto_id}_0"
    return bound.auto_id or f"id_{bound.html_name}"


@register.simple_tag
def govuk_error_summary(*forms_: forms.BaseForm | None) -> SafeString:
    """The error summary at the top of a page, linking to each field in error."""
    items: list[dict[str, object]] = []
    for form in forms_:
        if form is None:
            continue  # a page may pass a form it shows only sometimes
        for name, errors in form.errors.items():
            if name == "__all__":
                items.extend({"href": "", "text": e} for e in errors)
                continue
            target = _summary_target(form[name])
            items.extend({"href": f"#{target}", "text": e} for e in errors)
    return render_to_string("ui/includes/error_summary.html", {"items": items})


@register.simple_tag
def govuk_conditional_radios(bound: forms.BoundField, **options: Any) -> SafeString:
    """Radios after the GOV.UK "conditional reveal" pattern: under each option, the questions
    it needs (`bound.form.conditionals()`: option value → field names). GOV.UK Frontend hides
    the questions of the options not chosen; without JavaScript every option's are shown.

    Options: `label_class` for the legend (e.g. "govuk-fieldset__legend--m")."""
    form = bound.form
    conditionals: dict[str, list[str]] = form.conditionals()  # type: ignore[attr-defined]
    context = {
        "field": bound,
        "id": bound.auto_id,
        "errors": bound.errors,
        "options": options,
        "items": [
            {
                "choice": choice,
                "fields": [form[name] for name in conditionals.get(str(choice.data["value"]), [])],
            }
            for choice in bound.subwidgets
        ],
    }
    return render_to_string("ui/includes/conditional_radios.html", context)
