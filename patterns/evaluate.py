"""The scenario suite: replay each synthetic child's dated timeline and score the detectors.

    python -m patterns.evaluate [--scenarios DIR] [--json]

Each scenario (`patterns/scenarios/*.json`) holds dated facts about synthetic children, written
from the Cairn domain reference rather than from the detectors' code, and the findings a careful
DSL would expect, each with the date by which it should appear. Negative scenarios expect nothing.
The engine is run as of every day from the first fact to the scenario's `end` (so every event date,
and every date a review or outcome falls due), seeing only what had been written by then.

Three kinds of scenario:
- positive: expects findings, each by a date. It fails on a miss (never raised, or raised too
  late) and on any finding it did not expect (issue 21 item 5): a detector must not speak where a
  careful DSL would not look.
- negative (`"negative": true`): expects nothing at all; any finding fails it.
- benign (`"benign": true`): everyday school life (an active child's knocks, one missed
  breakfast, a bereavement ...). It may prompt "consider" (a look when next reviewing the
  child), never more: a finding above "consider" fails it. Its "consider" findings are counted.

Per detector (and the pattern it looks for) it prints: scenarios that expected it and in which
it was raised, raised in time, the median days of warning (how many days before the expected
date it first appeared), and its findings on the benign set (at "consider", and above). It exits
1 if any scenario fails, and 2 if a scenario file is malformed.
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
from patterns.registry import SEVERITY_RANK, Severity, all_detectors

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


@dataclass(frozen=True)
class Expected:
    detector: str
    subject: str
    by: date


# The pattern each detector looks for (issue 18's table), for the report.
PATTERNS = {
    "cumulative-neglect": "Cumulative neglect (weeks)",
    "persistent-neglect": "Cumulative neglect (months, terms)",
    "neglect-with-other-abuse": "Neglect with other abuse",
    "practical-help-only": "Practical help only",
    "poverty-normalising-neglect": "Poverty normalising neglect",
    "injuries": "Injuries (weeks)",
    "injury-pattern": "Injuries (months, sites, explanations)",
    "trio": "The trio (household)",
    "trio-child": "The trio (every child)",
    "attendance-with-welfare": "Attendance with concerns",
    "unexplained-absence-run": "Attendance with concerns",
    "attendance-patterns": "Attendance patterns",
    "left-roll-while-open": "Missing from education",
    "missing-education": "Missing from education",
    "child-not-seen": "Child not seen",
    "parent-non-engagement": "Parent non-engagement",
    "escalation-needed": "Escalation needed",
    "voice-not-heard": "Voice absent (check-in schedule)",
    "voice-absent": "Voice absent",
    "voice-distress": "Voice distress",
    "household-children": "Siblings",
    "start-again": "Repeated referral and closure",
    "referral-closed-again": "Repeated referral and closure",
    "prior-history": "Prior history",
    "referral-outcome-overdue": "Escalation needed",
    "monitoring-review-overdue": "Escalation needed",
    "behaviour-change-with-welfare": "Behaviour change",
    "adolescent-risks": "Adolescents' own risks",
    "disabled-child-concerns": "Disabled children",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    negative: bool
    start: date
    end: date
    expected: tuple[Expected, ...]
    facts: tuple[Any, ...]
    benign: bool = False


@dataclass
class Tally:
    expected: int = 0  # scenarios that expect the detector
    raised: int = 0  # ... in which it was raised at all
    true: int = 0  # ... raised by the date expected
    false: int = 0  # raised where a positive or negative scenario did not expect it
    missed: int = 0
    benign_consider: int = 0  # "consider" findings on the benign set
    benign_above: int = 0  # findings above "consider" on the benign set (each fails)
    warning_days: list[int] = field(default_factory=list)


@dataclass
class Outcome:
    scenario: Scenario
    first_raised: dict[tuple[str, str], date]
    true: list[tuple[Expected, date]]
    missed: list[tuple[Expected, date | None]]
    false: list[tuple[str, str, date]]
    severity: dict[tuple[str, str], Severity] = field(default_factory=dict)

    def above_consider(self, key: tuple[str, str]) -> bool:
        return SEVERITY_RANK[self.severity.get(key, Severity.CONSIDER)] > 1

    @property
    def failed(self) -> bool:
        if self.scenario.benign:
            return any(self.above_consider((det, subj)) for det, subj, _ in self.false)
        return bool(self.missed) or bool(self.false)


def _fact_dates(facts: Sequence[Any]) -> list[date]:
    dates = []
    for fact in facts:
        for key in ("occurred_at", "decided_at", "created_at", "day", "from", "heard_at",
                    "noted_at", "effective_from", "start_date", "contacted_on", "started_on",
                    "held_on", "left_on", "starts_on", "occurred_on", "noted_on"):  # fmt: skip
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
        benign = bool(raw.get("benign", False))
        dates = _fact_dates(facts)
        end = date.fromisoformat(raw["end"])
    except (KeyError, TypeError, ValueError) as error:
        raise FactFileError(f"{path.name}: {error}") from error
    if (negative or benign) and expected:
        raise FactFileError(f"{path.name}: a negative or benign scenario expects no findings")
    if negative and benign:
        raise FactFileError(f"{path.name}: a scenario is negative or benign, not both")
    if not negative and not benign and not expected:
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
        benign=benign,
    )


def replay(scenario: Scenario) -> Outcome:
    """Run the engine as of each day of the scenario and compare with what was expected."""
    store = store_from_items(scenario.facts, origin=scenario.path.name + " fact")
    first_raised: dict[tuple[str, str], date] = {}
    severity: dict[tuple[str, str], Severity] = {}
    day = scenario.start
    while day <= scenario.end:
        for raised in run(store.source(), as_of=day).raised:
            key = (raised.detector, raised.subject_id)
            first_raised.setdefault(key, day)
            if SEVERITY_RANK[raised.severity] > SEVERITY_RANK[severity.get(key, Severity.CONSIDER)]:
                severity[key] = raised.severity
            severity.setdefault(key, raised.severity)
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
        scenario=scenario,
        first_raised=first_raised,
        true=true,
        missed=missed,
        false=false,
        severity=severity,
    )


def load_all(directory: Path) -> list[Scenario]:
    return [load_scenario(path) for path in sorted(directory.glob("*.json"))]


def tally(outcomes: Sequence[Outcome]) -> dict[str, Tally]:
    table: dict[str, Tally] = defaultdict(Tally)
    for detector in all_detectors():
        table[detector.slug] = Tally()
    for outcome in outcomes:
        for item, when in outcome.true:
            table[item.detector].expected += 1
            table[item.detector].raised += 1
            table[item.detector].true += 1
            table[item.detector].warning_days.append((item.by - when).days)
        for item, late in outcome.missed:
            table[item.detector].expected += 1
            table[item.detector].missed += 1
            table[item.detector].raised += late is not None
        for detector_slug, subject, _ in outcome.false:
            row = table[detector_slug]
            if not outcome.scenario.benign:
                row.false += 1
            elif outcome.above_consider((detector_slug, subject)):
                row.benign_above += 1
            else:
                row.benign_consider += 1
    return dict(table)


def _median(values: Sequence[int]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return str(ordered[middle])
    return f"{(ordered[middle - 1] + ordered[middle]) / 2:g}"


def render(outcomes: Sequence[Outcome]) -> str:
    """The per-detector table and a line for each problem."""
    header = ("pattern", "detector", "raised", "in time", "median warning days",
              "false", "benign: consider", "benign: above")  # fmt: skip
    rows = [header]
    for slug, row in sorted(
        tally(outcomes).items(), key=lambda i: (PATTERNS.get(i[0], i[0]), i[0])
    ):
        rows.append(
            (
                PATTERNS.get(slug, slug),
                slug,
                f"{row.raised}/{row.expected}",
                f"{row.true}/{row.expected}",
                _median(row.warning_days),
                str(row.false),
                str(row.benign_consider),
                str(row.benign_above),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows]
    for outcome in outcomes:
        name = outcome.scenario.path.name
        for item, when in outcome.missed:
            late = f"first raised {when}" if when else "never raised"
            lines.append(f"MISS  {name}: {item.detector} for {item.subject} by {item.by} ({late})")
        for det, subj, when in outcome.false:
            if outcome.scenario.benign:
                level = outcome.severity[(det, subj)].value
                label = (
                    "FALSE (benign, above consider)"
                    if outcome.above_consider((det, subj))
                    else "consider (benign)"
                )
                lines.append(f"{label}  {name}: {det} for {subj} first raised {when} ({level})")
                continue
            label = (
                "FALSE (negative scenario)" if outcome.scenario.negative else "FALSE (not expected)"
            )
            lines.append(f"{label}  {name}: {det} for {subj} first raised {when}")
    failed = sum(o.failed for o in outcomes)
    negative = sum(o.scenario.negative for o in outcomes)
    benign = sum(o.scenario.benign for o in outcomes)
    lines.append(
        f"{len(outcomes)} scenarios ({negative} negative, {benign} benign): "
        f"{'all passed' if not failed else f'{failed} failed'}."
    )
    return "\n".join(lines)


def as_json(outcomes: Sequence[Outcome]) -> str:
    table = {
        slug: {
            "pattern": PATTERNS.get(slug, slug),
            "expected": t.expected,
            "raised": t.raised,
            "true": t.true,
            "false": t.false,
            "missed": t.missed,
            "benign_consider": t.benign_consider,
            "benign_above": t.benign_above,
            "warning_days": t.warning_days,
        }
        for slug, t in sorted(tally(outcomes).items())
    }
    scenarios = [
        {
            "scenario": o.scenario.path.name,
            "negative": o.scenario.negative,
            "benign": o.scenario.benign,
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
