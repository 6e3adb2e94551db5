"""Running the detectors over many children at once: the nightly run, the demo, a school's
first run. The engine (`patterns.engine.run`) takes the children in chunks so memory stays flat,
with a progress bar on long runs; each school's detector settings are read once."""

from collections.abc import Collection, Sequence
from datetime import date

from tqdm import tqdm

from patterns.engine import FactSource, RunResult, run
from patterns.registry import Raised
from patterns.selectors import configs_for_schools

CHUNK = 500


def run_in_chunks(
    source: FactSource, *, as_of: date, pupil_ids: Sequence[str], school_ids: set[str] | None,
    progress: bool, all_school_ids: Collection[str] | None = None,
) -> RunResult:  # fmt: skip
    """The engine over chunks of children (a progress bar on long runs); a household raised in
    more than one chunk is kept once. `all_school_ids`: the schools whose settings to read when
    no school was asked for (None: the schools of the children the source holds)."""
    if school_ids is None and all_school_ids is None:
        all_school_ids = {p.school_id for p in source.pupils(None, as_of)}
    configs = configs_for_schools(school_ids or all_school_ids or ())
    raised: dict[tuple[str, str, str, frozenset[str]], Raised] = {}
    seen_pupils: set[str] = set()
    seen_households: set[str] = set()
    detectors: tuple[tuple[str, int], ...] = ()
    chunks = [pupil_ids[i : i + CHUNK] for i in range(0, len(pupil_ids), CHUNK)] or [[]]
    for chunk in tqdm(chunks, desc="Children", unit="chunk", disable=not progress):
        result = run(source, as_of=as_of, pupil_ids=chunk, school_ids=school_ids, configs=configs)
        for r in result.raised:
            raised[(r.detector, r.subject_kind.value, r.subject_id, r.school_ids)] = r
        seen_pupils |= result.pupil_ids
        seen_households |= result.household_ids
        detectors = result.detectors
    return RunResult(
        as_of=as_of,
        raised=tuple(raised.values()),
        pupil_ids=frozenset(seen_pupils),
        household_ids=frozenset(seen_households),
        detectors=detectors,
        school_ids=None if school_ids is None else frozenset(school_ids),
    )
