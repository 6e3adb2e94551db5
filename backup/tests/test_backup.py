"""Backup and restore (issue 15): a round trip restores every table's rows, every file's bytes
and the audit chain; a changed byte, a truncated copy or the wrong key is refused with nothing
written; a backup killed midway leaves no archive that looks complete.

The round trip and kill tests run real `manage.py` processes against real databases (the test
database, and a fresh one made for the restore) on whichever database the suite runs on: SQLite,
or PostgreSQL in CI's second run. The world is small (a school, its staff, children, concerns
with attachments): enough to fill every kind of record these tests compare.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from backup.archive import table_counts
from backup.crypto import key_file_create
from concerns import services as concern_services
from concerns.models import Part
from pupils.tests.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db(transaction=True)
MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "backup.key"
    key_file_create(path)
    return path


@pytest.fixture
def folders(settings, tmp_path) -> dict[str, Path]:
    settings.CAIRN_ATTENDANCE_STORE_DIR = tmp_path / "attendance-store"
    store = settings.CAIRN_ATTENDANCE_STORE_DIR / "school-1"
    store.mkdir(parents=True)
    (store / "weeks.parquet").write_bytes(b"PAR1" + os.urandom(3000) + b"PAR1")
    return {
        "media": Path(settings.PRIVATE_MEDIA_ROOT),
        "attendance": settings.CAIRN_ATTENDANCE_STORE_DIR,
    }


@pytest.fixture
def small_world(school, dsl, teacher, folders):
    """Children on the roll, concerns with attachments (real files), and their audit events."""
    pupils = [PupilFactory() for _ in range(3)]
    for pupil in pupils:
        EnrolmentFactory(pupil=pupil, school=school)
    for n, pupil in enumerate(pupils):
        concern_services.concern_record(
            actor=teacher,
            data=concern_services.ConcernInput(
                children=[concern_services.ChildPart(pupil=pupil, part=Part.SUBJECT)],
                occurred_at=timezone.now(),
                facts=f"Synthetic concern {n}: a bruise on the arm was seen at break.",
                attachments=[
                    SimpleUploadedFile(f"note-{n}.txt", f"note {n}\n".encode() * 50),
                    SimpleUploadedFile(f"scan-{n}.pdf", b"%PDF-1.4\n" + os.urandom(2048)),
                ],
            ),
        )
    return pupils


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)  # noqa: S608
            for t in tables
        }
    finally:
        conn.close()


def _postgres_rows(dbname: str) -> dict[str, list[tuple]]:
    import psycopg

    params = {**connection.get_connection_params(), "dbname": dbname}
    with psycopg.connect(**params) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - a catalogue name
            rows[table] = sorted(cursor.fetchall(), key=repr)
        return rows


def _sqlite_copy_of_test_database(path: Path) -> Path:
    """The test database is in memory; a file copy lets another process open it."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return path


class Target:
    """A fresh, empty database and folders for a `manage.py` process to restore into."""

    def __init__(self, tmp_path: Path) -> None:
        self.media = tmp_path / "restored" / "private"
        self.attendance = tmp_path / "restored" / "attendance"
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.sqlite_path = tmp_path / "restored" / "cairn.sqlite3"
            self.sqlite_path.parent.mkdir(parents=True)
            self.url = f"sqlite:///{self.sqlite_path}"
        else:
            import psycopg

            params = connection.get_connection_params()
            self.dbname = f"{params['dbname']}_restored_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.dbname}"')
            user = params.get("user") or ""
            password = f":{params['password']}" if params.get("password") else ""
            host = params.get("host") or "localhost"
            port = params.get("port") or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{self.dbname}"

    def rows(self) -> dict[str, list[tuple]]:
        if self.vendor == "sqlite":
            return _sqlite_rows(self.sqlite_path)
        return _postgres_rows(self.dbname)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            params = {**connection.get_connection_params(), "dbname": "postgres"}
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def env(self) -> dict[str, str]:
        return _env(self.url, self.media, self.attendance)


def _env(database_url: str, media: Path, attendance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CAIRN_ENV_FILE": "",
        "DATABASE_URL": database_url,
        "CAIRN_PRIVATE_MEDIA_ROOT": str(media),
        "CAIRN_ATTENDANCE_STORE_DIR": str(attendance),
        "CAIRN_AUDIT_SEAL_KEY": settings.AUDIT_SEAL_KEY,
    }


@pytest.fixture
def target(tmp_path) -> Iterator[Target]:
    made = Target(tmp_path)
    yield made
    made.drop()


def _source_rows(tmp_path: Path) -> dict[str, list[tuple]]:
    if connection.vendor == "sqlite":
        return _sqlite_rows(_sqlite_copy_of_test_database(tmp_path / "source-rows.sqlite3"))
    return _postgres_rows(connection.settings_dict["NAME"])


def _manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_restore_brings_back_every_row_every_file_and_the_audit_chain(
    small_world, folders, key_file, target, tmp_path
):
    archive = tmp_path / "school.cairn"
    call_command("backup", str(archive), key_file=str(key_file))
    assert archive.is_file()
    assert not list(tmp_path.glob(".school.cairn.partial-*"))

    result = _manage("restore", str(archive), "--key-file", str(key_file), env=target.env())

    assert result.returncode == 0, result.stderr
    assert "The audit trail verifies" in result.stdout
    assert "every table's rows match the manifest" in result.stdout
    if target.vendor == "sqlite":
        # Copied in rollback-journal mode (each page written once), then set back to WAL.
        restored_db = sqlite3.connect(target.sqlite_path)
        restored_db.create_function(
            "REGEXP", 2, lambda p, s: s is not None and bool(re.search(p, s))
        )
        try:
            assert restored_db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert restored_db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            restored_db.close()
    source, restored = _source_rows(tmp_path), target.rows()
    assert set(restored) == set(source)
    for table, rows in source.items():
        assert restored[table] == rows, f"{table} differs after the restore"
    assert len(source["concerns_attachment"]) == 6
    assert len(source["audit_auditevent"]) >= 3
    assert _files(target.media) == _files(folders["media"])
    assert len(_files(target.media)) == 6
    assert _files(target.attendance) == _files(folders["attendance"])
    # The folders were decrypted beside their places and renamed in: nothing is left behind.
    assert not list(target.media.parent.glob(".*.restoring-*"))
    assert not list(target.attendance.parent.glob(".*.restoring-*"))
    # A second restore into the now-filled database is refused, naming what it holds.
    again = _manage("restore", str(archive), "--key-file", str(key_file), env=target.env())
    assert again.returncode == 1
    assert "The database already holds records" in again.stderr


def _assert_nothing_written(before_counts, before_files, folders):
    assert table_counts() == before_counts
    assert _files(folders["media"]) == before_files
    assert not list(folders["media"].parent.glob("*before-restore*"))
    # The files a refused restore had decrypted beside the folders are gone too.
    assert not list(folders["media"].parent.glob(".*.restoring-*"))
    assert not list(folders["attendance"].parent.glob(".*.restoring-*"))


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("middle", "the archive is damaged: part 2 fails its check"),
        ("last", "damaged or incomplete: its last part"),
        ("header", "the key does not open this archive"),
        ("truncated", "damaged or incomplete"),
    ],
)
def test_one_changed_byte_or_a_cut_copy_is_refused_with_nothing_written(
    small_world, folders, key_file, tmp_path, settings, where, message
):
    big = folders["media"] / "attachments" / "large-scan"
    big.write_bytes(os.urandom(3 * 1024 * 1024))  # several chunks
    archive = tmp_path / "school.cairn"
    call_command("backup", str(archive), key_file=str(key_file))
    data = bytearray(archive.read_bytes())
    if where == "middle":
        data[40 + 1024 * 1024 + 500] ^= 0x01
    elif where == "last":
        data[-20] ^= 0x80
    elif where == "header":
        data[20] ^= 0x01
    else:
        del data[len(data) - 1000 :]
    archive.write_bytes(bytes(data))
    before_counts, before_files = table_counts(), _files(folders["media"])

    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore", str(archive), key_file=str(key_file), replace=True)

    assert str(refused.value).startswith("Nothing was restored.")
    _assert_nothing_written(before_counts, before_files, folders)


def test_the_wrong_key_is_named_and_nothing_is_written(small_world, folders, key_file, tmp_path):
    archive = tmp_path / "school.cairn"
    call_command("backup", str(archive), key_file=str(key_file))
    other = tmp_path / "other.key"
    key_file_create(other)
    before_counts, before_files = table_counts(), _files(folders["media"])
    with pytest.raises(CommandError, match="the key does not open this archive"):
        call_command("restore", str(archive), key_file=str(other), replace=True)
    _assert_nothing_written(before_counts, before_files, folders)
    # The right key opens it: --check-only reads it all and writes nothing.
    call_command("restore", str(archive), key_file=str(key_file), check_only=True)
    _assert_nothing_written(before_counts, before_files, folders)


def _source_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{_sqlite_copy_of_test_database(tmp_path / 'live.sqlite3')}"
    params = connection.get_connection_params()
    password = f":{params['password']}" if params.get("password") else ""
    return (
        f"postgres://{params.get('user') or ''}{password}@{params.get('host') or 'localhost'}:"
        f"{params.get('port') or 5432}/{connection.settings_dict['NAME']}"
    )


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_backup_killed_midway_leaves_no_archive_that_looks_complete(
    small_world, folders, key_file, tmp_path, signum
):
    # Enough bytes that the backup is still writing when it is stopped.
    (folders["media"] / "attachments" / "large-scan").write_bytes(os.urandom(64 * 1024 * 1024))
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "school.cairn"
    env = _env(_source_url(tmp_path), folders["media"], folders["attendance"])
    process = subprocess.Popen(
        [sys.executable, MANAGE, "backup", str(dest), "--key-file", str(key_file)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    partial: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None:
        partial = list(out.glob(".school.cairn.partial-*"))
        if partial and partial[0].stat().st_size > 0:
            # Freeze it where it is (a loaded machine must not let it finish meanwhile), then
            # stop it with the signal under test.
            process.send_signal(signal.SIGSTOP)
            break
        time.sleep(0.001)
    written = partial[0].stat().st_size if partial else 0
    process.send_signal(signum)
    process.send_signal(signal.SIGCONT)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode in {-signum, 128 + signum}, (
        f"the backup ended before it was stopped ({process.returncode}): {stderr[-500:]!r}"
    )
    assert 0 < written < 64 * 1024 * 1024, "stopped before or after writing"
    assert partial, "the backup never started writing"
    assert not dest.exists()
    left = list(out.iterdir())
    if signum == signal.SIGTERM:
        assert left == []  # stopped politely: it cleans up after itself
    else:
        # Killed outright: what is left is hidden, named partial, and does not open.
        assert [p.name.startswith(".school.cairn.partial-") for p in left] == [True]
        with pytest.raises(CommandError, match="damaged or incomplete"):
            call_command("restore", str(left[0]), key_file=str(key_file), check_only=True)
