"""form_write: the form-page shape every view shares (a valid POST, the write, a refusal)."""

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from ui.forms import Written, form_write


class _NoteForm(forms.Form):
    note = forms.CharField()
    occurred_on = forms.CharField(required=False)


def _post(data):
    return RequestFactory().post("/", data)


def test_a_get_writes_nothing_and_shows_the_page():
    calls = []
    request = RequestFactory().get("/")
    assert form_write(request, _NoteForm(), lambda: calls.append(1)) is None
    assert calls == []


def test_an_invalid_form_writes_nothing():
    calls = []
    form = _NoteForm({"note": ""})
    assert form_write(_post({}), form, lambda: calls.append(1)) is None
    assert calls == []
    assert "note" in form.errors


def test_a_valid_post_returns_what_the_service_wrote():
    form = _NoteForm({"note": "Came in without a coat"})

    def write():  # reads the cleaned data, so it runs only after the form is valid
        return form.cleaned_data["note"].upper()

    written = form_write(_post({}), form, write)
    assert written == Written("CAME IN WITHOUT A COAT")


def test_a_service_that_returns_nothing_still_counts_as_written():
    written = form_write(_post({}), _NoteForm({"note": "x"}), lambda: None)
    assert written is not None
    assert written.value is None


def test_a_refusal_goes_on_the_field_it_names_or_its_alias_or_the_top():
    def refuse():
        raise ValidationError(
            {
                "note": "Say what you saw.",
                "occurred_at": "The date cannot be in the future.",
                "elsewhere": "Withdrawn by someone else since.",
            }
        )

    form = _NoteForm({"note": "x"})
    assert form_write(_post({}), form, refuse, field_aliases={"occurred_at": "occurred_on"}) is None
    assert form.errors["note"] == ["Say what you saw."]
    assert form.errors["occurred_on"] == ["The date cannot be in the future."]
    assert form.non_field_errors() == ["Withdrawn by someone else since."]


def test_a_refusal_without_a_field_goes_at_the_top():
    def refuse():
        raise ValidationError("The concern was amended by someone else since.")

    form = _NoteForm({"note": "x"})
    assert form_write(_post({}), form, refuse) is None
    assert form.non_field_errors() == ["The concern was amended by someone else since."]
