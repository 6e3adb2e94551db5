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
    pupil_ids = [str(p) for p in Pupil.objects.values_list("pk", flat=True)[:500]]
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
        for what, prepare in cases.items():
            result = load(server.host, prepare, clients=clients, requests=requests)
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
    args.out.write_text(json.dumps([r.__dict__ for r in rows]))


if __name__ == "__main__":
    main()
