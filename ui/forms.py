"""Form fields for GOV.UK Frontend patterns that Django has no field for.

`DateInputField` is the GOV.UK "date input" pattern: three text boxes (day, month, year) in a
fieldset, posted as `<name>_day`, `<name>_month` and `<name>_year`, with the pattern's error
messages ("… must include a month", "… must be a real date"). `{% govuk_field %}` renders it.

`form_write` is the shape every form page shares: a valid POST, the service's write, and a
refusal shown on the form.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

DATE_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes; rendered by `ui/includes/field.html` (kind "date")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, _, _ in DATE_PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        """The day box: where a link from the error summary should land."""
        return f"{id_}_day" if id_ else id_


class DateInputField(forms.Field):
    """A date typed as day, month and year. `name` starts the error messages ("The date")."""

    widget = DateInputWidget

    def __init__(self, *, name: str = "The date", **kwargs: Any) -> None:
        self.name = name
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        parts = list(value) if isinstance(value, list | tuple) else ["", "", ""]
        day, month, year = (str(p if p is not None else "").strip() for p in parts[:3])
        if not (day or month or year):
            return None
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(
                f"{self.name} must include a {' and a '.join(missing)}.", code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self.name} must be a real date.", code="invalid")
        if len(year) != 4:
            raise ValidationError("The year must include 4 numbers.", code="invalid_year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"{self.name} must be a real date.", code="invalid") from error

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return bool(self.to_python(data) != initial)
        except ValidationError:
            return True


@dataclass(frozen=True, slots=True)
class Written[T]:
    """A form's write went through; `value` is what the service returned."""

    value: T


def form_write[T](
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[], T],
    *,
    field_aliases: Mapping[str, str] | None = None,
) -> Written[T] | None:
    """The shape every form page shares, in one place.

    On a POST whose form is valid, call `write` (a service call reading `form.cleaned_data`). A
    `ValidationError` from the service goes onto the form, on the field it names when the form
    has that field (or the field `field_aliases` gives for it), else at the top; the service's
    transaction has rolled back, so nothing was written. Returns `Written(value)` after a write,
    and None when the page should be shown again: a GET, an invalid form, or a refusal.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Written(write())
    except ValidationError as error:
        form_error(form, error, field_aliases)
        return None


def form_error(
    form: forms.BaseForm, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: on the field it names when the form has it (or the
    field `aliases` gives for it), else at the top of the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = aliases.get(name, name)
        for each in errors:
            form.add_error(field if field in form.fields else None, each)
