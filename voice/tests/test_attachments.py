"""Attachments: accepted by content, stored outside the web root, served only after an access
check, and never half-written."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditAction, AuditEvent
from voice.models import VoiceAttachment, VoiceEntry
from voice.tests.test_access import _form

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # a PNG signature is what identifies the file


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _post(client, pupil, upload, **overrides):
    return client.post(
        f"/voice/pupils/{pupil.pk}/record/",
        _form(attachment=upload, attachment_description="My house", **overrides),
    )


def test_a_drawing_is_stored_privately_and_served_to_readers_only(
    client_for, settings, trusted_adult, dsl, teacher, pupil_on_plan
):
    response = _post(
        client_for(trusted_adult),
        pupil_on_plan,
        SimpleUploadedFile("house.png", PNG, content_type="image/png"),
    )
    assert response.status_code == 302
    attachment = VoiceAttachment.objects.get()
    stored = settings.PRIVATE_MEDIA_ROOT / "voice" / attachment.stored_as
    assert stored.read_bytes() == PNG
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachment.content_type == "image/png"
    assert "house.png" not in attachment.stored_as

    served = client_for(dsl).get(f"/voice/attachments/{attachment.pk}/")
    assert served.status_code == 200
    assert served.content == PNG
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action=AuditAction.VOICE_ATTACHMENT_VIEWED, pupil_id=pupil_on_plan.pk
    ).exists()
    assert client_for(teacher).get(f"/voice/attachments/{attachment.pk}/").status_code == 404


def test_a_file_that_is_not_what_it_says_is_refused(client_for, trusted_adult, pupil_on_plan):
    response = _post(
        client_for(trusted_adult),
        pupil_on_plan,
        SimpleUploadedFile("drawing.png", b"<script>alert(1)</script>", content_type="image/png"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["attachment"]
    assert "drawing.png is not a PNG, JPEG or PDF file" in errors[0]
    assert not VoiceEntry.objects.exists()


def test_a_file_over_the_limit_is_refused_and_nothing_is_left(
    client_for, settings, trusted_adult, pupil_on_plan
):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "voice_attachment": 32}
    response = _post(
        client_for(trusted_adult),
        pupil_on_plan,
        SimpleUploadedFile("big.png", PNG, content_type="image/png"),
    )
    errors = response.context["form"].errors["attachment"]
    assert "big.png is 72 bytes; the limit is 32 bytes." in errors[0]
    assert not VoiceEntry.objects.exists()
    folder = settings.PRIVATE_MEDIA_ROOT / "voice"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_the_file_is_removed_when_the_entry_cannot_be_written(
    settings, trusted_adult, pupil_on_plan, monkeypatch
):
    """A failure after the file is written (here, the audit) leaves neither row nor file."""
    from voice import services

    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    form = _form()
    from voice.forms import VoiceEntryForm

    bound = VoiceEntryForm(form)
    assert bound.is_valid(), bound.errors
    with pytest.raises(RuntimeError):
        services.voice_entry_record(
            actor=trusted_adult,
            pupil=pupil_on_plan,
            content=bound.content(),
            attachment=SimpleUploadedFile("a.png", PNG),
        )
    assert not VoiceEntry.objects.exists()
    assert not any(p.is_file() for p in (settings.PRIVATE_MEDIA_ROOT / "voice").rglob("*"))


def test_stored_names_cannot_leave_the_attachment_folder():
    from voice.attachments import path_of

    with pytest.raises(ValueError, match="outside the attachment folder"):
        path_of("../../etc/passwd")
