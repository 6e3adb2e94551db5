"""Print a results file as the Markdown table docs/performance.md carries.

python -m bench.report bench/results/bench-school-latest.json
"""

import argparse
import json
from pathlib import Path

from bench.common import Row


def table(path: Path) -> str:
    data = json.loads(path.read_text())
    lines = [
        f"Run `{data['name']}` at commit {data['commit']}, {data['when'][:16]}Z, "
        f"{data['machine']['cores']} cores, Python {data['machine']['python']}.",
        "",
        "| What | Scale | DB | Result | p95 | Peak MB | Reference | Ratio | Target |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for stored in data["rows"]:
        row = Row(**{k: v for k, v in stored.items() if k != "ratio"})
        p95 = f"{row.p95:,.1f}" if row.p95 is not None else ""
        peak = f"{row.peak_mb:,.0f}" if row.peak_mb is not None else ""
        lines.append(
            f"| {row.what} | {row.scale} | {row.database} | {row.value:,.1f} {row.unit} | {p95} "
            f"| {peak} | {row.reference_what}: {row.reference_value:,.3g} | {row.ratio:,.1f} "
            f"| {row.target} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    print(table(parser.parse_args().results))


if __name__ == "__main__":
    main()
