"""One consistent, encrypted archive of everything a school's records need, and its restore.

An archive is a tar stream, encrypted in authenticated chunks (`backup.crypto`), holding:

- `database/cairn.sqlite3` (SQLite's online backup API: a consistent copy of a live database) or
  `database/cairn.pgdump` (`pg_dump --format=custom`, one snapshot);
- `media/…`: the private media folder (attachments, meeting reports, import uploads);
- `attendance/…`: the attendance columnar store (derived data, kept so a restore needs no rebuild);
- `manifest.json`, last: format, Cairn's version and commit, the migrations applied, the rows in
  every table and the audit trail's newest event, as the database snapshot held them, and the
  SHA-256 and size of every other member.

The archive is written under a hidden `.NAME.partial-PID` name, flushed to disk, checked for
completeness (its last chunk read back and authenticated) and only then renamed to its own name: a
backup stopped at any point leaves no file that looks complete, and a partial file does not open
(it has no last chunk). A restore reads and checks the whole archive (the database copy into a
private staging folder, the files into hidden folders beside the ones they restore) before it
writes anything to the database or the folders in use.

The steps live in their own modules: `backup.manifest` (what an archive holds), `backup.snapshot`
(the database's snapshot), `backup.writing`, `backup.reading` and `backup.restoring`; this module
is what the commands and tests use.
"""

from backup.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    BackupError,
    Manifest,
    folder_roots,
)
from backup.reading import archive_read
from backup.restoring import RestoreReport, _check_restorable, restore_archive, table_counts
from backup.snapshot import postgres_environment
from backup.writing import BackupReport, backup_create, partial_name

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "POSTGRES_MEMBER",
    "SQLITE_MEMBER",
    "BackupError",
    "BackupReport",
    "Manifest",
    "RestoreReport",
    "_check_restorable",
    "archive_read",
    "backup_create",
    "folder_roots",
    "partial_name",
    "postgres_environment",
    "restore_archive",
    "table_counts",
]
