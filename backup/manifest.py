"""What an archive holds: its members, its manifest, and the folders it copies."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/cairn.sqlite3"
POSTGRES_MEMBER = "database/cairn.pgdump"
# Tables `migrate` fills by itself: a database holding only these is empty.
FILLED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission"})
COPY_BLOCK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in plain words."""


def folder_roots() -> dict[str, Path]:
    """The folders an archive holds, by their name inside it."""
    return {
        "media": Path(settings.PRIVATE_MEDIA_ROOT),
        "attendance": Path(settings.CAIRN_ATTENDANCE_STORE_DIR),
    }


@dataclass
class Manifest:
    vendor: str
    database_member: str
    migrations: list[list[str]]
    tables: dict[str, int]
    audit: dict[str, Any]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    cairn_version: str = ""
    commit: str = ""
    created_at: str = ""
    format: int = FORMAT_VERSION

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT_VERSION:
                raise BackupError(
                    f"The archive's manifest is format {raw.get('format')}; this version of Cairn "
                    f"reads format {FORMAT_VERSION}."
                )
            return cls(**raw)
        except (ValueError, TypeError, AttributeError) as error:
            raise BackupError(f"The archive's manifest cannot be read: {error}.") from error

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def folder_files(self) -> int:
        return sum(1 for name in self.files if not name.startswith("database/"))


def quote(name: str) -> str:
    """A table name quoted for SQL (names come from the catalogue, never from input)."""
    return '"' + name.replace('"', '""') + '"'
