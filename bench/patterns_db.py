"""The incremental run after recording a concern, through the real services on a real database.

    python -m bench.patterns_db [--database-url URL] [--concerns 200] [--seed 7] [--json]

A fresh database (SQLite in bench/data unless --database-url names another, which must be empty
and migrated) gets a generated trust of two schools with a year of records: the demo seeders'
pupils, households, registers, voice, concerns, decisions and actions (about 600 children,
220,000 register marks, 400 concerns). Then, `--concerns` times, a member of staff records a
concern about a child through `concerns.services.concern_record`; the incremental run that
follows its commit (`patterns.services.findings_refresh_for_children` over the database loader)
is timed, beside a reference measured on the same child in the same loop: building that child's
and their households' facts only (`patterns.db_loader.DatabaseFacts`), with no detector and no
write. Issue 8's target: p95 under 50 ms.
"""

import argparse
import json
import os
import random
import time
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import DATA, Row, median, percentile, write_results


def _database(url: str | None) -> str:
    if url:
        return url
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "bench-patterns-db.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:  # noqa: PLR0915 (one readable script: set up, loop, report)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--concerns", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = _database(args.database_url)
    os.environ["CAIRN_ATTENDANCE_STORE_DIR"] = str(DATA / "bench-patterns-attendance")
    # The DSL team's alert emails go nowhere (no mail server here); they are not what is timed.
    os.environ["CAIRN_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    from bench.suite import _django

    _django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from background.testing import run_pending_tasks
    from concerns import services as concern_services
    from concerns.models import Category, Part
    from patterns import services as pattern_services
    from patterns.db_loader import DatabaseFacts
    from pupils.models import Enrolment
    from schools.demo import DemoWorld
    from schools.models import Membership, Role

    if url.startswith("sqlite"):
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    settings.CAIRN_PATTERNS_INCREMENTAL = False  # the generated year is a bulk load
    world = DemoWorld.new()
    with transaction.atomic():
        for dotted in settings.DEMO_SEEDERS:
            if dotted != "patterns.demo.seed":
                import_string(dotted)(world)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    import_string("patterns.demo.seed")(world)
    batch_s = time.perf_counter() - started
    settings.CAIRN_PATTERNS_INCREMENTAL = True

    school = world.schools["primary"]
    staff = list(Membership.objects.filter(school=school, role=Role.STAFF, is_active=True))
    staff = staff or list(Membership.objects.filter(school=school, is_active=True))
    children = list(
        Enrolment.objects.filter(school=school, end_date__isnull=True).values_list(
            "pupil", flat=True
        )
    )
    from pupils.models import Pupil

    pupils = {p.pk: p for p in Pupil.objects.filter(pk__in=children)}
    neglect = list(Category.objects.filter(school=school, code="neglect"))
    rng = random.Random(args.seed)

    timed: list[float] = []
    real_refresh = pattern_services.findings_refresh_changed

    def timed_refresh(*, pupil_ids: Collection[str], on_stored: Any = None) -> Any:
        begun = time.perf_counter()
        summary = real_refresh(pupil_ids=pupil_ids, on_stored=on_stored)
        timed.append((time.perf_counter() - begun) * 1000)
        return summary

    pattern_services.findings_refresh_changed = timed_refresh
    saves: list[float] = []
    reference: list[float] = []
    for n in range(args.concerns):
        child = pupils[rng.choice(children)]
        author = rng.choice(staff)
        begun = time.perf_counter()
        with transaction.atomic():
            concern_services.concern_record(
                actor=author,
                data=concern_services.ConcernInput(
                    children=[concern_services.ChildPart(pupil=child, part=Part.SUBJECT)],
                    occurred_at=timezone.now() - timedelta(minutes=30),
                    facts=f"Benchmark concern {n}: came in hungry and without a coat.",
                    categories=neglect,
                ),
            )
        saves.append((time.perf_counter() - begun) * 1000)
        run_pending_tasks()  # the worker's findings refresh (and e-mail), timed above
        begun = time.perf_counter()
        facts = DatabaseFacts(as_of=timezone.localdate())
        (loaded,) = facts.load_pupils([str(child.pk)], timezone.localdate())
        facts.load_households(loaded.household_ids, timezone.localdate())
        reference.append((time.perf_counter() - begun) * 1000)
    pattern_services.findings_refresh_changed = real_refresh
    assert len(timed) == args.concerns, "every concern queued the incremental refresh"

    database = "postgresql" if url.startswith("postgres") else "sqlite"
    rows = [
        Row(
            what="patterns: incremental run after a concern",
            scale=f"{len(world.schools)} schools, {len(children)} on roll",
            database=database,
            value=median(timed),
            unit="ms p50",
            p95=percentile(timed, 95),
            reference_what="build the child's and household's facts only (p50)",
            reference_value=median(reference),
            target="p95 < 50 ms",
            extra={
                "reference_p95_ms": percentile(reference, 95),
                "concern_save_ms_p50": median(saves),
                "concerns": args.concerns,
                "generate_seconds": round(generate_s, 1),
                "batch_seconds": round(batch_s, 2),
            },
        )
    ]
    path = write_results("patterns-db", rows)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], default=str))
    else:
        print(rows[0].line())
        print(
            f"reference p95 {percentile(reference, 95):.1f} ms; the concern's own save p50 "
            f"{median(saves):.1f} ms; generating the year {generate_s:.1f} s; batch over both "
            f"schools {batch_s:.2f} s. Results: {path}"
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
