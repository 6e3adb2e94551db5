"""Attachments to a concern: the types and sizes accepted, checked against the file's first
bytes, and where the files are kept."""

import hashlib
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from audit import services as audit
from audit.bounds import CONTENT_TYPES, attached_file_check
from audit.models import AuditAction
from concerns.models import Attachment, Concern
from schools.models import Membership

# Django's stubs make UploadedFile generic; the runtime class is not, so the alias is lazy.
type Upload = UploadedFile[bytes]


# -- Attachments ------------------------------------------------------------------------------


def attachment_check(upload: Upload) -> str:
    """The upload's lower-case extension if its type and size are accepted; else ValidationError."""
    return attached_file_check(upload, "attachment")


def _attachment_store(
    *, actor: Membership, concern: Concern, upload: Upload, now: datetime
) -> Attachment:
    extension = attachment_check(upload)
    stored_name = uuid.uuid4().hex
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with (folder / stored_name).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    attachment = Attachment.objects.create(
        concern=concern,
        original_name=Path(upload.name or "file").name[:255],
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        size=size,
        sha256=digest.hexdigest(),
        stored_name=stored_name,
        uploaded_by=actor,
        uploaded_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ATTACHMENT_ADDED,
        target=attachment,
        details={"concern": str(concern.pk), "sha256": attachment.sha256},
    )
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / attachment.stored_name
