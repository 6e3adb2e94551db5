"""Every GET page of the demo, at one client and at 20, beside GET /health/ (issue 16, item 5).

    python -m bench.pages --db sqlite --fresh       # make bench-pages runs both databases
    python -m bench.pages --db postgresql
    python -m bench.pages --db sqlite --only 'concerns:record|pupils:detail'   # some pages only

The demo trust (`seed_demo`), served as the recording benchmark serves it (bench/recording.py):
gunicorn with `config/gunicorn.py` and one `run_worker` beside it. The pages are found, not
listed: every URL pattern in the resolver is a candidate; the pages without parameters are
fetched as the DSL and as a teacher, and the links on every page fetched are followed (three
levels), so a pattern with ids (a child's front sheet, a concern, a finding) is measured with
ids a person could click in the demo. A pattern no link reaches has its ids filled from the
demo's rows (the model its parameter names, at the DSL's school; for a child, the one with the
most concerns, so the front sheet and chronology are the demo's longest). Each page is measured
as the first persona it answered 200 for (the DSL, else the teacher). Skipped, with the reason in
the results: patterns answering no GET (405: forms' POST targets), patterns that answered
neither persona (403/404, e.g. a trust lead's page), and exports (not HTML) slower than 1 s.

Each page: `--one` requests from one client, then `--many` from 20 (at most `--max-seconds`
each), p50, p95 and requests per second; /health/ the same way at the start and at the end.
Results: bench/results/pages-<db>-<time>.json and a markdown table beside it (.md).
"""

import argparse
import json
import re
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from bench.common import RESULTS, ROOT, Row, write_results
from bench.server import load, running_server, server_env

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/cairn_bench_pages"
SQLITE_DEFAULT = ROOT / "bench" / "data" / "pages.sqlite3"
PERSONAS = {"DSL": "dsl@brookside.example", "teacher": "teacher@brookside.example"}
EXPORT_LIMIT_MS = 1000.0
CRAWL_DEPTH = 3
TRIES_PER_ROUTE = 3
HREF = re.compile(r"""href\s*=\s*["']([^"'#]+)""")


@dataclass
class Route:
    """One URL pattern of the resolver."""

    route: str  # "pupils/<uuid:pupil_id>/"
    name: str  # "pupils:detail"
    params: dict[str, str]  # parameter name -> converter ("uuid", "str", ...)


@dataclass
class Found:
    """What the crawl learnt about one route."""

    route: Route
    path: str = ""  # a path that answered 200
    persona: str = ""
    first_ms: float = 0.0
    content_type: str = ""
    statuses: dict[str, int] = field(default_factory=dict)  # "persona path" -> status
    tries: int = 0


def routes() -> list[Route]:
    """Every pattern in the URL resolver, with its namespaced name and parameters."""
    from django.urls import URLPattern, URLResolver, get_resolver

    converter = re.compile(r"<(?:(\w+):)?(\w+)>")

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                params = {name: conv or "str" for conv, name in converter.findall(route)}
                yield Route(route=route, name=f"{namespace}{pattern.name}", params=params)

    return list(walk(get_resolver().url_patterns, "", ""))


def links(html: str) -> list[str]:
    """The site's own paths linked from a page (no static files, no other hosts)."""
    found = []
    for href in HREF.findall(html):
        parts = urlsplit(unescape(href))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith("/static/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def route_of(path: str) -> str | None:
    """The pattern (as `Route.route`) a path resolves to, or None."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def filled(route: Route, school_id: Any) -> list[str]:
    """Paths for a pattern with ids, filled from the demo's rows: for each parameter named
    `<thing>_id`, rows of the model called <thing> (or ending so), at the DSL's school where the
    model has a school. Children: those with the most concerns first."""
    from django.apps import apps
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    values: dict[str, list[Any]] = {}
    for name, conv in route.params.items():
        if conv != "uuid" or not name.endswith("_id"):
            return []
        thing = name.removesuffix("_id").replace("_", "")
        models = [m for m in apps.get_models() if (m._meta.model_name or "").endswith(thing)]
        models.sort(key=lambda m: m._meta.model_name != thing)
        ids: list[Any] = []
        for model in models:
            rows = model._default_manager.all()
            fields = {f.name for f in model._meta.get_fields()}
            if "school" in fields:
                rows = rows.filter(school_id=school_id)
            if model._meta.label == "pupils.Pupil":
                rows = rows.filter(enrolments__school_id=school_id)
                rows = rows.annotate(n=Count("concern_parts")).order_by("-n")
            ids += list(rows.values_list("pk", flat=True)[:TRIES_PER_ROUTE])
        if not ids:
            return []
        values[name] = ids
    paths = []
    for i in range(TRIES_PER_ROUTE):
        kwargs = {name: ids[min(i, len(ids) - 1)] for name, ids in values.items()}
        try:
            paths.append(reverse(route.name, kwargs=kwargs))
        except NoReverseMatch:
            return paths
    return list(dict.fromkeys(paths))


def discover(
    host: str, headers: dict[str, dict[str, str]], school_id: Any, *, verbose: bool = False
) -> dict[str, Found]:
    """Crawl the demo as each persona from every page without parameters, then fill the
    patterns no link reached; every route's first 200 (path, persona, time, content type)."""
    found = {r.route: Found(route=r) for r in routes()}
    queue: deque[tuple[str, str, int]] = deque()
    seen: set[tuple[str, str]] = set()
    for persona in headers:
        for entry in found.values():
            if not entry.route.params:
                queue.append((persona, "/" + entry.route.route, 0))

    def fetch(persona: str, path: str, depth: int) -> None:
        key = route_of(path)
        if key is None or key not in found or (persona, path) in seen:
            return
        entry = found[key]
        if entry.path or entry.tries >= TRIES_PER_ROUTE * len(headers):
            return  # one page of each pattern is measured; a few tries to find one
        seen.add((persona, path))
        entry.tries += 1
        started = time.perf_counter()
        status, body, content_type = _get(host, path, headers[persona])
        elapsed = (time.perf_counter() - started) * 1000
        if verbose:
            print(f"  {persona:<8} {status} {elapsed:>7,.0f} ms {path}", file=sys.stderr)
        entry.statuses[f"{persona} {path}"] = status
        if status == 200 and not entry.path:
            entry.path, entry.persona = path, persona
            entry.first_ms, entry.content_type = elapsed, content_type
        if status == 200 and content_type.startswith("text/html") and depth < CRAWL_DEPTH:
            for link in links(body.decode("utf-8", "replace")):
                queue.append((persona, link, depth + 1))

    while queue:
        fetch(*queue.popleft())
    for entry in found.values():
        if entry.path or not entry.route.params:
            continue
        for path in filled(entry.route, school_id):
            for persona in headers:
                if not entry.path:
                    fetch(persona, path, CRAWL_DEPTH)
    return found


def _get(host: str, path: str, headers: dict[str, str]) -> tuple[int, bytes, str]:
    import http.client

    conn = http.client.HTTPConnection(host, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        conn.close()


def skipped_reason(entry: Found) -> str:
    """Why a route is not measured, in plain words, or "" when it is."""
    if entry.path:
        export = not entry.content_type.startswith("text/html")
        if export and entry.first_ms > EXPORT_LIMIT_MS:
            return f"an export taking {entry.first_ms:,.0f} ms (over 1 s): not measured"
        return ""
    codes = sorted(set(entry.statuses.values()))
    if not codes:
        return "no link to it in the demo and no demo rows to fill its parameters"
    if codes == [405]:
        return "answers no GET (a form's POST target)"
    return "answered " + ", ".join(str(c) for c in codes) + " for the DSL and the teacher"


@dataclass
class Measured:
    route: str
    name: str
    path: str
    persona: str
    content_type: str
    one: dict[str, float]
    many: dict[str, float]


def _figures(result: Any) -> dict[str, float]:
    return {
        "p50": round(result.p50, 1),
        "p95": round(result.p95, 1),
        "per_s": round(result.throughput, 1),
        "requests": len(result.latencies_ms),
        "errors": len(result.errors),
    }


def measure(
    host: str,
    path: str,
    headers: dict[str, str],
    *,
    one: int,
    many: int,
    clients: int,
    max_seconds: float,
) -> tuple[dict[str, float], dict[str, float]]:
    def get(i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", path, None, headers

    single = load(host, get, clients=1, requests=one, max_seconds=max_seconds)
    crowd = load(host, get, clients=clients, requests=many, max_seconds=max_seconds)
    return _figures(single), _figures(crowd)


def markdown(
    db: str,
    measured: list[Measured],
    health: list[dict[str, Any]],
    skipped: list[Any],
    clients: int,
) -> str:
    lines = [
        f"# Every GET page of the demo ({db})",
        "",
        f"1 client and {clients} clients; p50 / p95 in ms, requests per second. "
        "`GET /health/` measured the same way at the start and the end of the run.",
        "",
        f"| Page | Route | As | 1 client p50 / p95 | 1 client req/s | {clients} clients p50 / p95 "
        f"| {clients} clients req/s |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for h in health:
        lines.append(
            f"| GET /health/ ({h['when']}) | health/ | — | {h['one']['p50']:,.1f} / "
            f"{h['one']['p95']:,.1f} | {h['one']['per_s']:,.1f} | {h['many']['p50']:,.1f} / "
            f"{h['many']['p95']:,.1f} | {h['many']['per_s']:,.1f} |"
        )
    for m in measured:
        lines.append(
            f"| {m.name} | `{m.route}` | {m.persona} | {m.one['p50']:,.1f} / {m.one['p95']:,.1f} "
            f"| {m.one['per_s']:,.1f} | {m.many['p50']:,.1f} / {m.many['p95']:,.1f} "
            f"| {m.many['per_s']:,.1f} |"
        )
    lines += ["", "Not measured:", ""]
    lines += [f"- `{route}` ({name}): {reason}" for route, name, reason in skipped]
    return "\n".join(lines) + "\n"


def _write(
    args: argparse.Namespace,
    measured: list[Measured],
    health: list[dict[str, Any]],
    skipped: list[tuple[str, str, str]],
    started: float,
) -> None:
    """The results file (rows, /health/, what was not measured and why) and the table."""
    rows: list[Row] = []
    reference = health[0]["one"]["p50"]
    for m in measured:
        for clients, figures in ((1, m.one), (args.clients, m.many)):
            rows.append(
                Row(
                    what=f"{m.name} ({m.route}), {clients} client(s)",
                    scale="demo trust, 600 pupils",
                    database=args.db,
                    value=figures["p50"],
                    unit="ms p50",
                    p95=figures["p95"],
                    reference_what="GET /health/ p50 ms, 1 client, same run",
                    reference_value=reference,
                    extra={
                        **figures,
                        "path_kind": m.content_type.split(";")[0],
                        "as": m.persona,
                    },
                )
            )
    name = f"pages-{args.db}" + ("-only" if args.only else "")
    path = write_results(name, rows)
    data = path.read_text()
    payload = json.loads(data)
    payload["health"] = health
    payload["skipped"] = [{"route": r, "name": n, "reason": why} for r, n, why in skipped]
    payload["seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(payload, indent=2) + "\n"
    path.write_text(text)
    (RESULTS / f"{name}-latest.json").write_text(text)
    table = markdown(args.db, measured, health, skipped, args.clients)
    path.with_suffix(".md").write_text(table)
    (RESULTS / f"{name}-latest.md").write_text(table)
    print(table)
    print(
        f"{len(measured)} pages measured, {len(skipped)} not, in {payload['seconds']:,.0f} s "
        f"({path.relative_to(ROOT)})",
        file=sys.stderr,
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--fresh", action="store_true", help="recreate and seed the database")
    parser.add_argument("--one", type=int, default=5, help="requests per page from one client")
    parser.add_argument("--many", type=int, default=20, help="requests per page from 20 clients")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=4.0, help="per page and phase")
    parser.add_argument(
        "--only",
        help="measure only the URL patterns whose name matches this regular expression "
        "(e.g. 'concerns:record|pupils:detail'); the results file is then pages-<db>-only",
    )
    return parser.parse_args()


def main() -> None:
    from bench.recording import _django, _fresh, _manage

    args = _arguments()
    only = re.compile(args.only) if args.only else None
    url = args.database_url or (
        f"sqlite:///{SQLITE_DEFAULT}" if args.db == "sqlite" else PG_DEFAULT
    )
    started = time.monotonic()
    if args.fresh:
        _fresh(args.db, url, ROOT)
    else:
        _manage(ROOT, url, "migrate", "--verbosity", "0")
    _django(url)
    from bench.suite import signed_in_cookie
    from schools.models import Membership

    headers = {
        persona: {"Host": "127.0.0.1", "Cookie": signed_in_cookie(email)}
        for persona, email in PERSONAS.items()
    }
    school_id = Membership.objects.get(user__email=PERSONAS["DSL"], is_active=True).school_id
    measured: list[Measured] = []
    health: list[dict[str, Any]] = []
    skipped: list[tuple[str, str, str]] = []
    with running_server(url) as server:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-schedule", "--verbosity", "0"],
            cwd=ROOT,
            env=server_env(url),
        )
        try:
            plain = {"Host": "127.0.0.1"}
            load(
                server.host,
                lambda i: ("GET", "/health/", None, plain),
                clients=args.clients,
                requests=args.clients * 5,
            )  # every thread warmed up
            found = discover(server.host, headers, school_id)
            print(f"discovered in {time.monotonic() - started:,.0f} s", file=sys.stderr)
            one, many = measure(
                server.host,
                "/health/",
                plain,
                one=args.one,
                many=args.many,
                clients=args.clients,
                max_seconds=args.max_seconds,
            )
            health.append({"when": "start", "one": one, "many": many})
            for entry in sorted(found.values(), key=lambda e: e.route.route):
                if only is not None and not only.search(entry.route.name or ""):
                    continue
                reason = skipped_reason(entry)
                if reason:
                    skipped.append((entry.route.route, entry.route.name, reason))
                    continue
                one, many = measure(
                    server.host,
                    entry.path,
                    headers[entry.persona],
                    one=args.one,
                    many=args.many,
                    clients=args.clients,
                    max_seconds=args.max_seconds,
                )
                measured.append(
                    Measured(
                        entry.route.route,
                        entry.route.name,
                        entry.path,
                        entry.persona,
                        entry.content_type,
                        one,
                        many,
                    )
                )
                print(
                    f"{entry.route.name:<40} {one['p50']:>8,.1f} {many['p50']:>8,.1f} "
                    f"{many['p95']:>8,.1f}",
                    file=sys.stderr,
                )
            one, many = measure(
                server.host,
                "/health/",
                plain,
                one=args.one,
                many=args.many,
                clients=args.clients,
                max_seconds=args.max_seconds,
            )
            health.append({"when": "end", "one": one, "many": many})
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    _write(args, measured, health, skipped, started)


if __name__ == "__main__":
    main()
