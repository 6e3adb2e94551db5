"""Backup and restore of a generated trust, beside the database's own tools (issue 15).

    python -m bench.backup --pupils 10000 --schools 10            # both databases
    python -m bench.backup --pupils 40000 --schools 40 --db postgres

For each database: a fresh database, the generated trust (bench/generate.py: pupils through the
CTF importer, a year of registers, concerns, decisions, behaviour, voice), and synthetic
attachments in a private media folder; then, each in its own process so that its peak memory is
its own (os.wait4):

- `manage.py backup` (database, files and attendance store, encrypted, read back and checked),
  beside the reference: `pg_dump --format=custom` / SQLite's online backup API alone;
- `manage.py restore` into a fresh database and folders (checked, restored, audit trail
  verified, every table counted), beside `pg_restore --single-transaction` / the backup API
  copying the file into a new one.

Target: within 2x of the reference. Rows go to bench/results/backup-<time>.json.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import DATA, ROOT, Row, write_results

PG_ADMIN_URL = os.environ.get("CAIRN_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
ENV = {
    "CAIRN_ENV_FILE": "",
    "CAIRN_DEBUG": "0",
    "CAIRN_HTTPS": "0",
    "CAIRN_MANIFEST_STATIC": "0",
    "CAIRN_SECRET_KEY": os.environ.get("CAIRN_SECRET_KEY", "bench-only-key-" + "k" * 50),
}


CPU: dict[str, float] = {}


# The checkout whose manage.py runs the commands measured (--code-dir).
CODE = {"dir": ROOT}


def _run(argv: list[str], env: dict[str, str], *, cwd: Path | None = None) -> tuple[float, float]:
    """Run one process to the end; its wall-clock seconds and peak resident set in MB. Its CPU
    seconds (user + system, its own and its children's, such as pg_dump's) go to CPU[argv[-1]]:
    on a shared machine the wall clock also measures the neighbours."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(argv, cwd=cwd or CODE["dir"], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[argv[-1]] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode})")
    return seconds, usage.ru_maxrss / 1024


def _database(kind: str, name: str) -> str:
    """A fresh, empty database; its DATABASE_URL."""
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _env(url: str, media: Path, store: Path) -> dict[str, str]:
    return {
        **os.environ,
        **ENV,
        "DATABASE_URL": url,
        "CAIRN_PRIVATE_MEDIA_ROOT": str(media),
        "CAIRN_ATTENDANCE_STORE_DIR": str(store),
    }


def _attachments(media: Path, count: int, size: int) -> int:
    folder = media / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        path = folder / f"bench-{n:05d}"
        if not path.exists():
            path.write_bytes(b"%PDF-1.4\n" + os.urandom(size))
    return sum(p.stat().st_size for p in folder.iterdir())


def _existing(kind: str, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{DATA / f'{name}.sqlite3'}"
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _names(kind: str, pupils: int) -> tuple[str, Path]:
    """The bench's own database name and source folders for this database and scale."""
    name = f"cairn_backup_bench_{kind}_{pupils}"
    return name, DATA / name


def bench(
    kind: str,
    pupils: int,
    schools: int,
    attachments: int,
    work: Path,
    *,
    reuse: bool = False,
    importers: bool = False,
    generate_only: bool = False,
) -> list[Row]:
    scale = f"{pupils:,} pupils"
    name, files = _names(kind, pupils)
    media, store = files / "private", files / "attendance"
    if reuse:
        source = _existing(kind, name)
        generated = 0.0
    else:
        shutil.rmtree(files, ignore_errors=True)
        source = _database(kind, name)
        generated = _generate(source, _env(source, media, store), pupils, schools, importers)
        print(f"[{kind}] generated {scale} in {generated:.0f} s", file=sys.stderr)
    env = _env(source, media, store)
    files_bytes = _attachments(media, attachments, 200_000)
    if generate_only:
        return []
    return _measure(
        kind, scale, source, env, work=work, files_bytes=files_bytes, generated=generated
    )


def _generate(
    source: str, env: dict[str, str], pupils: int, schools: int, importers: bool
) -> float:
    """The trust, in bulk (bench/bulk.py, minutes at 40,000 pupils) or through the importers."""
    _run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], env, cwd=ROOT)
    module = "bench.generate" if importers else "bench.bulk"
    generated, _ = _run(
        [
            sys.executable,
            "-m",
            module,
            "--pupils",
            str(pupils),
            "--schools",
            str(schools),
            "--database-url",
            source,
        ],
        env,
        cwd=ROOT,
    )
    return generated


def _measure(
    kind: str,
    scale: str,
    source: str,
    env: dict[str, str],
    *,
    work: Path,
    files_bytes: int,
    generated: float,
) -> list[Row]:
    key = work / "backup.key"
    if not key.exists():
        _run([sys.executable, "manage.py", "backup_key", str(key)], env)
    archive = work / f"{kind}.cairn"
    _run([sys.executable, "manage.py", "check", "--database", "default"], env)
    startup_cpu = CPU["default"]
    backup_s, backup_mb = _run(
        [sys.executable, "manage.py", "backup", str(archive), "--key-file", str(key)], env
    )
    backup_cpu = CPU[str(key)]
    reference = work / f"{kind}.reference"
    if kind == "sqlite":
        path = source.removeprefix("sqlite:///")
        code = (
            "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); "
            "s.backup(d); d.close()"
        )
        ref_s, ref_mb = _run([sys.executable, "-c", code, path, str(reference)], env)
        ref_what = "SQLite backup API"
        ref_cpu = CPU[str(reference)]
    else:
        ref_s, ref_mb = _run(
            ["pg_dump", "--format=custom", f"--file={reference}", f"--dbname={source}"], env
        )
        ref_what = "pg_dump -Fc"
        ref_cpu = CPU[f"--dbname={source}"]
    rows = [
        Row(
            "backup (db + files, encrypted, checked)",
            scale,
            kind,
            backup_s,
            "s",
            ref_what,
            ref_s,
            peak_mb=backup_mb,
            target="within 2x",
            extra={
                "archive_mb": archive.stat().st_size / 1e6,
                "reference_mb": reference.stat().st_size / 1e6,
                "files_mb": files_bytes / 1e6,
                "reference_peak_mb": ref_mb,
                "generate_seconds": generated,
                "cpu_seconds": backup_cpu,
                "reference_cpu_seconds": ref_cpu,
                "django_startup_cpu_seconds": startup_cpu,
            },
        )
    ]
    target = _database(kind, f"cairn_backup_bench_restore_{kind}")
    restored = work / f"restored-{kind}"
    restore_s, restore_mb = _run(
        [sys.executable, "manage.py", "restore", str(archive), "--key-file", str(key)],
        _env(target, restored / "private", restored / "attendance"),
    )
    restore_cpu = CPU[str(key)]
    if kind == "sqlite":
        copy = target.removeprefix("sqlite:///") + ".reference"
        Path(copy).unlink(missing_ok=True)
        code = (
            "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); "
            "s.backup(d); d.close()"
        )
        ref_s, ref_mb = _run([sys.executable, "-c", code, str(reference), copy], env)
        ref_what = "SQLite backup API into a new file"
        ref_cpu = CPU[copy]
    else:
        plain = _database(kind, f"cairn_backup_bench_restore_{kind}_ref")
        ref_s, ref_mb = _run(
            [
                "pg_restore",
                "--single-transaction",
                "--no-owner",
                f"--dbname={plain}",
                str(reference),
            ],
            env,
        )
        ref_what = "pg_restore --single-transaction"
        ref_cpu = CPU[str(reference)]
    rows.append(
        Row(
            "restore (checked, audit verified, counted)",
            scale,
            kind,
            restore_s,
            "s",
            ref_what,
            ref_s,
            peak_mb=restore_mb,
            target="within 2x",
            extra={
                "reference_peak_mb": ref_mb,
                "cpu_seconds": restore_cpu,
                "reference_cpu_seconds": ref_cpu,
            },
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--attachments", type=int, default=200, help="200 KB files to add")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the trust a previous run generated"
    )
    parser.add_argument(
        "--importers",
        action="store_true",
        help="generate through the importers (bench/generate.py) rather than in bulk",
    )
    parser.add_argument("--generate-only", action="store_true", help="generate, do not measure")
    parser.add_argument(
        "--code-dir",
        type=Path,
        default=ROOT,
        help="the checkout whose manage.py backs up and restores (e.g. the code before a change)",
    )
    args = parser.parse_args()
    CODE["dir"] = args.code_dir.resolve()
    rows: list[Row] = []
    for name in args.db.split(","):
        kind = "postgresql" if name.startswith("postgres") else name
        work = Path(tempfile.mkdtemp(prefix=f"cairn-bench-backup-{kind}-"))
        try:
            rows += bench(
                kind,
                args.pupils,
                args.schools,
                args.attachments,
                work,
                reuse=args.reuse,
                importers=args.importers,
                generate_only=args.generate_only,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for row in rows:
            row.extra.setdefault("load_average", os.getloadavg())
            print(row.line(), f"| {row.extra}")
    if args.generate_only:
        return
    for row in rows:
        row.extra["code_dir"] = str(CODE["dir"])
        row.extra.setdefault("load_average", os.getloadavg())
    path = write_results("backup", rows)
    print(f"Results: {path}")


if __name__ == "__main__":
    main()
