"""The rules below the views: access functions, service checks and file identification."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from voice import access
from voice.attachments import ALLOWED_KINDS, identify
from voice.models import Communication, SupportLevel
from voice.selectors import DueState, check_in_for_pupil
from voice.services import (
    VoiceContent,
    check_in_schedule_set,
    support_status_record,
    voice_entry_amend,
    voice_entry_record,
    voice_settings_update,
)
from voice.tests.factories import voice_entry

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _content(**overrides: Any) -> VoiceContent:
    values: dict[str, Any] = {
        "occurred_at": NOW,
        "words": "Fine.",
        "asked_by": "Tess",
        "place": "library",
    }
    values.update(overrides)
    return VoiceContent(**values)


@pytest.mark.parametrize("persona", ["trust_lead", "governor", "school_admin"])
def test_access_functions_refuse_roles_without_child_voice(request, persona, pupil, dsl):
    viewer = request.getfixturevalue(persona)
    entry = voice_entry(pupil=pupil, recorded_by=dsl)
    assert not access.voice_entries_visible_to(viewer=viewer).exists()
    for refuse in (
        lambda: access.access_voice_entry(viewer=viewer, entry_id=entry.pk),
        lambda: access.access_pupil_to_record(viewer=viewer, pupil_id=pupil.pk),
        lambda: access.access_pupil_voice(viewer=viewer, pupil_id=pupil.pk),
        lambda: access.access_pupil_to_plan(viewer=viewer, pupil_id=pupil.pk),
    ):
        with pytest.raises(Http404):
            refuse()


def test_staff_may_not_plan(teacher, pupil):
    with pytest.raises(Http404):
        access.access_pupil_to_plan(viewer=teacher, pupil_id=pupil.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"words": " "}, "words"),
        ({"occurred_at": NOW + datetime.timedelta(days=1)}, "occurred_at"),
        ({"scale_score": 11}, "scale_score"),
        ({"other_adult_present": True}, "other_adult"),
        ({"communication": Communication.OBSERVATION}, "communication_notes"),
    ],
)
def test_content_is_checked_field_by_field(overrides, field):
    with pytest.raises(ValidationError) as caught:
        _content(**overrides).check()
    assert field in caught.value.message_dict


def test_services_check_the_actors_role(teacher, governor, headteacher, dsl, pupil):
    with pytest.raises(PermissionDenied):
        voice_entry_record(actor=governor, pupil=pupil, content=_content())
    for write in (
        lambda: support_status_record(
            actor=teacher, pupil=pupil, level=SupportLevel.CIN, starts_on=NOW.date()
        ),
        lambda: check_in_schedule_set(
            actor=headteacher, pupil=pupil, trusted_adult=None, cadence_days=None
        ),
        lambda: voice_settings_update(
            actor=teacher,
            cp_plan_days=1,
            cin_days=1,
            early_help_days=1,
            monitoring_days=1,
            due_soon_days=1,
        ),
    ):
        with pytest.raises(PermissionDenied):
            write()
    entry = voice_entry_record(actor=dsl, pupil=pupil, content=_content())
    with pytest.raises(PermissionDenied):
        voice_entry_amend(actor=teacher, entry=entry, content=_content(), reason="Mine now")


def test_service_ranges(dsl, pupil):
    with pytest.raises(ValidationError, match="from 1 to 365"):
        check_in_schedule_set(actor=dsl, pupil=pupil, trusted_adult=None, cadence_days=0)
    with pytest.raises(ValidationError, match="on or after the start date"):
        support_status_record(
            actor=dsl,
            pupil=pupil,
            level=SupportLevel.CIN,
            starts_on=NOW.date(),
            ends_on=NOW.date() - datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="from 0 to 365"):
        voice_settings_update(
            actor=dsl,
            cp_plan_days=14,
            cin_days=30,
            early_help_days=42,
            monitoring_days=42,
            due_soon_days=400,
        )


def test_attachments_per_entry_are_limited(settings, tmp_path, dsl, pupil):
    settings.CAIRN_VOICE_ATTACHMENTS_PER_ENTRY = 1
    png = ALLOWED_KINDS[0].signature + b"rest"
    entry = voice_entry_record(
        actor=dsl, pupil=pupil, content=_content(), attachment=SimpleUploadedFile("a.png", png)
    )
    with pytest.raises(ValidationError, match="already has 1 attachments"):
        voice_entry_amend(
            actor=dsl,
            entry=entry,
            content=_content(),
            reason="Adding the second drawing",
            attachment=SimpleUploadedFile("b.png", png),
        )
    assert entry.versions.count() == 1


def test_an_ended_status_means_no_cadence(school, dsl, pupil):
    support_status_record(
        actor=dsl,
        pupil=pupil,
        level=SupportLevel.CP_PLAN,
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 2, 20),
    )
    check_in = check_in_for_pupil(pupil=pupil, school=school)
    assert (check_in.level, check_in.cadence_days) == (SupportLevel.NONE, None)


def test_a_cadence_with_no_status_counts_from_the_schedule(school, dsl, pupil):
    check_in_schedule_set(actor=dsl, pupil=pupil, trusted_adult=None, cadence_days=3)
    check_in = check_in_for_pupil(pupil=pupil, school=school, as_of=datetime.date(2026, 3, 4))
    assert (check_in.due_on, check_in.state) == (datetime.date(2026, 3, 5), DueState.DUE)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match=r"empty\.png is empty"):
        identify(SimpleUploadedFile("empty.png", b""))


@given(st.binary(min_size=1, max_size=64))
def test_only_known_signatures_are_accepted(data):
    upload = SimpleUploadedFile("file.png", data)
    known = any(data.startswith(kind.signature) for kind in ALLOWED_KINDS)
    if known:
        assert identify(upload).signature in data[:8]
    else:
        with pytest.raises(ValidationError, match="is not a PNG, JPEG or PDF file"):
            identify(upload)


@given(st.sampled_from(ALLOWED_KINDS), st.binary(max_size=64))
def test_every_allowed_kind_is_recognised_by_its_signature(kind, rest):
    assert identify(SimpleUploadedFile("x", kind.signature + rest)) == kind


def test_record_choose_finds_children_on_the_roll(client_for, teacher, pupil, other_school_dsl):
    response = client_for(teacher).get("/voice/record/", {"q": "ava test"})
    assert f"/voice/pupils/{pupil.pk}/record/" in response.content.decode()
    partial = client_for(teacher).get("/voice/record/", {"q": "ava"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert f"/voice/pupils/{pupil.pk}/record/" in partial.content.decode()
    elsewhere = client_for(other_school_dsl).get("/voice/record/", {"q": "ava"})
    assert "No child on the roll matches" in elsewhere.content.decode()
