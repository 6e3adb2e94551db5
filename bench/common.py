"""What every benchmark shares: result rows, the machine, peak memory, and the results file."""

import json
import os
import platform
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "bench" / "data"


@dataclass
class Row:
    """One measurement and the reference measured beside it in the same run."""

    what: str
    scale: str
    database: str
    value: float  # the headline figure, in `unit`
    unit: str  # "ms p50", "marks/s", "s", ...
    reference_what: str
    reference_value: float
    peak_mb: float | None = None
    p95: float | None = None
    target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How many times the reference this took. For a throughput (unit ".../s") the time taken
        is in extra["seconds"] and the reference is a time too."""
        if not self.reference_value:
            return float("nan")
        if self.unit.endswith("/s") and "seconds" in self.extra:
            return float(self.extra["seconds"]) / self.reference_value
        return self.value / self.reference_value

    def line(self) -> str:
        p95 = f" p95 {self.p95:,.1f}" if self.p95 is not None else ""
        peak = f"{self.peak_mb:,.0f} MB" if self.peak_mb is not None else "—"
        return (
            f"{self.what:<42} {self.scale:<16} {self.database:<10} "
            f"{self.value:>12,.1f} {self.unit:<10}{p95:<12} peak {peak:<9} | "
            f"ref {self.reference_what}: {self.reference_value:,.2f} | ratio {self.ratio:,.2f}"
            + (f" | target {self.target}" if self.target else "")
        )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peak_rss_mb_of_children() -> float:
    """The largest resident set of any finished child process of this one, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def peak_rss_mb_of_pid(pid: int) -> float | None:
    """A running process's peak resident set (VmHWM), in MB; None where /proc is missing."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    elapsed: list[float] = []
    yield lambda: elapsed[0] if elapsed else time.perf_counter() - start
    elapsed.append(time.perf_counter() - start)


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_results(name: str, rows: list[Row]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{name}-{stamp}.json"
    payload = {
        "name": name,
        "when": datetime.now(UTC).isoformat(),
        "commit": commit(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rows": [asdict(row) | {"ratio": row.ratio} for row in rows],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    (RESULTS / f"{name}-latest.json").write_text(json.dumps(payload, indent=2) + "\n")
    return path
