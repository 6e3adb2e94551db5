# ruff: noqa: S608 (SQL over files this benchmark writes itself)
"""The trust dashboard's aggregates and the governors' PDF at trust scale.

    .venv/bin/python -m bench.analytics --pupils 40000 --years 5 --workdir var/bench-analytics

`bench_dashboard(pupils=..., years=..., workdir=...)` is what the bench harness calls (Django
configured already); run as a script it configures Django on a fresh SQLite database in
`workdir` unless DATABASE_URL says otherwise. It builds the attendance bench's trust (schools
of 1,000 pupils, a year of registers through the attendance importer), adds `years` of
safeguarding records written straight to the tables in bulk (concerns with categories and
subjects, decisions, actions, Operation Encompass notifications), then measures:

- the trust dashboard's aggregate computation (`analytics.engine.compute` over every school)
  for the autumn term 2025 and for the whole `years`, beside DuckDB merely scanning the same
  extracted rows and Parquet files;
- the governors' PDF of one school for the autumn term (dashboard + PDF), beside the same scan
  of that school's data.

Rows are dicts {what, scale, value, unit, reference_what, reference_value, peak_mb}.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

CONCERNS_PER_SCHOOL_YEAR = 300
SEED = 20260901


def _decide_and_act(*, concerns: list[Any], dsl: Any, rng: random.Random) -> None:
    """Decisions on most concerns (time to decide: exponential, mean 30 hours), and actions on
    half of the decided ones, most of them completed."""
    from concerns.models import Action, ActionCompletion, Decision, Outcome

    outcomes = [
        (Outcome.NO_FURTHER_ACTION, 0.30),
        (Outcome.MONITOR, 0.40),
        (Outcome.EARLY_HELP, 0.15),
        (Outcome.SOCIAL_CARE, 0.12),
        (Outcome.POLICE, 0.03),
    ]
    decisions, actions = [], []
    for concern in concerns:
        if rng.random() < 0.08:
            continue  # waiting for a decision
        outcome = rng.choices([o for o, _ in outcomes], [w for _, w in outcomes])[0]
        decided = concern.written_at + timedelta(hours=rng.expovariate(1 / 30))
        decisions.append(
            Decision(
                concern=concern,
                outcome=outcome,
                rationale="Synthetic rationale.",
                review_date=(decided + timedelta(days=28)).date()
                if outcome == Outcome.MONITOR
                else None,
                decided_by_name="Bench DSL",
                decided_at=decided,
                written_at=decided,
            )
        )
        if rng.random() < 0.5:
            actions.append(
                Action(
                    concern=concern,
                    description="Synthetic action.",
                    assigned_to=dsl,
                    due_on=(decided + timedelta(days=14)).date(),
                    created_by=dsl,
                    created_at=decided,
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=2000)
    Action.objects.bulk_create(actions, batch_size=2000)
    ActionCompletion.objects.bulk_create(
        [
            ActionCompletion(
                action=a,
                note="Done.",
                completed_by=dsl,
                completed_at=a.created_at + timedelta(days=rng.randrange(1, 20)),
            )
            for a in actions
            if rng.random() < 0.85
        ],
        batch_size=2000,
    )


def _ensure_records(*, schools: list[Any], years: int, seed: int = SEED) -> int:
    """`years` of safeguarding records for every bench school, ending July 2026 (idempotent)."""
    from django.db import transaction
    from django.utils import timezone

    from concerns import services as concern_services
    from concerns.models import (
        ChildPresent,
        Concern,
        ConcernPupil,
        ConcernVersion,
        EncompassNotification,
        Part,
    )
    from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
    from pupils.models import Enrolment, Pupil
    from schools.models import Membership, Role

    if Concern.objects.filter(source_system="bench-analytics").exists():
        return Concern.objects.filter(source_system="bench-analytics").count()
    rng = random.Random(seed)
    zone = timezone.get_current_timezone()
    first_day = date(2026, 7, 31) - timedelta(days=365 * years)
    span = (date(2026, 7, 31) - first_day).days
    made = 0
    for school in schools:
        with transaction.atomic():
            concern_services.categories_ensure(school=school)
            categories = list(school.concern_categories.all())
            weights = [6 if c.code == "neglect" else 1 for c in categories]
            from accounts.models import User

            user, _ = User.objects.get_or_create(
                email=f"analytics-bench-dsl-{school.urn}@bench.example",
                defaults={"full_name": "Bench DSL"},
            )
            dsl, _ = Membership.objects.get_or_create(user=user, school=school, role=Role.DSL)
            pupil_ids = list(
                Enrolment.objects.filter(school=school).values_list("pupil_id", flat=True)
            )
            disadvantaged = rng.sample(pupil_ids, len(pupil_ids) // 4)
            for start in range(0, len(disadvantaged), 500):
                Pupil.objects.filter(pk__in=disadvantaged[start : start + 500]).update(
                    disadvantaged=True
                )
            # A quarter of pupils are the subject of concerns, some of them often.
            cohort = rng.sample(pupil_ids, len(pupil_ids) // 4)
            count = CONCERNS_PER_SCHOOL_YEAR * years
            concerns, parts, versions, chosen = [], [], [], []
            for _ in range(count):
                day = first_day + timedelta(days=rng.randrange(span))
                occurred = datetime(
                    day.year,
                    day.month,
                    day.day,
                    8 + rng.randrange(8),
                    rng.randrange(60),
                    tzinfo=zone,
                )
                written = occurred + timedelta(minutes=10 + rng.randrange(600))
                concern = Concern(
                    school=school,
                    author_name="Bench teacher",
                    occurred_at=occurred,
                    written_at=written,
                    source_system="bench-analytics",
                )
                concerns.append(concern)
                parts.append(
                    ConcernPupil(concern=concern, pupil_id=rng.choice(cohort), part=Part.SUBJECT)
                )
                versions.append(
                    ConcernVersion(
                        concern=concern, number=1, facts="Synthetic.", written_at=written
                    )
                )
                picks = {
                    id(c): c for c in rng.choices(categories, weights, k=rng.choice((1, 1, 2)))
                }
                chosen.append(list(picks.values()))
            Concern.objects.bulk_create(concerns, batch_size=2000)
            ConcernPupil.objects.bulk_create(parts, batch_size=2000)
            ConcernVersion.objects.bulk_create(versions, batch_size=2000)
            through = ConcernVersion.categories.through
            through.objects.bulk_create(
                [
                    through(concernversion_id=v.pk, category_id=c.pk)
                    for v, cats in zip(versions, chosen, strict=True)
                    for c in cats
                ],
                batch_size=5000,
            )
            _decide_and_act(concerns=concerns, dsl=dsl, rng=rng)
            # Factors known about some of those children's households (CIN codes), a few
            # of them withdrawn later.
            factors = [
                KnownFactor(
                    school=school,
                    pupil_id=pupil_id,
                    code=rng.choice(("3B", "3B", "4B", "4B", "1B", "2B", "3A", "4C")),
                    source=FactorSource.ASSESSMENT,
                    known_from=(day := first_day + timedelta(days=rng.randrange(span))),
                    recorded_by=dsl,
                    recorded_at=datetime(day.year, day.month, day.day, 16, tzinfo=zone),
                )
                for pupil_id in rng.sample(cohort, len(cohort) // 5)
            ]
            KnownFactor.objects.bulk_create(factors, batch_size=2000)
            KnownFactorWithdrawal.objects.bulk_create(
                [
                    KnownFactorWithdrawal(
                        factor=factor,
                        reason="Synthetic: no longer so.",
                        withdrawn_by=dsl,
                        withdrawn_at=factor.recorded_at + timedelta(days=90),
                    )
                    for factor in factors[::10]
                ]
            )
            for _ in range(10 * years):
                day = first_day + timedelta(days=rng.randrange(span))
                moment = datetime(day.year, day.month, day.day, 22, tzinfo=zone)
                notification = EncompassNotification.objects.create(
                    school=school,
                    police_reference=f"BENCH-{rng.randrange(10**8)}",
                    occurred_at=moment,
                    received_at=moment + timedelta(hours=9),
                    child_present=ChildPresent.NOT_KNOWN,
                    welfare_check_on=day + timedelta(days=1),
                    recorded_by=dsl,
                    recorded_at=moment + timedelta(hours=10),
                )
                EncompassNotification.pupils.through.objects.create(
                    encompassnotification=notification, pupil_id=rng.choice(cohort)
                )
            made += count
    return made


def _bare_scan(*, school_ids: list[Any], period: Any, files: list[Path]) -> float:
    """DuckDB reading the same rows the engine reads, once, with no measure: the floor."""
    import duckdb

    from analytics.engine.loading import _dump, _per_request
    from analytics.store import SOURCES
    from attendance.measures import parquet_file_list

    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        # The roll and category codes (read for each dashboard) and every append-only table
        # (the analytics copy), as TSV: the same rows the engine reads.
        for name, (queryset, columns) in _per_request(school_ids, period).items():
            _dump(directory / f"{name}.tsv", queryset, columns)
        for source in SOURCES:
            _dump(directory / f"{source.name}.tsv", source.rows(), source.columns)
        started = time.perf_counter()
        db = duckdb.connect()
        for path in sorted(directory.glob("*.tsv")):
            db.execute(
                f"SELECT count(*) FROM read_csv('{path}', delim='|', header=false, "
                "quote='', escape='', auto_detect=false, columns={'line': 'VARCHAR'})"
            ).fetchall()
        if files:
            db.execute(f"SELECT count(*) FROM read_parquet({parquet_file_list(files)})").fetchall()
        db.close()
        return time.perf_counter() - started


def _one_more_concern(school: Any, serial: int) -> None:
    """A concern written now, as the generator writes them (a subject, a version, neglect)."""
    from django.utils import timezone

    from concerns.models import Category, Concern, ConcernPupil, ConcernVersion, Part
    from pupils.models import Enrolment

    now = timezone.now()
    concern = Concern.objects.create(
        school=school,
        author_name="Bench teacher",
        occurred_at=now,
        written_at=now,
        source_system="bench-analytics-new",
    )
    pupils = Enrolment.objects.filter(school=school).values_list("pupil_id", flat=True)
    pupil_id = pupils[serial % pupils.count()]
    ConcernPupil.objects.create(concern=concern, pupil_id=pupil_id, part=Part.SUBJECT)
    version = ConcernVersion.objects.create(
        concern=concern, number=1, facts="Synthetic.", written_at=now
    )
    version.categories.add(Category.objects.get(school=school, code="neglect"))


def _pdf_row(
    *, school: Any, period: Any, today: date, files: list[Path], pupils: int, schools: int
) -> dict[str, Any]:
    """The governors' PDF of one school, from a cold start."""
    from django.conf import settings

    from analytics import store
    from analytics.charts import dashboard_charts
    from analytics.engine import compute
    from analytics.report import governors_pdf
    from analytics.selectors import Dashboard
    from analytics.tables import Policy, school_tables
    from bench.attendance import peak_rss

    autumn = period
    store.reset()
    with peak_rss() as memory:
        started = time.perf_counter()
        figures = compute(school_ids=[school.pk], period=autumn, today=today)
        policy = Policy(True, settings.CAIRN_ANALYTICS_SUPPRESS_BELOW)
        tables = school_tables(figures, figures.schools[school.pk], policy)
        dashboard = Dashboard(autumn, figures, policy, [school], tables, dashboard_charts(tables))
        pdf = governors_pdf(
            dashboard=dashboard,
            school_name=school.name,
            actions_text="Synthetic actions for governors.",
            exported_by="bench@bench.example",
        )
        seconds = time.perf_counter() - started
    school_files = [f for f in files if str(school.pk) in str(f)]
    reference = _bare_scan(school_ids=[school.pk], period=autumn, files=school_files)
    return {
        "what": "governors' PDF for one school (autumn term 2025, cold)",
        "scale": f"{len(pdf):,} bytes; school of {pupils // max(schools, 1)} pupils",
        "value": round(seconds, 3),
        "unit": "s",
        "reference_what": "DuckDB bare scan of the school's extracted rows and Parquet",
        "reference_value": round(reference, 3),
        "peak_mb": round(memory["peak_mb"], 1),
        "target": "< 10 s",
    }


def bench_dashboard(
    *, pupils: int = 40_000, years: int = 5, workdir: Path, attendance: bool = True
) -> list[dict[str, Any]]:
    """Build the trust (once) and measure the trust dashboard and the governors' PDF."""
    from django.conf import settings

    from analytics.engine import compute
    from analytics.periods import Period, term_containing
    from analytics.tables import Policy, combine, school_tables
    from attendance import columnar
    from attendance.services import attendance_import
    from bench.attendance import ensure_schools_and_pupils, generate_marks, peak_rss, school_plan
    from schools.models import School

    workdir.mkdir(parents=True, exist_ok=True)
    settings.CAIRN_ATTENDANCE_STORE_DIR = workdir / "columnar"
    ensure_schools_and_pupils(pupils)
    schools = list(School.objects.filter(urn__in=[p[0] for p in school_plan(pupils)]))
    school_ids = [s.pk for s in schools]
    if attendance and not columnar._tokens(school_ids):
        data = workdir / f"attendance-{pupils}.csv"
        if not data.exists():
            generate_marks(data, pupils=pupils)
        attendance_import(actor=None, path=data)
    concerns = _ensure_records(schools=schools, years=years)
    files = list(columnar.ensure_current(school_ids=school_ids).values())
    today = date(2026, 7, 31)
    autumn = term_containing(date(2025, 10, 1))
    whole = Period(today - timedelta(days=365 * years), today, f"{years} years")
    scale = f"{pupils} pupils, {len(schools)} schools, {concerns} concerns over {years} years"
    rows: list[dict[str, Any]] = []

    from analytics import store

    states = (
        ("cold: a new process reads every table whole", 1),
        ("after a new concern: the copy reads the new rows", 3),
        ("warm: nothing new since the last view", 3),
    )
    added = 0
    for label, period in (("autumn term 2025", autumn), (f"all {years} years", whole)):
        reference = _bare_scan(school_ids=school_ids, period=period, files=files)
        for state, runs in states:
            if state.startswith("cold"):
                store.reset()
            times = []
            with peak_rss() as memory:
                for _ in range(runs):
                    if state.startswith("after"):
                        _one_more_concern(schools[added % len(schools)], added)
                        added += 1
                    started = time.perf_counter()
                    figures = compute(
                        school_ids=school_ids, period=period, today=today, attendance_files=files
                    )
                    school_tables(figures, combine(figures), Policy(True, 5))
                    times.append(time.perf_counter() - started)
            rows.append(
                {
                    "what": f"trust dashboard aggregates ({label}, {state})",
                    "scale": scale,
                    "value": round(sorted(times)[len(times) // 2], 3),
                    "unit": "s" if runs == 1 else f"s (median of {runs})",
                    "reference_what": "DuckDB bare scan of the same rows (as TSV) and Parquet",
                    "reference_value": round(reference, 3),
                    "peak_mb": round(memory["peak_mb"], 1),
                    "target": "< 1 s",
                }
            )

    rows.append(
        _pdf_row(
            school=schools[0],
            period=autumn,
            today=today,
            files=files,
            pupils=pupils,
            schools=len(schools),
        )
    )
    return rows


def page_rows(*, database_url: str, workdir: Path, years: int) -> list[dict[str, Any]]:
    """The trust dashboard page itself for a trust lead, through gunicorn (one worker, so one
    copy): the first view after the server starts, a view after each of three new concerns,
    and repeat views. Sequential: one person looking at their dashboard."""
    from accounts.models import User
    from bench.attendance import school_plan
    from bench.server import request_once, running_server
    from bench.suite import signed_in_cookie
    from schools.models import Membership, Role, School

    schools = list(School.objects.filter(urn__in=[p[0] for p in school_plan(40_000)]))
    trust = schools[0].trust
    assert trust is not None
    user, _ = User.objects.get_or_create(
        email="analytics-bench-lead@bench.example", defaults={"full_name": "Bench trust lead"}
    )
    Membership.objects.get_or_create(user=user, trust=trust, role=Role.TRUST_LEAD)
    headers = {"Cookie": signed_in_cookie(user.email), "Host": "127.0.0.1"}
    start = date(2026, 7, 31) - timedelta(days=365 * years)
    pages = {
        "autumn term 2025": "/analytics/trust/?term=2025-autumn",
        f"all {years} years": f"/analytics/trust/?start={start}&end=2026-07-31",
    }
    rows: list[dict[str, Any]] = []

    def view(path: str) -> float:
        started = time.perf_counter()
        status, body = request_once(server.host, "GET", path, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or b"side by side" not in body:
            raise RuntimeError(f"trust dashboard {path}: HTTP {status}")
        return elapsed

    env = {"CAIRN_ATTENDANCE_STORE_DIR": str((workdir / "columnar").resolve())}
    with running_server(database_url, workers=1, extra_env=env) as server:
        reference = sorted(
            _timed(lambda: request_once(server.host, "GET", "/health/")) for _ in range(20)
        )[10]
        first = view(pages["autumn term 2025"])
        rows.append(
            {
                "what": "trust dashboard page (autumn term 2025), first view after the server "
                "starts (the worker reads its copy in the background as it starts)",
                "value": round(first),
                "unit": "ms",
                "reference_what": "GET /health/ p50 ms",
                "reference_value": round(reference, 1),
                "peak_mb": server.peak_mb(),
                "target": "< 1 s",
            }
        )
        added = 1000
        for label, path in pages.items():
            for state, runs in (("after a new concern", 3), ("repeat view", 5)):
                times = []
                for _ in range(runs):
                    if state == "after a new concern":
                        _one_more_concern(schools[added % len(schools)], added)
                        added += 1
                    times.append(view(path))
                times.sort()
                rows.append(
                    {
                        "what": f"trust dashboard page ({label}), {state}",
                        "value": round(times[len(times) // 2]),
                        "unit": f"ms (median of {runs})",
                        "reference_what": "GET /health/ p50 ms",
                        "reference_value": round(reference, 1),
                        "peak_mb": server.peak_mb(),
                        "target": "< 1 s",
                    }
                )
    return rows


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=40_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-analytics"))
    parser.add_argument("--no-attendance", action="store_true")
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
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for row in bench_dashboard(
        pupils=args.pupils,
        years=args.years,
        workdir=args.workdir,
        attendance=not args.no_attendance,
    ):
        print(json.dumps(row), flush=True)
    for row in page_rows(
        database_url=os.environ["DATABASE_URL"], workdir=args.workdir, years=args.years
    ):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
