"""The pattern engine's own benchmark: the incremental run after a record, and a trust batch.

    python -m bench.patterns_engine --pupils 40000 --schools 40 [--seed 7] [--json]

Facts are generated deterministically for a trust with a year of concerns and registers, child by
child on demand, as a database loader would hand them over in chunks (so memory stays bounded).
What is timed is the engine: as-of filtering and every detector, including building each chunk's
facts. Loading from the database and writing findings are measured once the database loader is
wired in (issue 8: incremental p95 under 50 ms; a 40,000-pupil trust under 60 seconds).
"""

import argparse
import json
import random
import statistics
import time
from collections.abc import Collection
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from patterns.engine import FactSource, run, run_incremental
from patterns.facts import (
    ActionFact,
    ActionKind,
    AttendanceDayFact,
    CadenceFact,
    ConcernFact,
    DecisionFact,
    DecisionKind,
    HouseholdFactorFact,
    HouseholdFacts,
    PupilFacts,
    VoiceFact,
)

TZ = ZoneInfo("Europe/London")
AS_OF = date(2025, 7, 18)
YEAR_START = date(2024, 9, 4)
SIGNS = ("hunger", "hygiene", "clothing", "tiredness", "late_collection", "dental", "injury")
OTHER = ("behaviour_change", "mental_health", "physical_abuse", "domestic_abuse_household")
SCHOOL_DAYS = tuple(
    YEAR_START + timedelta(days=n)
    for n in range((AS_OF - YEAR_START).days + 1)
    if (YEAR_START + timedelta(days=n)).weekday() < 5
)
RECORDED = {day: datetime.combine(day, clock(17), TZ) for day in SCHOOL_DAYS}


def _moment(rng: random.Random) -> datetime:
    return datetime.combine(rng.choice(SCHOOL_DAYS), clock(rng.randint(8, 15)), TZ)


class SyntheticTrust:
    """Every child's facts, made from the child's number and the seed (same seed, same trust)."""

    def __init__(self, pupils: int, schools: int, seed: int) -> None:
        self.pupils = pupils
        self.schools = schools
        self.seed = seed

    def household_of(self, n: int) -> str | None:
        # Three in ten children share a household with the next child (a sibling).
        pair = n - n % 2
        return f"h{pair}" if pair % 10 < 3 else None

    def pupil(self, n: int) -> PupilFacts:
        rng = random.Random(self.seed * 1_000_003 + n)
        pid = f"p{n}"
        busy = rng.random()
        count = 0 if busy < 0.85 else rng.randint(1, 3) if busy < 0.95 else rng.randint(4, 12)
        concerns = []
        for i in range(count):
            when = _moment(rng)
            kinds = {rng.choice(SIGNS)} | ({rng.choice(OTHER)} if rng.random() < 0.2 else set())
            concerns.append(
                ConcernFact(
                    id=f"{pid}c{i}",
                    pupil_id=pid,
                    occurred_at=when,
                    recorded_at=when + timedelta(hours=rng.randint(0, 30)),
                    author_id=f"staff{rng.randint(1, 40)}",
                    indicators=frozenset(kinds),
                )
            )
        decisions = [
            DecisionFact(
                id=f"{pid}d{i}",
                pupil_id=pid,
                case_id=f"{pid}k{i // 3}",
                kind=rng.choice(list(DecisionKind)),
                decided_at=c.recorded_at + timedelta(days=1),
                recorded_at=c.recorded_at + timedelta(days=1),
                concern_ids=frozenset({c.id}),
                review_date=(c.occurred_at + timedelta(days=28)).date(),
                outcome_due=(c.occurred_at + timedelta(days=7)).date(),
                outcome_recorded_at=c.recorded_at + timedelta(days=5)
                if rng.random() < 0.8
                else None,
                closes_case=rng.random() < 0.3,
            )
            for i, c in enumerate(concerns)
        ]
        actions = [
            ActionFact(
                id=f"{pid}a{i}",
                pupil_id=pid,
                kind=rng.choice(list(ActionKind)),
                created_at=d.decided_at,
                recorded_at=d.decided_at,
                concern_ids=d.concern_ids,
            )
            for i, d in enumerate(decisions)
            if rng.random() < 0.5
        ]
        absence = rng.random() * 0.2
        attendance = []
        for day in SCHOOL_DAYS:
            absent = 2 if rng.random() < absence else 0
            unexplained = absent if absent and rng.random() < 0.2 else 0
            authorised = absent - unexplained
            attendance.append(
                AttendanceDayFact(
                    pupil_id=pid,
                    day=day,
                    recorded_at=RECORDED[day],
                    attended=2 - absent,
                    authorised=authorised,
                    unauthorised=unexplained,
                    unexplained=unexplained,
                )
            )
        cadences, voice = [], []
        if count >= 4:
            cadences.append(CadenceFact(f"{pid}q", pid, YEAR_START, _moment(rng), 14, "cin"))
            voice = [VoiceFact(f"{pid}v{i}", pid, m, m) for i, m in enumerate(
                sorted(_moment(rng) for _ in range(rng.randint(3, 12))))]  # fmt: skip
        household = self.household_of(n)
        return PupilFacts(
            pupil_id=pid,
            upn=f"B{n:012d}",
            school_id=f"s{n % self.schools}",
            date_of_birth=date(2008 + n % 12, 1 + n % 12, 1 + n % 28),
            disability=rng.random() < 0.05,
            free_school_meals=rng.random() < 0.25,
            household_ids=frozenset({household}) if household else frozenset(),
            concerns=tuple(concerns),
            decisions=tuple(decisions),
            actions=tuple(actions),
            attendance=tuple(attendance),
            voice=tuple(voice),
            cadences=tuple(cadences),
        )

    def load_pupils(self, ids: Collection[str] | None, as_of: date) -> list[PupilFacts]:
        wanted = range(self.pupils) if ids is None else (int(i[1:]) for i in ids)
        return [self.pupil(n) for n in wanted]

    def load_households(self, ids: Collection[str], as_of: date) -> list[HouseholdFacts]:
        households = []
        for hid in ids:
            first = int(hid[1:])
            rng = random.Random(self.seed + first)
            factors = tuple(
                HouseholdFactorFact(f"{hid}f{i}", hid, indicator, m, m)
                for i, indicator in enumerate(
                    ("domestic_abuse_household", "parental_mental_health")[: rng.randint(0, 2)]
                )
                for m in [_moment(rng)]
            )
            children = tuple(self.pupil(n) for n in (first, first + 1) if n < self.pupils)
            households.append(HouseholdFacts(hid, children=children, factors=factors))
        return households

    def source(self) -> FactSource:
        return FactSource(pupils=self.load_pupils, households=self.load_households)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=40_000)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--incremental-runs", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    trust = SyntheticTrust(args.pupils, args.schools, args.seed)
    source = trust.source()

    rng = random.Random(args.seed)
    timings = []
    for _ in range(args.incremental_runs):
        pid = f"p{rng.randrange(args.pupils)}"
        started = time.perf_counter()
        run_incremental(source, pupil_ids=[pid], as_of=AS_OF)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]

    started = time.perf_counter()
    findings = 0
    ids = [f"p{n}" for n in range(args.pupils)]
    for i in range(0, len(ids), args.chunk):
        findings += len(run(source, as_of=AS_OF, pupil_ids=ids[i : i + args.chunk]).raised)
    batch = time.perf_counter() - started

    result = {
        "pupils": args.pupils,
        "school_days": len(SCHOOL_DAYS),
        "incremental_ms_p50": round(statistics.median(timings), 2),
        "incremental_ms_p95": round(p95, 2),
        "incremental_target_ms": 50,
        "batch_seconds": round(batch, 1),
        "batch_target_seconds": 60,
        "findings": findings,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"incremental run after a record: p50 {result['incremental_ms_p50']} ms, "
            f"p95 {result['incremental_ms_p95']} ms (target < 50 ms); batch for {args.pupils} "
            f"pupils with {len(SCHOOL_DAYS)} school days each: {result['batch_seconds']} s "
            f"(target < 60 s); {findings} findings."
        )


if __name__ == "__main__":
    main()
