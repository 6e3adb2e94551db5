"""Attendance at trust scale: import a year's marks, trust-wide measures, one pupil's panel.

    .venv/bin/python -m bench.attendance --pupils 40000 --workdir var/bench-attendance

`bench_attendance(pupils=..., workdir=...)` is what the bench harness calls (Django configured
already); run as a script it configures Django on a fresh SQLite database in `workdir` unless
DATABASE_URL says otherwise. Each row is measured beside DuckDB merely scanning the same data.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PUPILS_PER_SCHOOL = 1000
YEAR_START = date(2025, 9, 1)
# Weeks without school in 2025/26 (half-terms, Christmas, Easter), as Mondays.
HOLIDAY_WEEKS = {
    date(2025, 10, 27),
    date(2025, 12, 22),
    date(2025, 12, 29),
    date(2026, 2, 16),
    date(2026, 3, 30),
    date(2026, 4, 6),
    date(2026, 5, 25),
}
YEAR_WEEKS = [
    d
    for d in (YEAR_START + timedelta(weeks=i) for i in range(46))
    if d not in HOLIDAY_WEEKS and d <= date(2026, 7, 13)
]
# Attendance profiles: (share of pupils, chance a session is missed, the codes missed as).
_PROFILES = [
    (0.76, 0.03, "IIIMNCO"),
    (0.20, 0.13, "IIINNOGMU"),
    (0.03, 0.55, "NNOOIIGU"),
    (0.01, 0.30, "bbbbbbI"),  # part-time timetable (C2, storage char b → raw C2 below)
]
_RAW = {"b": "C2"}


def _week_pool(rng: random.Random, absence: float, codes: str, size: int = 64) -> list[str]:
    pool = []
    for _ in range(size):
        tokens = []
        for session in range(10):
            if rng.random() < absence:
                tokens.append(_RAW.get(code := rng.choice(codes), code))
            elif rng.random() < 0.03:
                tokens.append("L")
            else:
                tokens.append("/" if session % 2 == 0 else "\\")
        pool.append("".join(tokens))
    return pool


def school_plan(pupils: int) -> list[tuple[str, str, str, int]]:
    """(urn, la_code, establishment_number, pupil count) for each bench school."""
    plan = []
    for index in range(0, pupils, PUPILS_PER_SCHOOL):
        count = min(PUPILS_PER_SCHOOL, pupils - index)
        n = index // PUPILS_PER_SCHOOL
        plan.append((f"97{n:04d}", "970", f"{3000 + n:04d}", count))
    return plan


def upn_for(school_index: int, serial: int) -> str:
    from pupils.upn import upn_make

    return upn_make(
        la_code="970", establishment_number=f"{3000 + school_index:04d}", year=25, serial=serial
    )


def generate_marks(path: Path, *, pupils: int, seed: int = 20250901) -> int:
    """Write a year's registers for `pupils` pupils (week format with urn); returns marks."""
    rng = random.Random(seed)
    pools = [(share, _week_pool(rng, absence, codes)) for share, absence, codes in _PROFILES]
    shares = [share for share, _ in pools]
    marks = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("urn,upn,week_start,marks\n")
        for school_index, (urn, _la, _estab, count) in enumerate(school_plan(pupils)):
            lines = []
            for serial in range(count):
                upn = upn_for(school_index, serial)
                pool = rng.choices(pools, weights=shares)[0][1]
                for monday in YEAR_WEEKS:
                    lines.append(f"{urn},{upn},{monday.isoformat()},{rng.choice(pool)}\n")
            marks += len(lines) * 10
            handle.writelines(lines)
    return marks


def ensure_schools_and_pupils(pupils: int) -> None:
    """The bench trust, its schools and pupils with enrolments (bulk inserts; idempotent)."""
    from pupils.models import Enrolment, Pupil
    from schools.models import Phase, School, Trust

    trust, _ = Trust.objects.get_or_create(name="Attendance Bench Trust")
    for school_index, (urn, la, estab, count) in enumerate(school_plan(pupils)):
        school, _ = School.objects.get_or_create(
            urn=urn,
            defaults={
                "trust": trust,
                "la_code": la,
                "establishment_number": estab,
                "name": f"Bench School {school_index + 1}",
                "phase": Phase.SECONDARY,
            },
        )
        have = Enrolment.objects.filter(school=school).count()
        if have >= count:
            continue
        new = [
            Pupil(
                upn=upn_for(school_index, serial),
                legal_forename="Bench",
                legal_surname=f"Pupil {school_index}-{serial}",
                date_of_birth=date(2012, 1, 1),
                year_group="9",
            )
            for serial in range(have, count)
        ]
        Pupil.objects.bulk_create(new, batch_size=2000)
        Enrolment.objects.bulk_create(
            [Enrolment(pupil=p, school=school, start_date=date(2024, 9, 2)) for p in new],
            batch_size=2000,
        )


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Sample this process's resident memory every 20 ms; yields {'peak_mb': ...} after."""
    result = {"peak_mb": 0.0}
    page = os.sysconf("SC_PAGE_SIZE")
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with open("/proc/self/statm") as statm:
                rss = int(statm.read().split()[1]) * page / 1e6
            result["peak_mb"] = max(result["peak_mb"], rss)
            stop.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()


def _duckdb_scan_csv(path: Path) -> float:
    import duckdb

    started = time.perf_counter()
    db = duckdb.connect()
    db.execute(
        f"SELECT count(*), sum(length(marks)) FROM read_csv('{path}', header=true, quote='', "
        "escape='', columns={'urn': 'VARCHAR', 'upn': 'VARCHAR', 'week_start': 'DATE', "
        "'marks': 'VARCHAR'})"
    ).fetchall()
    db.close()
    return time.perf_counter() - started


def _duckdb_scan_parquet(files: list[Path]) -> float:
    import duckdb

    from attendance.measures import parquet_file_list

    started = time.perf_counter()
    db = duckdb.connect()
    db.execute(
        f"SELECT count(*), sum(length(marks)) FROM read_parquet({parquet_file_list(files)})"
    ).fetchall()
    db.close()
    return time.perf_counter() - started


def bench_attendance(*, pupils: int, workdir: Path) -> list[dict[str, Any]]:
    """Import, trust-wide measures and one pupil's panel at `pupils` pupils (Django set up)."""
    from django.conf import settings
    from django.test import Client

    from attendance import columnar
    from attendance.measures import Period, pupil_measures
    from attendance.services import attendance_import
    from schools.models import School

    workdir.mkdir(parents=True, exist_ok=True)
    settings.CAIRN_ATTENDANCE_STORE_DIR = workdir / "columnar"
    data = workdir / f"attendance-{pupils}.csv"
    if not data.exists():
        generate_marks(data, pupils=pupils)
    ensure_schools_and_pupils(pupils)
    rows: list[dict[str, Any]] = []

    with peak_rss() as memory:
        started = time.perf_counter()
        result = attendance_import(actor=None, path=data)
        import_seconds = time.perf_counter() - started
        school_ids = result.school_ids
        started = time.perf_counter()
        files = list(columnar.ensure_current(school_ids=school_ids).values())
        columnar_seconds = time.perf_counter() - started
    marks = result.batch.marks_read
    scan = _duckdb_scan_csv(data)
    rows.append(
        {
            "what": "attendance import (parse, check, write week rows)",
            "scale": pupils,
            "throughput": round(marks / import_seconds),
            "unit": "marks/s",
            "seconds": round(import_seconds, 2),
            "peak_mb": round(memory["peak_mb"], 1),
            "reference_what": "DuckDB scan of the same CSV",
            "reference_seconds": round(scan, 3),
            "ratio": round(import_seconds / scan, 1),
            "marks": marks,
            "summary": result.summary,
            "columnar_copy_seconds": round(columnar_seconds, 2),
        }
    )

    period = Period.academic_year(YEAR_START)
    with peak_rss() as memory:
        started = time.perf_counter()
        measures = pupil_measures(files=files, period=period)
        measure_seconds = time.perf_counter() - started
    scan = _duckdb_scan_parquet(files)
    rows.append(
        {
            "what": "trust-wide attendance measures (every pupil, full year)",
            "scale": pupils,
            "seconds": round(measure_seconds, 2),
            "unit": "s",
            "peak_mb": round(memory["peak_mb"], 1),
            "reference_what": "DuckDB bare scan of the Parquet copy",
            "reference_seconds": round(scan, 3),
            "ratio": round(measure_seconds / scan, 1),
            "pupils_measured": len(measures),
            "persistent": sum(m.persistent for m in measures),
            "severe": sum(m.severe for m in measures),
        }
    )

    rows.append(_panel_row(pupils, School.objects.get(urn=school_plan(pupils)[0][0]), Client))
    return rows


def _panel_row(pupils: int, school: Any, client_class: Any) -> dict[str, Any]:
    from django.conf import settings
    from django.test import override_settings
    from django.urls import reverse

    from accounts.models import User
    from conftest import signed_in_client
    from pupils.models import Pupil
    from schools.models import Membership, Role

    user = User.objects.filter(email="attendance-bench-dsl@bench.example").first()
    if user is None:
        user = User.objects.create_user(
            email="attendance-bench-dsl@bench.example", password=None, full_name="Bench DSL"
        )
    membership = Membership.objects.filter(user=user, school=school, role=Role.DSL).first()
    if membership is None:
        membership = Membership.objects.create(user=user, school=school, role=Role.DSL)
    pupil_ids = list(
        Pupil.objects.filter(enrolments__school=school).values_list("pk", flat=True)[:50]
    )
    query = "?period=year&as_of=2026-07-17"
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = signed_in_client(membership, client_class())
        client.get(f"/attendance/pupils/{pupil_ids[0]}/{query}", secure=True)  # warm up
        times = []
        for pupil_id in pupil_ids:
            started = time.perf_counter()
            response = client.get(f"/attendance/pupils/{pupil_id}/{query}", secure=True)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        reference = []
        for _ in range(20):
            started = time.perf_counter()
            client.get(reverse("schools:home"), secure=True)
            reference.append((time.perf_counter() - started) * 1000)
    times.sort()
    reference.sort()
    p50 = times[len(times) // 2]
    ref = reference[len(reference) // 2]
    return {
        "what": "pupil attendance panel page (audited read, SVG, DuckDB over Parquet)",
        "scale": pupils,
        "ms_p50": round(p50, 1),
        "ms_p95": round(times[int(len(times) * 0.95)], 1),
        "unit": "ms",
        "reference_what": "the DSL home page through the same client",
        "reference_ms": round(ref, 1),
        "ratio": round(p50 / ref, 1) if ref else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=40_000)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-attendance"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.workdir.resolve() / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CAIRN_DEBUG", "0")
    os.environ.setdefault("CAIRN_HTTPS", "0")
    os.environ.setdefault("CAIRN_MANIFEST_STATIC", "0")
    os.environ.setdefault("CAIRN_SECRET_KEY", "bench-only-key-" + "k" * 50)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    call_command("migrate", verbosity=0)
    for row in bench_attendance(pupils=args.pupils, workdir=args.workdir):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
