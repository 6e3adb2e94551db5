"""Restoring an archive into an empty database and folders, and checking the result."""

import functools
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.db import connection

from backup.manifest import FILLED_BY_MIGRATE, BackupError, Manifest, folder_roots, quote
from backup.reading import archive_read
from backup.snapshot import postgres_environment, postgres_tool
from backup.writing import folder_files


def _database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_counts() -> dict[str, int]:
    """Rows in every table of the database Django is connected to."""
    counts = {}
    with connection.cursor() as cursor:
        for table in _database_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a catalogue name
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _held_records() -> list[str]:
    return [
        f"{table} ({count} row{'s' if count != 1 else ''})"
        for table, count in table_counts().items()
        if count and table not in FILLED_BY_MIGRATE
    ]


def _folder_in_use(root: Path) -> bool:
    return any(True for _ in folder_files(root))


@functools.cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    """The migrations this version of Cairn has on disk (read once: loading them is slow)."""
    from django.db.migrations.loader import MigrationLoader

    return frozenset(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


@dataclass
class RestoreReport:
    manifest: Manifest
    events_checked: int
    moved_aside: list[Path]
    problems: list[str]
    pending_migrations: int

    def __str__(self) -> str:
        lines = [
            f"Restored {self.manifest.rows} rows in {len(self.manifest.tables)} tables and "
            f"{self.manifest.folder_files} file(s) from a backup made at "
            f"{self.manifest.created_at} (Cairn {self.manifest.cairn_version}, commit "
            f"{self.manifest.commit[:12]}).",
        ]
        if not self.problems:
            lines.append(
                f"The audit trail verifies ({self.events_checked} events, up to event "
                f"#{self.manifest.audit['seq']}) and every table's rows match the manifest."
            )
        lines += [f"Folder in use before the restore kept at {path}." for path in self.moved_aside]
        if self.pending_migrations:
            lines.append(
                f"This version of Cairn has {self.pending_migrations} migration(s) the backup did "
                "not: run `manage.py migrate` now."
            )
        return "\n".join(lines)


def _check_restorable(manifest: Manifest, *, replace: bool) -> None:
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {manifest.vendor} database, but DATABASE_URL names a "
            f"{connection.vendor} one: restore it into {manifest.vendor}."
        )
    known = _known_migrations()
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest.migrations if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"The archive was made by a later version of Cairn (commit {manifest.commit}): this "
            f"one does not have the migration(s) {', '.join(unknown[:5])}. Restore with that "
            "version or a later one."
        )
    if replace:
        return
    held = _held_records()
    if held:
        raise BackupError(
            "The database already holds records ("
            + ", ".join(held[:4])
            + (", …" if len(held) > 4 else "")
            + "). Restore into an empty database, or add --replace to replace everything in it "
            "and in the folders with the archive."
        )
    in_use = [str(root) for root in folder_roots().values() if _folder_in_use(root)]
    if in_use:
        raise BackupError(
            f"The folder {', '.join(in_use)} already holds files. Restore into empty folders, or "
            "add --replace (the folders in use are kept beside, renamed)."
        )


def _restore_sqlite(database_file: Path) -> None:
    """Copy the checked database into the database Django is connected to with SQLite's backup
    API (never a file copy: another process may have the database open).

    Into a database in WAL mode the copy writes every page twice: into the WAL, then into the
    database when the WAL is checkpointed. So the copy is made in rollback-journal mode (still
    one transaction: an interrupted copy rolls back to what the database held) and the database
    is switched back to its own mode afterwards. If another connection has the database open the
    mode cannot be changed, and the copy goes through the WAL as before."""
    connection.close()
    connection.ensure_connection()
    target = connection.connection
    mode = str(target.execute("PRAGMA journal_mode").fetchone()[0])
    switched = False
    if mode.lower() == "wal":
        try:
            switched = str(target.execute("PRAGMA journal_mode=DELETE").fetchone()[0]) == "delete"
        except sqlite3.OperationalError:
            switched = False  # another connection holds the database: copy through the WAL
    if switched:
        # A rollback journal is safe against a power cut only with full syncs (this connection
        # is closed after the copy; the next one is set up as settings say).
        target.execute("PRAGMA synchronous=FULL")
    source = sqlite3.connect(database_file)
    try:
        source.backup(target)
        if switched:
            target.execute(f"PRAGMA journal_mode={mode}")
    finally:
        source.close()
        connection.close()


def _restore_postgres(database_file: Path) -> None:
    pg_restore = postgres_tool("pg_restore")
    connection.close()
    result = subprocess.run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(database_file),
        ],
        env=postgres_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            "pg_restore failed and rolled back (the database is as it was): "
            + result.stderr.strip()
        )


def _incoming(root: Path) -> Path:
    """Where a restored folder is written, beside the folder it will replace (so putting it in
    place is a rename, not a copy)."""
    return root.with_name(f".{root.name}.restoring-{os.getpid()}")


def _swap_folders(stamp: str) -> list[Path]:
    """Put each restored folder in place; a folder that held files is kept beside, renamed."""
    moved = []
    for root in folder_roots().values():
        if root.exists():
            if _folder_in_use(root):
                aside = root.with_name(f"{root.name}.before-restore-{stamp}")
                root.rename(aside)
                moved.append(aside)
            else:
                shutil.rmtree(root)
        _incoming(root).rename(root)
    return moved


def _read_into_place(source: BinaryIO, secret: bytes, staging: Path) -> Manifest:
    """Decrypt and check the whole archive: the database copy into `staging`, each folder's files
    into a hidden folder beside the folder it restores. On any failure those are removed."""
    roots = folder_roots()

    def place(member: PurePosixPath) -> Path:
        if member.parts[0] in roots:
            return _incoming(roots[member.parts[0]]).joinpath(*member.parts[1:])
        return staging.joinpath(*member.parts)

    try:
        for root in roots.values():
            shutil.rmtree(_incoming(root), ignore_errors=True)  # left by a killed restore
            _incoming(root).mkdir(parents=True)
        return archive_read(source, secret=secret, extract=place)
    except BaseException:
        _discard_incoming()
        raise


def _discard_incoming() -> None:
    for root in folder_roots().values():
        shutil.rmtree(_incoming(root), ignore_errors=True)


def restore_archive(
    archive: Path,
    *,
    secret: bytes,
    replace: bool = False,
    check_only: bool = False,
    work_dir: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> RestoreReport:
    """Check the whole archive, then (unless `check_only`) restore it into the database Django
    is connected to and the configured folders, then check the result against the manifest."""
    from audit.selectors import audit_chain_verify

    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    if check_only:
        with archive.open("rb") as source:
            manifest = archive_read(source, secret=secret)
        say(
            f"The archive is whole: {len(manifest.files)} file(s) match the manifest "
            f"(made {manifest.created_at})."
        )
        return RestoreReport(manifest, 0, [], [], 0)
    with tempfile.TemporaryDirectory(prefix="cairn-restore-", dir=work_dir) as work:
        staging = Path(work)
        with archive.open("rb") as source:
            manifest = _read_into_place(source, secret, staging)
        say(
            f"The archive is whole: {len(manifest.files)} file(s) match the manifest "
            f"(made {manifest.created_at})."
        )
        try:
            _check_restorable(manifest, replace=replace)
            # Nothing has been written to the database or the folders in use until here.
            database_file = staging.joinpath(*PurePosixPath(manifest.database_member).parts)
            if manifest.vendor == "sqlite":
                _restore_sqlite(database_file)
            else:
                _restore_postgres(database_file)
        except BaseException:
            _discard_incoming()
            raise
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
        moved = _swap_folders(stamp)
    problems = []
    counts = table_counts()
    for table, expected in sorted(manifest.tables.items()):
        found = counts.get(table)
        if found != expected:
            problems.append(f"{table} holds {found} rows; the backup had {expected}")
    report = audit_chain_verify()
    if report.first_break is not None:
        problems.append(
            f"the audit trail does not verify: {report.first_break.message} (is "
            "CAIRN_AUDIT_SEAL_KEY the key the backed-up server used?)"
        )
    from audit.models import AuditEvent

    newest = AuditEvent.objects.order_by("-seq").values_list("seq", "seal").first()
    if manifest.audit["seq"] and newest != (manifest.audit["seq"], manifest.audit["seal"]):
        problems.append(
            f"the audit trail's newest event is not event #{manifest.audit['seq']} with the "
            "manifest's seal"
        )
    applied = {(app, name) for app, name in manifest.migrations}
    pending = len(_known_migrations() - applied)
    return RestoreReport(manifest, report.events_checked, moved, problems, pending)
