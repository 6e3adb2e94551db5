"""Attachments to a concern: the types and sizes accepted, checked against the file's first
bytes, and where the files are kept."""

import hashlib
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from audit import services as audit
from audit.bounds import quoted, upload_refusal
from audit.models import AuditAction
from concerns.models import Attachment, Concern
from schools.models import Membership

# Django's stubs make UploadedFile generic; the runtime class is not, so the alias is lazy.
type Upload = UploadedFile[bytes]

# First bytes of the file types that have a signature; a file claiming one of these extensions
# must start with it.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# -- Attachments ------------------------------------------------------------------------------


def attachment_check(upload: Upload) -> str:
    """The upload's lower-case extension if its type and size are accepted; else ValidationError."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [t.lower() for t in settings.CAIRN_ATTACHMENT_TYPES]
    if extension not in allowed:
        raise ValidationError(
            f"{name}: files of this type are not accepted. Accepted: {', '.join(allowed)}."
        )
    refusal = upload_refusal("attachment", upload.size or 0)
    if refusal:
        raise ValidationError(f"{quoted(name, 100)}: {refusal}")
    signatures = _SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(f"{name}: the file's contents are not a .{extension} file.")
    return extension


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
        content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
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
