"""Issue 14, item 9: hidden text-direction controls are refused in names and taken out of every
page, so stored text cannot make a child's name read as someone else's."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from audit.bounds import name_problem
from schools.forms import InvitationForm
from ui.middleware import BidiNeutraliseMiddleware

RLO = "\u202e"


def test_the_middleware_removes_reordering_controls_and_keeps_marks():
    html = f"<p>Ava {RLO}Kcim\u202c and \u2067x\u2069 \u200fשלום</p>"
    middleware = BidiNeutraliseMiddleware(lambda request: HttpResponse(html))
    response = middleware(RequestFactory().get("/"))
    assert response.content.decode() == "<p>Ava Kcim and x \u200fשלום</p>"


def test_other_responses_are_left_as_they_are():
    body = f"{RLO}data"
    middleware = BidiNeutraliseMiddleware(
        lambda request: HttpResponse(body, content_type="text/plain")
    )
    assert middleware(RequestFactory().get("/")).content.decode() == body


@pytest.mark.django_db
def test_a_name_stored_before_the_fix_is_shown_without_its_override(client_for, dsl, pupil):
    # Before the fix the front sheet showed the surname reversed on screen ("childTest").
    pupil.legal_surname = f"Test{RLO}dlihc"
    pupil.save()
    body = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert "Testdlihc" in body
    assert RLO not in body


@pytest.mark.parametrize("name", [f"Ava{RLO}", "Ava\u2066", "Ava\u200f", "Ava\x00", "Ava\nBen"])
def test_a_name_with_a_hidden_character_is_refused_by_the_form(name):
    form = InvitationForm(data={"full_name": name, "email": "a@b.example", "role": "staff"})
    assert not form.is_valid()
    assert "hidden" in form.errors["full_name"][0]


def test_names_in_any_script_are_accepted():
    assert name_problem("Zoë O'Brien-Ṇguyễn") is None
    assert name_problem("أحمد") is None
    assert name_problem("Ana\u200dMaria") is None  # zero-width joiner: some scripts need it
