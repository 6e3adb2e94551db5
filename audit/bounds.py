"""Bounds on what Cairn takes in and writes down (issue 14, items 3 and 9).

- `quoted` is the one way a message, an import summary or an audit event quotes a value that came
  from outside: at most `QUOTE_LIMIT` characters of it, then "…". A 200 MB element in a file must
  not become a 200 MB error message, batch summary or audit event.
- `upload_limit` reads `settings.CAIRN_UPLOAD_LIMITS`, the one setting that says how large each
  kind of upload may be; forms and management commands both refuse a larger file before reading
  it (`upload_refusal`).
- Names may not hold control characters or the Unicode bidirectional controls that reorder how
  text is shown (a right-to-left override can make "Ava Smith" display as someone else's name);
  `name_problem` says why one is refused. Elsewhere text is kept as written and the controls are
  neutralised on display (`neutralise_bidi`, applied to every HTML page by
  `ui.middleware.BidiNeutraliseMiddleware` and to every CSV cell by the export guard).
"""

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

QUOTE_LIMIT = 200
# Any one string in an audit event's details; a backstop behind `quoted` (whole problem lines).
DETAIL_TEXT_LIMIT = 1000
DETAIL_LIST_LIMIT = 100
ELLIPSIS = "…"

# Unicode's explicit bidirectional formatting characters: embeddings and overrides (LRE, RLE,
# PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI). These are what reorder text on screen
# ("Trojan Source", CVE-2021-42574). The marks (ALM, LRM, RLM) only nudge neutral characters;
# they are refused in names but left in free text, where right-to-left writing may need them.
BIDI_REORDERING = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_MARKS = "\u061c\u200e\u200f"
_REORDERING = re.compile(f"[{BIDI_REORDERING}]")
_NEUTRALISE_TABLE = {ord(c): None for c in BIDI_REORDERING}

UPLOAD_KIND_LABELS = {
    "ctf": "a common transfer file",
    "pupils_csv": "a pupil CSV file",
    "attendance": "an attendance file",
    "history": "a history file",
    "behaviour": "a behaviour CSV file",
    "attachment": "an attachment",
    "voice_attachment": "an attachment to the child's voice",
    "training_evidence": "evidence of training",
    "staffing_csv": "a training or practice reviews CSV file",
}


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text`, or its first `limit` - 1 characters and "…" when it is longer."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value from outside, quoted for a message: `'…'` with at most `limit` characters of it.

    Control characters are shown escaped (as `repr` does), so a quoted value cannot break a line
    of a report or a terminal."""
    text = value if isinstance(value, str) else str(value)
    return repr(clip(text, limit))


def visible(text: str) -> str:
    """`text` with control characters written as escapes (a NUL as \\x00), for a list of
    values in a message; PostgreSQL cannot keep a NUL in text or JSON at all."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def bounded(value: Any, *, text_limit: int = DETAIL_TEXT_LIMIT, depth: int = 0) -> Any:
    """`value` (an audit event's details) with every string clipped and every list shortened.

    Nesting deeper than a few levels is not something Cairn writes; it is cut off."""
    if isinstance(value, str):
        return clip(value, text_limit).replace("\x00", "\\x00")
    if depth > 8:
        return ELLIPSIS
    if isinstance(value, Mapping):
        return {
            clip(str(k), 100): bounded(v, text_limit=text_limit, depth=depth + 1)
            for k, v in list(value.items())[:DETAIL_LIST_LIMIT]
        }
    if isinstance(value, list | tuple):
        items = [bounded(v, text_limit=text_limit, depth=depth + 1) for v in value]
        if len(items) > DETAIL_LIST_LIMIT:
            more = len(items) - DETAIL_LIST_LIMIT
            items = [*items[:DETAIL_LIST_LIMIT], f"{ELLIPSIS} and {more} more"]
        return items
    return value


def upload_limit(kind: str) -> int:
    """The largest file, in bytes, accepted for an upload of `kind` (a key of
    `CAIRN_UPLOAD_LIMITS`: ctf, pupils_csv, attendance, history, behaviour, attachment,
    voice_attachment)."""
    return int(settings.CAIRN_UPLOAD_LIMITS[kind])


def describe_size(size: int) -> str:
    """A size in words: "10 MB", "2.5 MB", "300 KB", "2,048 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 10 * 1024:
        return f"{size // 1024} KB"
    return f"{size:,} bytes"


def upload_refusal(kind: str, size: int) -> str | None:
    """Why a file of `size` bytes is refused as an upload of `kind`, or None if it is not."""
    limit = upload_limit(kind)
    if size <= limit:
        return None
    return (
        f"The file is {describe_size(size)}; Cairn accepts {UPLOAD_KIND_LABELS[kind]} of up to "
        f"{describe_size(limit)} (setting CAIRN_UPLOAD_LIMITS[{kind!r}]). "
        "Nothing from it was saved."
    )


def neutralise_bidi(text: str) -> str:
    """`text` without the bidirectional controls that reorder what is shown."""
    if not _REORDERING.search(text):
        return text
    return text.translate(_NEUTRALISE_TABLE)


def name_problem(value: str) -> str | None:
    """Why `value` cannot be a person's name, or None. Control characters (tabs, line breaks,
    nulls) and bidirectional controls are refused; everything else a name may hold is allowed."""
    if value.isascii() and value.isprintable():
        # Most names: no ASCII character is a bidirectional or format control, and the only
        # ASCII control characters (category Cc) are the ones `isprintable` refuses.
        return None
    for character in value:
        if character in BIDI_REORDERING or character in BIDI_MARKS:
            return (
                f"contains a hidden character that changes the direction text is shown in "
                f"(U+{ord(character):04X} {unicodedata.name(character, 'control')}); "
                "type the name again without it"
            )
        if unicodedata.category(character) in {"Cc", "Cf"} and character not in "\u200c\u200d":
            return (
                f"contains a hidden control character (U+{ord(character):04X}); "
                "type the name again without it"
            )
    return None


def validate_name(value: str) -> None:
    """Django validator for fields that hold a person's name (see `name_problem`)."""
    problem = name_problem(value)
    if problem is not None:
        raise ValidationError(f"The name {problem}.", code="name_control_character")


# First bytes of the file types that have a signature: a file claiming one of these extensions
# must start with it, whatever its name says.
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def attached_file_check(upload: Any, kind: str) -> str:
    """The upload's lower-case extension if its type (settings.CAIRN_ATTACHMENT_TYPES), its size
    (the upload limit of `kind`) and its first bytes are accepted; otherwise ValidationError
    naming the file and the problem. The one check for every file attached to a record."""
    name = clip(str(upload.name or ""), 100)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [t.lower() for t in settings.CAIRN_ATTACHMENT_TYPES]
    if extension not in allowed:
        raise ValidationError(
            f"{name}: files of this type are not accepted. Accepted: {', '.join(allowed)}."
        )
    refusal = upload_refusal(kind, upload.size or 0)
    if refusal:
        raise ValidationError(f"{quoted(name, 100)}: {refusal}")
    signatures = FILE_SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(f"{name}: the file's contents are not a .{extension} file.")
    return extension
