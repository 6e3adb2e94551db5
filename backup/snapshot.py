"""The database's consistent snapshot and its description, the first step of a backup."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from backup.manifest import POSTGRES_MEMBER, SQLITE_MEMBER, BackupError, Manifest, quote


def cairn_version() -> tuple[str, str]:
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


def _describe_snapshot(
    cursor: Any, tables: list[str]
) -> tuple[dict[str, int], list[list[str]], dict[str, Any]]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a catalogue name
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


def postgres_tool(name: str) -> str:
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
    pg_dump = postgres_tool("pg_dump")
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported_row = cursor.fetchone()
        assert exported_row is not None
        exported = str(exported_row[0])
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [str(row[0]) for row in cursor.fetchall()]
        counts, migrations, audit = _describe_snapshot(cursor, tables)
        result = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={target}"],
            env=postgres_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        cursor.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target, Manifest("postgresql", POSTGRES_MEMBER, migrations, counts, audit)


def snapshot(work: Path) -> tuple[Path, Manifest]:
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(work)
    if connection.vendor == "postgresql":
        return _postgres_snapshot(work)
    raise BackupError(f"Cairn cannot back up a {connection.vendor} database.")  # pragma: no cover
