"""Open a 1,000-entry chronology (issue 16: one client p95 < 300 ms), in-process.

    python -m bench.chronology --database-url sqlite:///bench/data/pages.sqlite3 --entries 1000
    python -m bench.chronology --database-url URL --http [--code-dir OLD_CHECKOUT]

The database is the demo trust (`seed_demo`, as the pages and recording benches make it). One
Brookside child is given concerns through Cairn's own services (each with the DSL's decision and
every third with an action), until their chronology holds at least `--entries` entries besides
what the demo already gave them (attendance, voice, findings). A second run finds them there and
adds nothing. The page is then opened by the DSL through the Django test client with the whole
middleware stack: each request's time and queries, with the entry count, as JSON on stdout.
With `--http`, the same page is also fetched through gunicorn (this checkout, or `--code-dir`)
from one client (`--requests`) and from 20 at once (three times as many), as bench.front_sheet
does.
"""

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from typing import Any

from bench.common import median, percentile

DSL = "dsl@brookside.example"
TEACHER = "teacher@brookside.example"

_FACTS = (
    "Arrived without a coat again and said there was no food at home this morning.",
    "Said an older cousin shouts and throws things when the adults are out.",
    "Fell asleep in the first lesson; said they were up late looking after a younger sister.",
    "Bruise on the left forearm; said they fell off a bike at the weekend.",
    "Was not collected at the end of the day until 4.45 pm; no answer on either number.",
)


def _child() -> Any:
    """The Brookside child the bench gives a long record: the same one each run."""
    from pupils.models import Pupil
    from schools.models import Membership

    school_id = Membership.objects.get(user__email=DSL, is_active=True).school_id
    assert school_id is not None
    return (
        Pupil.objects.filter(enrolments__school_id=school_id, enrolments__end_date__isnull=True)
        .order_by("legal_surname", "legal_forename", "pk")
        .first()
    )


def entry_count(viewer: Any, pupil: Any) -> int:
    from chronology.selectors import ChronologyFilters, chronology_for

    chronology = chronology_for(viewer=viewer, pupils=[pupil], filters=ChronologyFilters())
    return len(chronology.entries)


def grow(*, pupil: Any, entries: int, seed: int = 16) -> int:
    """Record concerns, decisions and actions about `pupil` until the chronology holds at least
    `entries`; returns how many concerns were recorded."""
    from django.utils import timezone

    from concerns.models import Outcome, Part
    from concerns.services.concerns import ChildPart, ConcernInput, concern_record
    from concerns.services.decisions import DecisionInput, action_assign, decision_record
    from schools.models import Membership

    dsl = Membership.objects.get(user__email=DSL, is_active=True)
    teacher = Membership.objects.get(user__email=TEACHER, is_active=True)
    have = entry_count(dsl, pupil)
    rng = random.Random(seed)
    start = timezone.now() - timedelta(days=3 * 365)
    recorded = 0
    while have < entries:
        # Each concern adds its entry, the decision's and (every third) an action's.
        for _ in range(min(100, max(1, (entries - have) // 2))):
            occurred = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            concern = concern_record(
                actor=teacher,
                data=ConcernInput(
                    children=[ChildPart(pupil=pupil, part=Part.SUBJECT)],
                    occurred_at=occurred,
                    facts=rng.choice(_FACTS),
                ),
            )
            decision_record(
                actor=dsl,
                concern=concern,
                data=DecisionInput(
                    outcome=Outcome.MONITOR,
                    rationale="Keep watching; speak to the family at pick-up.",
                    review_date=timezone.localdate() + timedelta(days=14),
                ),
            )
            if recorded % 3 == 0:
                action_assign(
                    actor=dsl,
                    concern=concern,
                    assignee=dsl,
                    description="Phone home and note what is said.",
                    due_on=timezone.localdate() + timedelta(days=7),
                )
            recorded += 1
        have = entry_count(dsl, pupil)
    return recorded


def measure(*, pupil: Any, requests: int) -> dict[str, Any]:
    from django.urls import reverse

    return measure_url(reverse("chronology:pupil", args=[pupil.pk]), requests=requests)


def measure_url(url: str, *, requests: int, email: str = DSL) -> dict[str, Any]:
    """GET `url` signed in as `email`, in-process through the whole middleware stack, once to
    warm up and then `requests` times: times, the last request's queries and its size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.suite import signed_in_cookie

    client = Client(HTTP_HOST="127.0.0.1")
    for part in signed_in_cookie(email).split(";"):
        name, value = part.strip().split("=", 1)
        client.cookies[name] = value
    first = client.get(url)  # warm: templates compiled, caches filled
    if first.status_code != 200:
        raise SystemExit(f"GET {url} answered {first.status_code}")
    times: list[float] = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
        assert response.status_code == 200
    return {
        "requests": requests,
        "p50_ms": round(median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
        "bytes": len(response.content),
    }


def main() -> None:
    from bench.recording import _django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--http", action="store_true", help="also through gunicorn, 1 and 20")
    parser.add_argument("--code-dir", help="gunicorn serves this checkout (the code before)")
    args = parser.parse_args()
    _django(args.database_url)
    from schools.models import Membership

    pupil = _child()
    recorded = grow(pupil=pupil, entries=args.entries)
    dsl = Membership.objects.get(user__email=DSL, is_active=True)
    result = {
        "database": args.database_url.split(":", 1)[0],
        "entries": entry_count(dsl, pupil),
        "concerns_recorded_now": recorded,
        **measure(pupil=pupil, requests=args.requests),
    }
    if args.http:
        result.update(_through_gunicorn(args, pupil))
    json.dump(result, sys.stdout)
    print()


def _through_gunicorn(args: argparse.Namespace, pupil: Any) -> dict[str, Any]:
    """The chronology from one client and from 20 through gunicorn, after a warm-up."""
    from pathlib import Path

    from django.urls import reverse

    from bench.common import ROOT
    from bench.pages import measure as measure_http
    from bench.server import running_server
    from bench.suite import signed_in_cookie

    path = reverse("chronology:pupil", args=[pupil.pk])
    headers = {"Host": "127.0.0.1", "Cookie": signed_in_cookie(DSL)}
    code = Path(args.code_dir).resolve() if args.code_dir else ROOT
    load = {"one": args.requests, "many": 3 * args.requests, "clients": 20, "max_seconds": 60.0}
    with running_server(args.database_url, cwd=code) as server:
        measure_http(server.host, path, headers, one=3, many=3, clients=3, max_seconds=10)
        one, twenty = measure_http(server.host, path, headers, **load)
    return {"http_one": one, "http_twenty": twenty}


if __name__ == "__main__":
    main()
