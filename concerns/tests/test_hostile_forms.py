"""Issue 14: hostile text in every concern form that takes free text (concern, amendment,
decision, action). Each input is either refused with a clear error and nothing written, or
stored exactly as typed (Django trims the ends) and shown without reordering controls."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.bounds import BIDI_REORDERING
from concerns.models import Action, Concern, ConcernVersion, Decision
from concerns.services import categories_ensure
from concerns.tests.factories import make_concern

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Sm", "L"]),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(
        [
            '=HYPERLINK("https://evil.example","x")',
            "＝1+1",
            "＋＠－",
            "Ava \u202eKcim\u202c said",
            "\u2066isolate\u2069",
            "null \x00 byte",
            "<script>alert(1)</script>",
            "{{ secret }} {% now 'Y' %}",
            "line\rbreak\u2028separator\u0085next",
            "x" * 20_000,
        ]
    ),
)
_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _counts() -> tuple[int, int, int, int]:
    return (
        Concern.objects.count(),
        ConcernVersion.objects.count(),
        Decision.objects.count(),
        Action.objects.count(),
    )


def _check(response, before, stored, text: str) -> None:
    """Either refused clearly with nothing written, or stored exactly as sent."""
    if response.status_code == 302:
        assert stored() == text.strip()
        return
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert _counts() == before


def _shown_without_controls(client, url: str) -> None:
    body = client.get(url).content.decode()
    assert not any(c in body for c in BIDI_REORDERING)


@_SETTINGS
@given(text=HOSTILE)
def test_a_concern_with_hostile_text(client_for, teacher, pupil, school, text):
    categories_ensure(school=school)
    neglect = school.concern_categories.get(code="neglect")
    now = timezone.localtime() - timedelta(minutes=30)
    data = {
        "child_1": str(pupil.pk),
        "part_1": "subject",
        "occurred_on": now.date().isoformat(),
        "occurred_time": now.strftime("%H:%M"),
        "location": "Playground",
        "facts": text,
        "child_words": text,
        "categories": [str(neglect.pk)],
    }
    client = client_for(teacher)
    before = _counts()
    response = client.post(reverse("concerns:record"), data)
    _check(
        response,
        before,
        lambda: ConcernVersion.objects.latest("pk").facts,
        text,
    )
    if response.status_code == 302:
        _shown_without_controls(client, response["Location"])


@_SETTINGS
@given(text=HOSTILE)
def test_an_amendment_with_hostile_text(client_for, dsl, teacher, pupil, text):
    concern = make_concern(author=teacher, pupil=pupil)
    before = _counts()
    response = client_for(dsl).post(
        reverse("concerns:amend", args=[concern.pk]),
        {"facts": text, "child_words": text, "reason": text},
    )
    _check(response, before, lambda: concern.versions.order_by("-number")[0].facts, text)


@_SETTINGS
@given(text=HOSTILE)
def test_a_decision_with_hostile_text(client_for, dsl, teacher, pupil, text):
    concern = make_concern(author=teacher, pupil=pupil)
    before = _counts()
    response = client_for(dsl).post(
        reverse("concerns:decide", args=[concern.pk]),
        {
            "outcome": "monitor",
            "rationale": text,
            "review_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    _check(response, before, lambda: concern.decisions.get().rationale, text)


@_SETTINGS
@given(text=HOSTILE)
def test_an_action_with_hostile_text(client_for, dsl, teacher, pupil, text):
    concern = make_concern(author=teacher, pupil=pupil)
    before = _counts()
    response = client_for(dsl).post(
        reverse("concerns:assign_action", args=[concern.pk]),
        {
            "description": text,
            "assignee": str(dsl.pk),
            "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    _check(response, before, lambda: concern.actions.get().description, text)


def test_a_body_over_djangos_limit_is_refused_and_nothing_is_written(client_for, teacher, pupil):
    before = _counts()
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = client_for(teacher).post(
        reverse("concerns:record"), {"child_1": str(pupil.pk), "facts": "x" * size}
    )
    assert response.status_code == 400
    assert _counts() == before


def test_a_name_with_an_override_is_refused_in_the_decision_form(client_for, dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    response = client_for(dsl).post(
        reverse("concerns:decide", args=[concern.pk]),
        {
            "outcome": "lado",
            "rationale": "Allegation about an adult.",
            "adult_name": "Sam \u202eSmith",
            "adult_role": "Coach",
        },
    )
    assert response.status_code == 400
    assert "changes the direction text is shown in" in response.content.decode()
    assert not Decision.objects.exists()
