"""Recording a concern under load, and the findings refresh from enqueue to stored (issue 16).

    python -m bench.recording --db sqlite --fresh --code-dir ../main-checkout --label before
    python -m bench.recording --db sqlite --label after          # this checkout: web + worker
    python -m bench.recording --db postgresql --workers 2        # two worker processes

The database is the demo trust (`seed_demo`: about 600 pupils), created by the code under test
(`--fresh`) or migrated forward by it. gunicorn serves `--code-dir`; when that code has the
background worker (`background/`), `run_worker` runs beside it, as in `make demo` and in
production. Staff record neglect concerns about children at Brookside, first one member of staff
from one client, then 20 at once, each at a computer of their own (`--staff`: the demo's teacher
and synthetic colleagues made for the benchmark; with `--staff 1` all 20 clients sign in as the
one teacher, as before session 9, and their submissions queue behind that person's lock, which
keeps one person's drafts and submissions in order), each phase beside GET /health/ measured the
same way just before. CPU a concern is counted by process from /proc (`bench/cpu.py`).
After each phase the queue is left to drain, and each refresh's enqueue-to-stored time is read from
its task row (`finished_at - enqueued_at`; a refresh taken along by another is stored when that one
is). Before the change the refresh ran inside the POST, so it is part of the POST's own time.
"""

import argparse
import itertools
import os
import random
import string
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import cpu
from bench.common import ROOT, Row, median, percentile, write_results
from bench.server import LoadResult, load, running_server, server_env

PG_DEFAULT = os.environ.get(
    "CAIRN_BENCH_RECORDING_PG", "postgres://postgres@127.0.0.1:5432/cairn_bench_recording"
)
SQLITE_DEFAULT = ROOT / "bench" / "data" / "recording.sqlite3"
TEACHER = "teacher@brookside.example"
CSRF = "".join(random.Random(16).choices(string.ascii_letters + string.digits, k=32))
REFRESH_TASK = "patterns.tasks.findings_refresh_queued"


def _manage(code_dir: Path, url: str, *args: str) -> None:
    env = {**server_env(url), "CAIRN_DEBUG": "1"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=code_dir, env=env, check=True)


def _fresh(database: str, url: str, code_dir: Path) -> None:
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    _manage(code_dir, url, "migrate", "--verbosity", "0")
    _manage(code_dir, url, "seed_demo", "--force")
    if database == "postgresql":
        _analyze(url)


def _analyze(url: str) -> None:
    """Give the planner its statistics for the seeded tables, as autovacuum does on a real server
    within a minute of a load. (This machine's PostgreSQL runs with autovacuum off, so a fresh
    benchmark database had none, and the refresh's join of a child's concerns was planned as if
    the concerns table were empty: session 8, docs/performance.md.)"""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _django(url: str) -> None:
    os.environ.update(server_env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


class _Staffroom:
    """Sign-ins for the load's clients: each client (a thread of `bench.server.load`) is one
    member of staff, given the next sign-in on its first request, as twenty people at twenty
    computers would be. With fewer sign-ins than clients they are shared in turn."""

    def __init__(self, cookies: list[str]) -> None:
        self.cookies = cookies
        self._local = threading.local()
        self._given = itertools.count()
        self._lock = threading.Lock()

    def cookie(self) -> str:
        if not hasattr(self._local, "cookie"):
            with self._lock:
                self._local.cookie = self.cookies[next(self._given) % len(self.cookies)]
        return str(self._local.cookie)

    def signed_in(self, post: tuple[str, str, bytes, dict[str, str]]) -> Any:
        method, path, body, headers = post
        return method, path, body, {**headers, "Cookie": f"{self.cookie()}; csrftoken={CSRF}"}


def _staff_cookies(count: int) -> list[str]:
    """Session cookies for `count` members of staff at Brookside: the demo's teacher and, for
    more, synthetic colleagues made for the benchmark ("Bench Colleague 02", ...)."""
    from accounts.models import User
    from bench.suite import signed_in_cookie
    from schools.models import Membership, Role

    teacher = Membership.objects.get(user__email=TEACHER, is_active=True)
    emails = [TEACHER]
    for n in range(2, count + 1):
        email = f"bench-colleague-{n:02d}@brookside.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name=f"Bench Colleague {n:02d}"
        )
        Membership.objects.get_or_create(
            user=user, school=teacher.school, role=Role.STAFF, defaults={"is_active": True}
        )
        emails.append(email)
    return [signed_in_cookie(email) for email in emails]


def _posts(count: int, seed: int) -> list[tuple[str, str, bytes, dict[str, str]]]:
    """`count` POSTs recording a neglect concern, each about a child at Brookside picked at
    random (so the refreshes are for different children, as in a real staffroom); the sign-in
    is added by the client that sends it (`_Staffroom`)."""
    from django.utils import timezone

    from concerns.models import Category
    from pupils.models import Enrolment
    from schools.models import Membership

    teacher = Membership.objects.get(user__email=TEACHER, is_active=True)
    neglect = str(Category.objects.get(school=teacher.school, code="neglect").pk)
    children = [
        str(pk)
        for pk in Enrolment.objects.filter(
            school=teacher.school, end_date__isnull=True
        ).values_list("pupil_id", flat=True)
    ]
    rng = random.Random(seed)
    moment = timezone.localtime() - timedelta(hours=1)
    headers = {
        "Host": "127.0.0.1",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": "http://127.0.0.1/concerns/new/",
    }
    posts = []
    for n in range(count):
        fields = {
            "child_1": rng.choice(children),
            "part_1": "subject",
            "occurred_on": moment.date().isoformat(),
            "occurred_time": moment.strftime("%H:%M"),
            "location": "Classroom",
            "facts": f"Bench concern {seed}-{n}: arrived without a coat and said he was hungry.",
            "child_words": "There wasn't any breakfast.",
            "categories": neglect,
            "csrfmiddlewaretoken": CSRF,
            # The form's own key, as the page gives each concern being typed (`Concern.form_key`):
            # new in every run, or a run over the same database would send only repeats, which
            # the page answers without writing anything.
            "form_key": str(uuid.uuid4()),
        }
        posts.append(("POST", "/concerns/new/", urlencode(fields).encode(), headers))
    return posts


def _drain(since: Any, timeout: float = 600.0) -> list[float]:
    """Wait until every refresh queued since `since` is stored; their enqueue-to-stored times
    in ms (empty for code without the worker)."""
    from django.db import connection

    if "django_tasks_database_dbtaskresult" not in connection.introspection.table_names():
        return []
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=REFRESH_TASK, enqueued_at__gte=since)
    deadline = time.monotonic() + timeout
    while rows.filter(status__in=["READY", "RUNNING"]).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the refresh queue did not drain")
        time.sleep(0.2)
    failed = rows.filter(status="FAILED").count()
    if failed:
        raise RuntimeError(f"{failed} refreshes failed")
    return [
        (finished - enqueued).total_seconds() * 1000
        for enqueued, finished in rows.values_list("enqueued_at", "finished_at")
        if finished is not None
    ]


def _phase(
    host: str,
    posts: list[Any],
    staffroom: _Staffroom,
    *,
    clients: int,
    requests: int,
    database: str | None,
) -> tuple[LoadResult, LoadResult, list[float], dict[str, float]]:
    from django.utils import timezone

    def health(i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", "/health/", None, {"Host": "127.0.0.1"}

    reference = load(host, health, clients=clients, requests=requests)
    since = timezone.now()
    before = cpu.snapshot(database)
    recorded = load(
        host,
        lambda i: staffroom.signed_in(posts[i]),
        clients=clients,
        requests=requests,
        expect=302,
        max_seconds=600,
    )
    if recorded.errors:
        raise RuntimeError(f"{len(recorded.errors)} errors, e.g. {recorded.errors[:3]}")
    refreshed = _drain(since)
    # CPU a concern, by process, over the recording and the draining of the queue it left.
    used = cpu.spent(before, cpu.snapshot(database))
    per_concern = {kind: round(seconds * 1000 / requests, 1) for kind, seconds in used.items()}
    return reference, recorded, refreshed, per_concern


def _paced(host: str, posts: list[Any], every: float) -> tuple[list[float], list[float]]:
    """One concern every `every` seconds (a school day's pace: the worker is idle when each
    arrives); the POSTs' times and each refresh's enqueue-to-stored time, in ms."""
    from django.utils import timezone

    from bench.server import request_once

    since = timezone.now()
    latencies = []
    for method, path, body, headers in posts:
        started = time.perf_counter()
        status, _ = request_once(host, method, path, body, headers)
        if status != 302:
            raise RuntimeError(f"HTTP {status} recording a concern")
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(every)
    return latencies, _drain(since)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--code-dir", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--label", default="after", help="before / after, in the results")
    parser.add_argument("--fresh", action="store_true", help="recreate and seed the database")
    parser.add_argument("--one", type=int, default=100, help="requests from one client")
    parser.add_argument("--many", type=int, default=400, help="requests from 20 clients")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--staff",
        type=int,
        default=20,
        help="members of staff recording, one a client (1: every client signs in as the demo's "
        "teacher, as the benchmark did before session 9)",
    )
    parser.add_argument("--paced", type=int, default=20, help="concerns one a second")
    parser.add_argument(
        "--workers", type=int, default=1, help="run_worker processes beside the web server"
    )
    args = parser.parse_args()
    url = args.database_url or (
        f"sqlite:///{SQLITE_DEFAULT}" if args.db == "sqlite" else PG_DEFAULT
    )
    code_dir = args.code_dir.resolve()
    if args.fresh:
        _fresh(args.db, url, code_dir)
    else:
        _manage(code_dir, url, "migrate", "--verbosity", "0")
    _django(url)
    database = url.rsplit("/", 1)[1] if args.db == "postgresql" else None
    cookies = _staff_cookies(args.staff)
    has_worker = (code_dir / "background" / "management" / "commands" / "run_worker.py").exists()
    workers: list[subprocess.Popen[bytes]] = []
    rows: list[Row] = []
    with running_server(url, cwd=code_dir) as server:
        if has_worker:
            workers = [
                subprocess.Popen(
                    [sys.executable, "manage.py", "run_worker", "--no-schedule", "-v", "0"],
                    cwd=code_dir,
                    env=server_env(url),
                )
                for _ in range(args.workers)
            ]
        try:
            _drain(since=time.strftime("2000-01-01T00:00:00Z"))  # whatever seeding queued
            for clients, requests, seed in ((1, args.one, 1), (args.clients, args.many, 2)):
                posts = _posts(requests, seed + (10 if args.label == "after" else 0))
                reference, recorded, refresh, cpu_ms = _phase(
                    server.host,
                    posts,
                    _Staffroom(cookies),
                    clients=clients,
                    requests=requests,
                    database=database,
                )
                scale = "demo trust, 600 pupils"
                rows.append(
                    Row(
                        what=f"record a concern ({args.label}), {clients} client(s)",
                        scale=scale,
                        database=args.db,
                        value=recorded.p50,
                        unit="ms p50",
                        p95=recorded.p95,
                        reference_what="GET /health/ p50 ms, same clients",
                        reference_value=reference.p50,
                        peak_mb=server.peak_mb(),
                        extra={
                            "requests": len(recorded.latencies_ms),
                            "concerns_per_s": round(recorded.throughput, 2),
                            "reference_p95": reference.p95,
                            "worker": has_worker,
                            "workers": len(workers),
                            "cpu_ms_per_concern": cpu_ms,
                        },
                    )
                )
                print(f"CPU ms a concern, {clients} client(s): {cpu_ms}", file=sys.stderr)
                if refresh:
                    rows.append(
                        Row(
                            what=f"findings refresh enqueue to stored, {clients} client(s)",
                            scale=scale,
                            database=args.db,
                            value=median(refresh),
                            unit="ms p50",
                            p95=percentile(refresh, 95),
                            reference_what="GET /health/ p50 ms, same clients",
                            reference_value=reference.p50,
                            extra={"refreshes": len(refresh), "workers": len(workers)},
                        )
                    )
                print(rows[-1].line() if not refresh else rows[-2].line(), file=sys.stderr)
            staffroom = _Staffroom(cookies[:1])
            posts = [
                staffroom.signed_in(p)
                for p in _posts(args.paced, 3 + (10 if args.label == "after" else 0))
            ]
            latencies, refresh = _paced(server.host, posts, every=1.0)
            if refresh:
                rows.append(
                    Row(
                        what="findings refresh enqueue to stored, one concern a second",
                        scale="demo trust, 600 pupils",
                        database=args.db,
                        value=median(refresh),
                        unit="ms p50",
                        p95=percentile(refresh, 95),
                        reference_what="the POST itself, p50 ms",
                        reference_value=median(latencies),
                        extra={
                            "refreshes": len(refresh),
                            "post_p95": percentile(latencies, 95),
                            "workers": len(workers),
                        },
                    )
                )
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
    for row in rows:
        print(row.line())
    write_results(f"recording-{args.db}-{args.label}", rows)


if __name__ == "__main__":
    main()
