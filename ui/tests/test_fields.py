"""`govuk_field` renders GOV.UK form markup; dates go into date inputs as ISO dates."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from ui.forms import DateInputField
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


class _Grouped(forms.Form):
    fruit = forms.ChoiceField(
        choices=[("", "Choose"), ("Stone fruit", [("p", "Plum"), ("c", "Cherry")]), ("x", "Other")]
    )
    on = DateInputField(label="On", name="The day", help_text="For example, 27 3 2026")


class _Hostile(forms.Form):
    who = forms.ChoiceField(choices=[("", "Choose"), ('a"b', "<script>x</script> & Co")])


def test_option_values_and_labels_are_escaped():
    html = govuk_field(_Hostile(data={"who": 'a"b'})["who"])
    assert '<option value="a&quot;b" selected>&lt;script&gt;x&lt;/script&gt; &amp; Co</option>' in (
        html
    )
    assert "<script>" not in html


def test_an_empty_select_selects_nothing():
    html = govuk_field(_Hostile()["who"])
    assert "selected" not in html


def test_grouped_choices_become_option_groups():
    html = govuk_field(_Grouped(data={"fruit": "c"})["fruit"])
    assert '<optgroup label="Stone fruit">' in html
    assert '<option value="c" selected>Cherry</option>' in html
    assert html.index("</optgroup>") < html.index('<option value="x"')


def test_date_input_pattern():
    form = _Grouped(initial={"on": datetime.date(2026, 3, 27)})
    html = govuk_field(form["on"])
    assert 'class="govuk-date-input" id="id_on"' in html
    assert 'role="group"' in html
    for name, value in (("day", "27"), ("month", "3"), ("year", "2026")):
        assert (
            f'id="id_on_{name}" name="on_{name}" type="text" inputmode="numeric" value="{value}"'
            in html
        )
    form = _Grouped(data={"fruit": "p", "on_day": "27", "on_month": "", "on_year": "2026"})
    assert not form.is_valid()
    assert form.errors["on"] == ["The day must include a month."]
    html = govuk_field(form["on"])
    assert 'id="id_on-error"' in html
    assert 'value="27"' in html
    assert "govuk-input--error" in html
    assert 'href="#id_on_day"' in govuk_error_summary(form)
    valid = _Grouped(data={"fruit": "p", "on_day": "1", "on_month": "02", "on_year": "2026"})
    assert valid.is_valid()
    assert valid.cleaned_data["on"] == datetime.date(2026, 2, 1)
    assert valid.has_changed()
    same = _Grouped(initial={"fruit": "p", "on": datetime.date(2026, 2, 1)}, data=valid.data)
    assert not same.has_changed()


def test_summary_links_radios_to_the_first_option_and_skips_absent_forms():
    form = _Form(data={"when": "2026-01-01", "at": "2026-01-01T09:00"})
    assert not form.is_valid()
    summary = govuk_error_summary(form, None)
    assert 'href="#id_kind_0"' in summary


def test_date_input_edge_cases():
    field = DateInputField(required=False)
    assert field.clean(["", "", ""]) is None
    assert field.clean(datetime.date(2026, 1, 2)) == datetime.date(2026, 1, 2)
    assert field.to_python(None) is None
    with pytest.raises(ValidationError, match=r"The date must be a real date\."):
        field.clean(["1st", "2", "2026"])
    with pytest.raises(ValidationError, match="must include a day and a year"):
        field.clean(["", "2", ""])
    assert field.has_changed(None, ["x", "2", "2026"])
