"""Open a child's front sheet (issue 16: one client p95 < 150 ms, 20 clients p95 < 600 ms).

    python -m bench.front_sheet --database-url sqlite:///bench/data/pages.sqlite3 [--http]

The database is the demo trust (`seed_demo`). Two Brookside children: the one named in the most
concerns in the demo (besides the next), and the child `bench.chronology` gives a 1,000-entry
record (when it has been run: a front sheet with hundreds of concerns). Each page is opened by
the DSL in-process through the whole middleware stack (times and queries), and with `--http`
through gunicorn (this checkout, or `--code-dir`) from one client and from 20 at once, beside
GET /health/. JSON on stdout.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.chronology import DSL, _child, measure_url
from bench.common import ROOT


def _busiest() -> Any:
    from django.db.models import Count

    from concerns.models import ConcernPupil
    from pupils.models import Pupil
    from schools.models import Membership

    school_id = Membership.objects.get(user__email=DSL, is_active=True).school_id
    assert school_id is not None
    row = (
        ConcernPupil.objects.filter(concern__school_id=school_id)
        .exclude(pupil=_child())
        .values("pupil_id")
        .annotate(n=Count("concern_id"))
        .order_by("-n", "pupil_id")
        .first()
    )
    assert row is not None, "the demo has no concerns: run seed_demo"
    return Pupil.objects.get(pk=row["pupil_id"])


def main() -> None:
    from bench.recording import _django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--http", action="store_true", help="also through gunicorn, 1 and 20")
    parser.add_argument("--code-dir", help="gunicorn serves this checkout (the code before)")
    args = parser.parse_args()
    _django(args.database_url)
    from django.urls import reverse

    children = {"busiest in the demo": _busiest(), "the 1,000-entry child": _child()}
    paths = {label: reverse("pupils:detail", args=[p.pk]) for label, p in children.items()}
    result: dict[str, Any] = {"database": args.database_url.split(":", 1)[0]}
    for label, path in paths.items():
        result[label] = {"in_process": measure_url(path, requests=args.requests)}
    if args.http:
        from bench.pages import measure
        from bench.server import running_server
        from bench.suite import signed_in_cookie

        headers = {"Host": "127.0.0.1", "Cookie": signed_in_cookie(DSL)}
        code = Path(args.code_dir).resolve() if args.code_dir else ROOT
        with running_server(args.database_url, cwd=code) as server:
            for path in [*paths.values(), *paths.values()]:  # the first round warms up
                measure(server.host, path, headers, one=3, many=3, clients=3, max_seconds=10)
            health = measure(server.host, "/health/", {"Host": "127.0.0.1"}, **_load(args.requests))
            result["health"] = {"one": health[0], "twenty": health[1]}
            for label, path in paths.items():
                one, twenty = measure(server.host, path, headers, **_load(args.requests))
                result[label].update(one=one, twenty=twenty)
    json.dump(result, sys.stdout, indent=1)
    print()


def _load(requests: int) -> dict[str, Any]:
    return {"one": requests, "many": 3 * requests, "clients": 20, "max_seconds": 30.0}


if __name__ == "__main__":
    main()
