"""One consistent, encrypted archive of everything a school's records need, and its restore.

An archive is a tar stream, encrypted in authenticated chunks (`backup.crypto`), holding:

- `database/cairn.sqlite3` (SQLite's online backup API: a consistent copy of a live database) or
  `database/cairn.pgdump` (`pg_dump --format=custom`, one snapshot);
- `media/…`: the private media folder (attachments, meeting reports, import uploads);
- `attendance/…`: the attendance columnar store (derived data, kept so a restore needs no rebuild);
- `manifest.json`, last: format, Cairn's version and commit, the migrations applied, the rows in
  every table and the audit trail's newest event, as the database snapshot held them, and the
  SHA-256 and size of every other member.

The archive is written under a hidden `.NAME.partial-PID` name, closed, read back and checked in
full, and only then renamed to its own name: a backup stopped at any point leaves no file that
looks complete, and a partial file does not open (it has no last chunk). A restore reads and checks
the whole archive into a private staging folder before it writes anything to the database or the
folders.
"""

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.db import connection

from backup.crypto import ArchiveError, DecryptingReader, EncryptingWriter

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/cairn.sqlite3"
POSTGRES_MEMBER = "database/cairn.pgdump"
# Tables `migrate` fills by itself: a database holding only these is empty.
_FILLED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission"})
_COPY_BLOCK = 1024 * 1024


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


# -- The database snapshot -------------------------------------------------------------------


def _cairn_version() -> tuple[str, str]:
    from importlib import metadata

    try:
        version = metadata.version("cairn")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed with -e
        version = "unknown"
    commit = os.environ.get("CAIRN_COMMIT", "")
    if not commit and shutil.which("git"):
        result = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        commit = result.stdout.strip() if result.returncode == 0 else ""
    return version, commit or "unknown"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _describe_snapshot(
    cursor: Any, tables: list[str]
) -> tuple[dict[str, int], list[list[str]], dict[str, Any]]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a catalogue name
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[list[str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[str(app), str(name)] for app, name in cursor.fetchall()]
    audit: dict[str, Any] = {"events": counts.get("audit_auditevent", 0), "seq": 0, "seal": ""}
    if counts.get("audit_auditevent"):
        cursor.execute("SELECT seq, seal FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        seq, seal = cursor.fetchone()
        audit.update(seq=int(seq), seal=str(seal))
    return counts, migrations, audit


def _sqlite_snapshot(work: Path) -> tuple[Path, Manifest]:
    """SQLite's online backup API copies the live database page by page, restarting if a writer
    changes it meanwhile: the copy is one consistent state, never a torn file."""
    target = work / "cairn.sqlite3"
    if connection.in_atomic_block:
        # The backup API would wait for ever on this connection's own open write transaction.
        raise BackupError("A backup cannot run inside a database transaction.")
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        cursor = destination.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [str(row[0]) for row in cursor.fetchall()]
        counts, migrations, audit = _describe_snapshot(cursor, tables)
    finally:
        destination.close()
    return target, Manifest("sqlite", SQLITE_MEMBER, migrations, counts, audit)


def postgres_environment() -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection Django uses, as PG* variables."""
    params = connection.settings_dict
    env = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _postgres_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools of the server's major "
            "version (Debian: postgresql-client)."
        )
    return tool


def _postgres_snapshot(work: Path) -> tuple[Path, Manifest]:
    """Counts and pg_dump read the same snapshot: a repeatable-read transaction exports it, counts
    every table in it, and pg_dump is told to use it (`--snapshot`)."""
    import psycopg

    target = work / "cairn.pgdump"
    pg_dump = _postgres_tool("pg_dump")
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_row = cursor.fetchone()
        assert snapshot_row is not None
        snapshot = str(snapshot_row[0])
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [str(row[0]) for row in cursor.fetchall()]
        counts, migrations, audit = _describe_snapshot(cursor, tables)
        result = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=postgres_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        cursor.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target, Manifest("postgresql", POSTGRES_MEMBER, migrations, counts, audit)


def _snapshot(work: Path) -> tuple[Path, Manifest]:
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(work)
    if connection.vendor == "postgresql":
        return _postgres_snapshot(work)
    raise BackupError(f"Cairn cannot back up a {connection.vendor} database.")  # pragma: no cover


# -- Writing -----------------------------------------------------------------------------------


class _Hashing:
    """Reads through to a file, hashing what passes."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.digest.update(data)
        return data


def _folder_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under root (symbolic links are not followed), in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _add(tar: tarfile.TarFile, path: Path, member: str, files: dict[str, dict[str, Any]]) -> None:
    try:
        source = path.open("rb")
    except FileNotFoundError:
        return  # removed since it was listed (an import upload cleared): not part of the copy
    with source:
        info = tar.gettarinfo(arcname=member, fileobj=source)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(source)
        tar.addfile(info, reader)
    files[member] = {"sha256": reader.digest.hexdigest(), "size": info.size}


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    manifest: Manifest

    def __str__(self) -> str:
        audit = self.manifest.audit
        trail = (
            f"the audit trail up to event #{audit['seq']}" if audit["seq"] else "no audit events"
        )
        return (
            f"Backup written to {self.path} ({self.size / 1_000_000:.1f} MB): "
            f"{len(self.manifest.tables)} tables holding {self.manifest.rows} rows, "
            f"{self.manifest.folder_files} file(s), {trail}. It was read back and checked. "
            "Keep the key file apart from the archive."
        )


def partial_name(dest: Path) -> Path:
    """Where an archive is written until it is complete and checked."""
    return dest.with_name(f".{dest.name}.partial-{os.getpid()}")


def backup_create(dest: Path, *, secret: bytes, work_dir: Path | None = None) -> BackupReport:
    """Write one archive to `dest` (a new file); on any failure or interruption, nothing is left
    under that name."""
    dest = Path(dest).absolute()
    if dest.exists():
        raise BackupError(f"{dest} already exists: give each backup a new name.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")
    partial = partial_name(dest)
    version, commit = _cairn_version()
    with tempfile.TemporaryDirectory(prefix="cairn-backup-", dir=work_dir) as work:
        try:
            database_file, manifest = _snapshot(Path(work))
            manifest.cairn_version, manifest.commit = version, commit
            manifest.created_at = datetime.now(tz=UTC).isoformat(timespec="seconds")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                writer = EncryptingWriter(raw, secret)
                with tarfile.open(  # type: ignore[call-overload]
                    fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT, bufsize=_COPY_BLOCK
                ) as tar:
                    # Whole blocks from file to stream to cipher: no re-slicing of small pieces.
                    tar.copybufsize = _COPY_BLOCK
                    _add(tar, database_file, manifest.database_member, manifest.files)
                    database_file.unlink()
                    for prefix, root in folder_roots().items():
                        for path, relative in _folder_files(root):
                            _add(tar, path, f"{prefix}/{relative}", manifest.files)
                    data = manifest.as_json()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(data)
                    info.mtime = int(datetime.now(tz=UTC).timestamp())
                    tar.addfile(info, _Bytes(data))
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            with partial.open("rb") as check:
                archive_read(check, secret=secret)
            partial.rename(dest)
            _fsync_folder(dest.parent)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupReport(dest, dest.stat().st_size, manifest)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk = self._data[self._at : end]
        self._at += len(chunk)
        return chunk


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- Reading -----------------------------------------------------------------------------------


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    allowed = {"database", *folder_roots()}
    if (
        path.is_absolute()
        or ".." in path.parts
        or (name != MANIFEST and (len(path.parts) < 2 or path.parts[0] not in allowed))
    ):
        raise BackupError(
            f"The archive holds an unexpected entry ({name!r}): it was not made by Cairn."
        )
    return path


def archive_read(source: BinaryIO, *, secret: bytes, extract_to: Path | None = None) -> Manifest:
    """Decrypt and check a whole archive: every chunk authenticated, every file's hash and size
    against the manifest, no file missing or extra. With `extract_to`, the files are written
    beneath it as they are read (the caller discards them if this raises). Raises BackupError."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_data: bytes | None = None
    try:
        reader = DecryptingReader(source, secret)
        with tarfile.open(  # type: ignore[call-overload]
            fileobj=reader, mode="r|", bufsize=_COPY_BLOCK
        ) as tar:
            for member in tar:
                path = _safe_member(member.name)
                if not member.isfile():
                    raise BackupError(f"The archive holds {member.name!r}, which is not a file.")
                extracted = tar.extractfile(member)
                assert extracted is not None
                if member.name == MANIFEST:
                    manifest_data = extracted.read()
                    continue
                digest = hashlib.sha256()
                size = 0
                with contextlib.ExitStack() as stack:
                    out = None
                    if extract_to is not None:
                        target = extract_to.joinpath(*path.parts)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        out = stack.enter_context(target.open("xb"))
                    while block := extracted.read(_COPY_BLOCK):
                        digest.update(block)
                        size += len(block)
                        if out is not None:
                            out.write(block)
                seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
    except ArchiveError as error:
        raise BackupError(f"The archive cannot be used: {error}.") from error
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"The archive's contents are damaged: {error}.") from error
    if manifest_data is None:
        raise BackupError("The archive has no manifest: it is incomplete.")
    manifest = Manifest.from_json(manifest_data)
    problems = [f"{name} is missing" for name in sorted(set(manifest.files) - set(seen))] + [
        f"{name} is not listed in the manifest" for name in sorted(set(seen) - set(manifest.files))
    ]
    problems += [
        f"{name} does not match its hash"
        for name, expected in sorted(manifest.files.items())
        if name in seen and seen[name] != expected
    ]
    if manifest.database_member not in seen:
        problems.append("the database copy is missing")
    if problems:
        raise BackupError("The archive does not match its manifest: " + "; ".join(problems) + ".")
    return manifest


# -- Restoring ---------------------------------------------------------------------------------


def _database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_counts() -> dict[str, int]:
    """Rows in every table of the database Django is connected to."""
    counts = {}
    with connection.cursor() as cursor:
        for table in _database_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a catalogue name
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _held_records() -> list[str]:
    return [
        f"{table} ({count} row{'s' if count != 1 else ''})"
        for table, count in table_counts().items()
        if count and table not in _FILLED_BY_MIGRATE
    ]


def _folder_in_use(root: Path) -> bool:
    return any(True for _ in _folder_files(root))


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


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
    unknown = sorted(
        f"{app}.{name}"
        for app, name in manifest.migrations
        if (app, name) not in _known_migrations()
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
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(database_file)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def _restore_postgres(database_file: Path) -> None:
    pg_restore = _postgres_tool("pg_restore")
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


def _swap_folders(staging: Path, stamp: str) -> list[Path]:
    """Put each restored folder in place; a folder that held files is kept beside, renamed."""
    moved = []
    for prefix, root in folder_roots().items():
        restored = staging / prefix
        root.parent.mkdir(parents=True, exist_ok=True)
        incoming = root.with_name(f".{root.name}.restoring-{os.getpid()}")
        if restored.is_dir():
            shutil.move(restored, incoming)
        else:
            incoming.mkdir()
        if root.exists():
            if _folder_in_use(root):
                aside = root.with_name(f"{root.name}.before-restore-{stamp}")
                root.rename(aside)
                moved.append(aside)
            else:
                shutil.rmtree(root)
        incoming.rename(root)
    return moved


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
    with tempfile.TemporaryDirectory(prefix="cairn-restore-", dir=work_dir) as work:
        staging = Path(work)
        with archive.open("rb") as source:
            manifest = archive_read(
                source, secret=secret, extract_to=None if check_only else staging
            )
        say(
            f"The archive is whole: {len(manifest.files)} file(s) match the manifest "
            f"(made {manifest.created_at})."
        )
        if check_only:
            return RestoreReport(manifest, 0, [], [], 0)
        _check_restorable(manifest, replace=replace)
        # Nothing has been written until here.
        database_file = staging.joinpath(*PurePosixPath(manifest.database_member).parts)
        if manifest.vendor == "sqlite":
            _restore_sqlite(database_file)
        else:
            _restore_postgres(database_file)
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
        moved = _swap_folders(staging, stamp)
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
