"""Attachments to a voice entry: which files are accepted, and where they are kept.

A file is accepted by what it is, not what it is called: its first bytes must be a PNG, JPEG or
PDF signature. Files are kept under settings.PRIVATE_MEDIA_ROOT (outside the web root) with a
random name, and are served only by `voice.views.attachment` after an access check.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from audit.bounds import upload_limit


@dataclass(frozen=True, slots=True)
class FileKind:
    content_type: str
    extension: str
    label: str
    signature: bytes


ALLOWED_KINDS = (
    FileKind("image/png", "png", "PNG image", b"\x89PNG\r\n\x1a\n"),
    FileKind("image/jpeg", "jpg", "JPEG image", b"\xff\xd8\xff"),
    FileKind("application/pdf", "pdf", "PDF document", b"%PDF-"),
)
ACCEPT = ",".join([k.content_type for k in ALLOWED_KINDS] + [".png", ".jpg", ".jpeg", ".pdf"])


def max_bytes() -> int:
    return upload_limit("voice_attachment")


def describe_limits() -> str:
    megabytes = max_bytes() / (1024 * 1024)
    size = f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes() // 1024} KB"
    kinds = ", ".join(k.label for k in ALLOWED_KINDS)
    return f"{kinds}; up to {size}."


def identify(upload: UploadedFile[bytes]) -> FileKind:
    """The kind of file `upload` is, or a ValidationError naming the problem."""
    name = upload.name or "the file"
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{name} is empty.")
    if size > max_bytes():
        raise ValidationError(f"{name} is {size:,} bytes; the limit is {max_bytes():,} bytes.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in ALLOWED_KINDS:
        if head.startswith(kind.signature):
            return kind
    raise ValidationError(
        f"{name} is not a PNG, JPEG or PDF file (its contents say otherwise, whatever its name)."
    )


def storage_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "voice"


def path_of(stored_as: str) -> Path:
    """The file on disk for a stored name; refuses anything that would leave the voice folder."""
    root = storage_root().resolve()
    path = (root / stored_as).resolve()
    if root not in path.parents:
        raise ValueError(f"stored name {stored_as!r} is outside the attachment folder")
    return path


@dataclass(frozen=True, slots=True)
class StoredFile:
    stored_as: str
    sha256: str
    size: int


def store(upload: UploadedFile[bytes], kind: FileKind) -> StoredFile:
    """Write `upload` under a random name and return where it went and its digest."""
    stored_as = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{kind.extension}"
    path = path_of(stored_as)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    with path.open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    path.chmod(0o600)
    return StoredFile(stored_as=stored_as, sha256=digest.hexdigest(), size=size)


def discard(stored: StoredFile) -> None:
    """Remove a file whose database row was never written (the transaction failed)."""
    path_of(stored.stored_as).unlink(missing_ok=True)
