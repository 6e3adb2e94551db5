"""`govuk_field` renders GOV.UK form markup; dates go into date inputs as ISO dates."""

import datetime

from django import forms

from ui.templatetags.cairn_ui import govuk_error_summary, govuk_field


class _Form(forms.Form):
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="The day")
    at = forms.DateTimeField(widget=forms.DateTimeInput)
    kind = forms.ChoiceField(choices=[("a", "Apple"), ("b", "Banana")], widget=forms.RadioSelect)
    note = forms.CharField(widget=forms.Textarea, required=False)


def test_date_values_are_iso_in_date_inputs():
    form = _Form(
        initial={
            "when": datetime.date(2026, 11, 26),
            "at": datetime.datetime(2026, 11, 26, 9, 5, tzinfo=datetime.UTC),
        }
    )
    html = govuk_field(form["when"])
    assert 'type="date"' in html
    assert 'value="2026-11-26"' in html
    assert 'aria-describedby="id_when-hint"' in html
    assert 'value="2026-11-26T09:05"' in govuk_field(form["at"])


def test_errors_are_linked_and_announced():
    form = _Form(data={"when": "not a date", "kind": "z"})
    assert not form.is_valid()
    html = govuk_field(form["when"])
    assert "govuk-form-group--error" in html
    assert 'id="id_when-error"' in html
    assert "Error:</span> Enter a valid date." in html
    summary = govuk_error_summary(form)
    assert 'href="#id_when"' in summary
    radios = govuk_field(form["kind"])
    assert "govuk-radios__input" in radios
    assert "Select a valid choice" in radios


def test_textarea_keeps_what_was_typed():
    form = _Form(data={"note": "<b>seen</b> at lunch"})
    html = govuk_field(form["note"])
    assert "&lt;b&gt;seen&lt;/b&gt; at lunch</textarea>" in html
