"""Run Cairn's benchmarks and print one row per measurement, each beside its reference.

    python -m bench.run --scale school           # make bench: one school, a few minutes
    python -m bench.run --scale trust            # make bench-trust: 40,000 pupils, 40 schools
    python -m bench.run --scale school --db sqlite

Results go to bench/results/<name>-<time>.json (and <name>-latest.json) with the machine's core
count and the commit.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import DATA, ROOT, Row, write_results

SCALES = {
    "school": {"pupils": 1_000, "schools": 1, "requests": 400, "ctf": "10000", "years": 1},
    "trust": {
        "pupils": 40_000,
        "schools": 40,
        "requests": 1_000,
        "ctf": "10000,50000",
        "years": 5,
    },
}
PG_ADMIN_URL = os.environ.get("CAIRN_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _fresh_database(database: str, scale: str) -> str:
    """An empty, migrated database for one run; returns its DATABASE_URL."""
    if database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        name = f"cairn_bench_{scale}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "DATABASE_URL": url, "CAIRN_DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    return url


def run_database(database: str, scale: str) -> list[Row]:
    url = _fresh_database(database, scale)
    spec = SCALES[scale]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.suite",
                "--database-url",
                url,
                "--database",
                database,
                "--scale",
                scale,
                "--pupils",
                str(spec["pupils"]),
                "--schools",
                str(spec["schools"]),
                "--requests",
                str(spec["requests"]),
                "--ctf-sizes",
                str(spec["ctf"]),
                "--years",
                str(spec["years"]),
                "--out",
                out.name,
            ],
            cwd=ROOT,
            check=True,
        )
        return [Row(**row) for row in json.loads(Path(out.name).read_text())]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="school")
    parser.add_argument(
        "--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres (default both)"
    )
    args = parser.parse_args()
    rows: list[Row] = []
    for database in args.db.split(","):
        rows.extend(run_database(database.strip(), args.scale))
    print()
    for row in rows:
        print(row.line())
    path = write_results(f"bench-{args.scale}", rows)
    print(f"\nResults written to {path.relative_to(ROOT)} ({os.cpu_count()} cores).")


if __name__ == "__main__":
    main()
