"""The scenario suite: replay each synthetic child's dated timeline and score the detectors.

    python -m patterns.evaluate [--scenarios DIR] [--json]

Each scenario (`patterns/scenarios/*.json`) holds dated facts about synthetic children, written
from the Cairn domain reference rather than from the detectors' code, and the findings a careful
DSL would expect, each with the date by which it should appear. Negative scenarios expect nothing.
The engine is run as of every day from the first fact to the scenario's `end` (so every event date,
and every date a review or outcome falls due), seeing only what had been written by then.

Per detector it prints true findings, false findings, misses and days of warning (how many days
before the expected date the finding first appeared). It exits 1 on a miss or on any finding in a
negative scenario, and 2 if a scenario file is malformed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from patterns.engine import run
from patterns.loaders import FactFileError, store_from_items
from patterns.registry import all_detectors

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


@dataclass(frozen=True)
class Expected:
    detector: str
    subject: str
    by: date


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    negative: bool
    start: date
    end: date
    expected: tuple[Expected, ...]
    facts: tuple[Any, ...]


@dataclass
class Tally:
    true: int = 0
    false: int = 0
    missed: int = 0
    warning_days: list[int] = field(default_factory=list)


@dataclass
class Outcome:
    scenario: Scenario
    first_raised: dict[tuple[str, str], date]
    true: list[tuple[Expected, date]]
    missed: list[tuple[Expected, date | None]]
    false: list[tuple[str, str, date]]

    @property
    def failed(self) -> bool:
        return bool(self.missed) or (self.scenario.negative and bool(self.false))


def _fact_dates(facts: Sequence[Any]) -> list[date]:
    dates = []
    for fact in facts:
        for key in ("occurred_at", "decided_at", "created_at", "day", "from", "heard_at",
                    "noted_at", "effective_from", "start_date"):  # fmt: skip
            if isinstance(fact, dict) and isinstance(fact.get(key), str):
                dates.append(date.fromisoformat(fact[key][:10]))
    return dates


def load_scenario(path: Path) -> Scenario:
    """Read one scenario file; FactFileError names the file and what is wrong."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        expected = tuple(
            Expected(detector=e["detector"], subject=e["subject"], by=date.fromisoformat(e["by"]))
            for e in raw.get("expect", [])
        )
        facts = tuple(raw["facts"])
        negative = bool(raw.get("negative", False))
        dates = _fact_dates(facts)
        end = date.fromisoformat(raw["end"])
    except (KeyError, TypeError, ValueError) as error:
        raise FactFileError(f"{path.name}: {error}") from error
    if negative and expected:
        raise FactFileError(f"{path.name}: a negative scenario expects no findings")
    if not negative and not expected:
        raise FactFileError(f"{path.name}: a scenario that is not negative must expect a finding")
    known = {d.slug for d in all_detectors()}
    for item in expected:
        if item.detector not in known:
            raise FactFileError(f"{path.name}: no detector '{item.detector}'")
    if not dates:
        raise FactFileError(f"{path.name}: no dated facts")
    return Scenario(
        name=str(raw.get("name", path.stem)),
        path=path,
        negative=negative,
        start=min(dates),
        end=end,
        expected=expected,
        facts=facts,
    )


def replay(scenario: Scenario) -> Outcome:
    """Run the engine as of each day of the scenario and compare with what was expected."""
    store = store_from_items(scenario.facts, origin=scenario.path.name + " fact")
    first_raised: dict[tuple[str, str], date] = {}
    day = scenario.start
    while day <= scenario.end:
        for raised in run(store.source(), as_of=day).raised:
            first_raised.setdefault((raised.detector, raised.subject_id), day)
        day += timedelta(days=1)
    true: list[tuple[Expected, date]] = []
    missed: list[tuple[Expected, date | None]] = []
    for item in scenario.expected:
        when = first_raised.get((item.detector, item.subject))
        if when is not None and when <= item.by:
            true.append((item, when))
        else:
            missed.append((item, when))
    wanted = {(e.detector, e.subject) for e in scenario.expected}
    false = [
        (det, subj, when) for (det, subj), when in first_raised.items() if (det, subj) not in wanted
    ]
    return Outcome(
        scenario=scenario, first_raised=first_raised, true=true, missed=missed, false=false
    )


def load_all(directory: Path) -> list[Scenario]:
    return [load_scenario(path) for path in sorted(directory.glob("*.json"))]


def tally(outcomes: Sequence[Outcome]) -> dict[str, Tally]:
    table: dict[str, Tally] = defaultdict(Tally)
    for detector in all_detectors():
        table[detector.slug] = Tally()
    for outcome in outcomes:
        for item, when in outcome.true:
            table[item.detector].true += 1
            table[item.detector].warning_days.append((item.by - when).days)
        for item, _ in outcome.missed:
            table[item.detector].missed += 1
        for detector_slug, _, _ in outcome.false:
            table[detector_slug].false += 1
    return dict(table)


def render(outcomes: Sequence[Outcome]) -> str:
    """The per-detector table and a line for each problem."""
    rows = [("detector", "true", "false", "missed", "warning days (min/median/max)")]
    for slug, row in sorted(tally(outcomes).items()):
        days = sorted(row.warning_days)
        warning = f"{days[0]}/{days[len(days) // 2]}/{days[-1]}" if days else "-"
        rows.append((slug, str(row.true), str(row.false), str(row.missed), warning))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows]
    for outcome in outcomes:
        name = outcome.scenario.path.name
        for item, when in outcome.missed:
            late = f"first raised {when}" if when else "never raised"
            lines.append(f"MISS  {name}: {item.detector} for {item.subject} by {item.by} ({late})")
        for det, subj, when in outcome.false:
            label = "FALSE (negative scenario)" if outcome.scenario.negative else "extra"
            lines.append(f"{label}  {name}: {det} for {subj} first raised {when}")
    failed = sum(o.failed for o in outcomes)
    lines.append(
        f"{len(outcomes)} scenarios ({sum(o.scenario.negative for o in outcomes)} negative): "
        f"{'all passed' if not failed else f'{failed} failed'}."
    )
    return "\n".join(lines)


def as_json(outcomes: Sequence[Outcome]) -> str:
    table = {
        slug: {"true": t.true, "false": t.false, "missed": t.missed, "warning_days": t.warning_days}
        for slug, t in sorted(tally(outcomes).items())
    }
    scenarios = [
        {
            "scenario": o.scenario.path.name,
            "negative": o.scenario.negative,
            "passed": not o.failed,
            "first_raised": {
                f"{d}:{s}": when.isoformat() for (d, s), when in o.first_raised.items()
            },
        }
        for o in outcomes
    ]
    return json.dumps({"detectors": table, "scenarios": scenarios}, indent=2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m patterns.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--scenarios", type=Path, default=SCENARIO_DIR, help="folder of scenario files"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    try:
        outcomes = [replay(scenario) for scenario in load_all(args.scenarios)]
    except FactFileError as error:
        print(f"evaluate: {error}", file=sys.stderr)
        return 2
    print(as_json(outcomes) if args.json else render(outcomes))
    return 1 if any(o.failed for o in outcomes) else 0


if __name__ == "__main__":  # pragma: no cover (python -m patterns.evaluate)
    sys.exit(main())
