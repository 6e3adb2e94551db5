"""All benchmarks for one database, in a process of its own (Django is configured once).

Run through `bench/run.py`, which starts one of these per database and prints the table.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench.common import Row


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update(
        {
            "CAIRN_DEBUG": "0",
            "CAIRN_HTTPS": "0",
            "CAIRN_MANIFEST_STATIC": "0",
            "CAIRN_SECRET_KEY": os.environ.get("CAIRN_SECRET_KEY", "bench-only-key-" + "k" * 50),
        }
    )
    import django

    django.setup()


def signed_in_cookie(membership_email: str) -> str:
    """A session cookie for the person, with two factors done and their first role chosen."""
    from django.conf import settings
    from django.test import Client

    from accounts.middleware import SESSION_LAST_SEEN, SESSION_TWO_FACTOR_OK
    from schools.middleware import SESSION_MEMBERSHIP
    from schools.models import Membership

    membership = Membership.objects.select_related("user").get(
        user__email=membership_email, is_active=True
    )
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_TWO_FACTOR_OK] = True
    session[SESSION_MEMBERSHIP] = str(membership.pk)
    session[SESSION_LAST_SEEN] = time.time() + 3600  # not idle while the benchmark runs
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def server_rows(
    database_url: str, scale: str, database: str, *, clients: int, requests: int
) -> list[Row]:
    from bench.server import load, running_server
    from pupils.models import Pupil

    cookie = signed_in_cookie("dsl@school1.bench.example")
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    from bench.generate import school_code

    pupil_ids = [
        str(p)
        for p in Pupil.objects.filter(enrolments__school__urn=school_code(1)[0]).values_list(
            "pk", flat=True
        )[:500]
    ]
    rows: list[Row] = []
    with running_server(database_url) as server:

        def trivial(i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
            return "GET", "/health/", None, {"Host": "127.0.0.1"}

        # Warm up every worker before measuring.
        load(server.host, trivial, clients=clients, requests=clients * 5)
        reference = load(server.host, trivial, clients=clients, requests=requests)
        cases = {
            "DSL home page": lambda i: ("GET", "/", None, headers),
            "pupil search (name)": lambda i: ("GET", "/pupils/?q=son", None, headers),
            "pupil page (audited read)": lambda i: (
                "GET",
                f"/pupils/{pupil_ids[i % len(pupil_ids)]}/",
                None,
                headers,
            ),
        }
        # Recording a concern (a POST that writes, alerts and audits) and a long chronology.
        from bench.concerns import concern_post, make_chronology_fixture, make_recording_fixture

        chronology_pupil, chronology_dsl = make_chronology_fixture(entries=1000)
        recording_pupil, recording_teacher = make_recording_fixture()
        chronology_headers = {"Cookie": signed_in_cookie(chronology_dsl), "Host": "127.0.0.1"}
        teacher_cookie = signed_in_cookie(recording_teacher)
        posts = [
            concern_post(pupil_id=recording_pupil, session_cookie=teacher_cookie, index=i)
            for i in range(requests)
        ]
        cases["record a concern (POST)"] = lambda i: posts[i]
        cases["open a 1,000-entry chronology"] = lambda i: (
            "GET",
            f"/chronology/{chronology_pupil}/",
            None,
            chronology_headers,
        )
        expected = {"record a concern (POST)": 302}
        for what, prepare in cases.items():
            result = load(
                server.host,
                prepare,
                clients=clients,
                requests=requests,
                expect=expected.get(what, 200),
            )
            if result.errors:
                raise RuntimeError(f"{what}: {len(result.errors)} errors, e.g. {result.errors[:3]}")
            rows.append(
                Row(
                    what=f"{what}, {clients} clients",
                    scale=scale,
                    database=database,
                    value=result.p50,
                    unit="ms p50",
                    p95=result.p95,
                    reference_what="GET /health/ p50 ms",
                    reference_value=reference.p50,
                    peak_mb=server.peak_mb(),
                    extra={
                        "requests": len(result.latencies_ms),
                        "throughput_rps": result.throughput,
                        "reference_p95": reference.p95,
                    },
                )
            )
    return rows


def ctf_rows(scale: str, database: str, sizes: str) -> list[Row]:
    """Import generated Common Transfer Files through the real importer, each size into a school
    of its own; peak memory should stay flat as the file grows (streaming)."""
    from bench.common import DATA
    from bench.ctf import bench_import_ctf

    rows = []
    for n, size in enumerate(int(s) for s in sizes.split(",")):
        r = bench_import_ctf(
            pupils=size, workdir=DATA / "ctf", la_code="998", establishment_number=f"{4321 + n}"
        )
        rows.append(
            Row(
                what=f"CTF import ({r['file_mb']} MB file)",
                scale=f"{scale} {size:,}",
                database=database,
                value=r["throughput"],
                unit="pupils/s",
                reference_what="bare iterparse of the same file (s)",
                reference_value=r["reference_seconds"],
                peak_mb=r["peak_mb"],
                extra={"seconds": r["seconds"], "reference_peak_mb": r["reference_peak_mb"]},
            )
        )
    return rows


def attendance_rows(scale: str, database: str, pupils: int) -> list[Row]:
    """Import a year of registers, the measures for every pupil, one pupil's panel."""
    from bench.attendance import bench_attendance
    from bench.common import DATA

    raw = bench_attendance(pupils=pupils, workdir=DATA / f"attendance-{scale}-{database}")
    rows = []
    for r in raw:
        if r["unit"] == "marks/s":
            rows.append(
                Row(
                    what=r["what"],
                    scale=f"{scale} {pupils:,}",
                    database=database,
                    value=r["throughput"],
                    unit="marks/s",
                    reference_what=r["reference_what"] + " (s)",
                    reference_value=r["reference_seconds"],
                    peak_mb=r["peak_mb"],
                    target=">= 500,000 marks/s",
                    extra={"seconds": r["seconds"], "marks": r["marks"]},
                )
            )
        elif r["unit"] == "s":
            rows.append(
                Row(
                    what=r["what"],
                    scale=f"{scale} {pupils:,}",
                    database=database,
                    value=r["seconds"],
                    unit="s",
                    reference_what=r["reference_what"] + " (s)",
                    reference_value=r["reference_seconds"],
                    peak_mb=r["peak_mb"],
                    target="< 10 s for 40,000 pupils",
                    extra={"pupils_measured": r["pupils_measured"]},
                )
            )
        else:
            rows.append(
                Row(
                    what=r["what"],
                    scale=f"{scale} {pupils:,}",
                    database=database,
                    value=r["ms_p50"],
                    unit="ms p50",
                    p95=r["ms_p95"],
                    reference_what=r["reference_what"] + " (ms)",
                    reference_value=r["reference_ms"],
                    target="< 100 ms",
                )
            )
    return rows


def analytics_rows(
    scale: str, database: str, pupils: int, years: int, database_url: str
) -> list[Row]:
    """The trust dashboard's aggregates, the page itself through gunicorn, and the governors'
    PDF, over the attendance bench's schools (their registers are imported already) with
    `years` of records added."""
    from bench.analytics import bench_dashboard, page_rows
    from bench.common import DATA

    workdir = DATA / f"attendance-{scale}-{database}"
    raw = bench_dashboard(pupils=pupils, years=years, workdir=workdir)
    raw += page_rows(database_url=database_url, workdir=workdir, years=years)
    return [
        Row(**{**r, "scale": f"{scale} {pupils:,}, {years} y", "database": database}) for r in raw
    ]


def patterns_rows(scale: str, database: str, pupils: int, schools: int) -> list[Row]:
    """The pattern engine: the incremental run after a record, and a batch over every pupil."""
    import random
    import statistics

    from bench.patterns_engine import AS_OF, SyntheticTrust
    from patterns.engine import run, run_incremental

    trust = SyntheticTrust(pupils, schools, 7)
    source = trust.source()
    rng = random.Random(7)
    timings = []
    for _ in range(300):
        pid = f"p{rng.randrange(pupils)}"
        started = time.perf_counter()
        run_incremental(source, pupil_ids=[pid], as_of=AS_OF)
        timings.append((time.perf_counter() - started) * 1000)
    ids = [f"p{n}" for n in range(pupils)]
    # Reference: building the same facts without running any detector.
    started = time.perf_counter()
    for i in range(0, len(ids), 500):
        source.pupils(ids[i : i + 500], AS_OF)
    facts_only = time.perf_counter() - started
    started = time.perf_counter()
    findings = 0
    for i in range(0, len(ids), 500):
        findings += len(run(source, as_of=AS_OF, pupil_ids=ids[i : i + 500]).raised)
    batch = time.perf_counter() - started
    timings.sort()
    build_one = facts_only / pupils * 1000
    return [
        Row(
            what="patterns: incremental run for one child",
            scale=f"{scale} {pupils:,}",
            database="none",
            value=statistics.median(timings),
            unit="ms p50",
            p95=timings[int(0.95 * (len(timings) - 1))],
            reference_what="building one child's facts (ms)",
            reference_value=build_one,
            target="p95 < 50 ms",
        ),
        Row(
            what="patterns: batch over every pupil",
            scale=f"{scale} {pupils:,}",
            database="none",
            value=batch,
            unit="s",
            reference_what="building the same facts, no detectors (s)",
            reference_value=facts_only,
            target="< 60 s for 40,000 pupils",
            extra={"findings": findings},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--scale", required=True)
    parser.add_argument("--pupils", type=int, required=True)
    parser.add_argument("--schools", type=int, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--years", type=int, default=1, help="years of records (analytics)")
    parser.add_argument("--ctf-sizes", default="10000", help="comma-separated pupil counts")
    args = parser.parse_args()
    _django(args.database_url)
    from bench.generate import generate

    started = time.perf_counter()
    generate(pupils=args.pupils, schools=args.schools, years=1, seed=1)
    print(
        f"[{args.database}] generated {args.pupils} pupils in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    rows = server_rows(
        args.database_url, args.scale, args.database, clients=args.clients, requests=args.requests
    )
    rows += ctf_rows(args.scale, args.database, args.ctf_sizes)
    rows += attendance_rows(args.scale, args.database, args.pupils)
    rows += analytics_rows(args.scale, args.database, args.pupils, args.years, args.database_url)
    if args.database == "sqlite":  # the engine reads no database: measure it once
        rows += patterns_rows(args.scale, args.database, args.pupils, args.schools)
    args.out.write_text(json.dumps([r.__dict__ for r in rows]))


if __name__ == "__main__":
    main()
