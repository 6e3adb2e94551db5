"""CPU seconds spent by each kind of process on this machine, read from /proc (Linux only).

A benchmark reads them before and after a phase to say where the machine's two cores went: the
web server, the background worker, the database server and the load client itself. Processes
that started or ended during the phase count only for the part the snapshots saw."""

import os
from collections import defaultdict
from pathlib import Path

PROC = Path("/proc")
KINDS = {"gunicorn": "web (gunicorn)", "run_worker": "worker"}
# PostgreSQL's own processes, shared by every database on the server.
SERVER_PROCESSES = ("checkpointer", "background writer", "walwriter", "wal writer", "autovacuum")


def _kind(pid: int, cmdline: str, database: str | None) -> str | None:
    if pid == os.getpid():
        return "load client"
    if cmdline.startswith("postgres: "):
        if database and f" {database} " in cmdline:
            return "PostgreSQL server"
        if any(name in cmdline for name in SERVER_PROCESSES):
            return "PostgreSQL server (shared processes)"
        return None  # another database's connections: other people's work
    for marker, kind in KINDS.items():
        if marker in cmdline:
            return kind
    return None


def snapshot(database: str | None = None) -> dict[int, tuple[str, float]]:
    """Each interesting process's kind and CPU seconds so far (user + system); PostgreSQL's
    connections count only when they are to `database`."""
    if not PROC.is_dir():
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, float]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = _kind(int(entry.name), cmdline, database)
        if kind:
            found[int(entry.name)] = (kind, (int(fields[11]) + int(fields[12])) / tick)
    return found


def spent(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds each kind spent between two snapshots."""
    total: dict[str, float] = defaultdict(float)
    for pid, (kind, seconds) in after.items():
        total[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return {kind: round(seconds, 2) for kind, seconds in sorted(total.items())}
