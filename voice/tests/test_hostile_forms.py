"""Issue 14: hostile text in the child's-voice form. Each input is either refused with a clear
error and nothing written, or stored exactly as typed and shown without reordering controls."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.bounds import BIDI_REORDERING
from voice.models import VoiceEntry, VoiceEntryVersion
from voice.tests.test_access import _form

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Sm", "L"]),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(
        ["＝1+1", "Mum \u202edias\u202c", "\u2067x\u2069", "nul\x00", "<b>x</b>", "y" * 20_000]
    ),
)


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=HOSTILE)
def test_the_childs_words_with_hostile_text(client_for, trusted_adult, pupil_on_plan, text):
    client = client_for(trusted_adult)
    before = (VoiceEntry.objects.count(), VoiceEntryVersion.objects.count())
    response = client.post(
        f"/voice/pupils/{pupil_on_plan.pk}/record/", _form(words=text, worries=text)
    )
    if response.status_code == 302:
        entry = VoiceEntry.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
        assert entry.versions.get().words == text.strip()
        body = client.get(response["Location"]).content.decode()
        assert not any(c in body for c in BIDI_REORDERING)
        return
    assert response.status_code in {200, 400}  # the form again, with its errors
    assert "govuk-error-summary" in response.content.decode()
    assert (VoiceEntry.objects.count(), VoiceEntryVersion.objects.count()) == before
