"""Where transfer files are kept: under PRIVATE_MEDIA_ROOT, with random names, outside the web
root; served only after an access check."""

import uuid
from pathlib import Path

from django.conf import settings

SEALED = "transfers"
RECEIVED = "transferred"


def folder(kind: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / kind


def path_of(kind: str, stored_name: str) -> Path:
    root = folder(kind).resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError(f"stored name {stored_name!r} is outside the transfer folder")
    return path


def store(kind: str, data: bytes) -> str:
    """Write `data` under a new random name; return the name."""
    root = folder(kind)
    root.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    (root / name).write_bytes(data)
    return name


def discard(kind: str, names: list[str]) -> None:
    for name in names:
        path_of(kind, name).unlink(missing_ok=True)
