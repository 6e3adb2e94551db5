"""Known factors about a child's household, as facts for the pattern detectors (ADR 17; listed in
`settings.PATTERN_FACT_SOURCES`).

The factors about the parent(s) or carer(s) or another person in the household, and domestic abuse
of which the child is the subject (3A), in the census's own groups (`factors.codes`). Those known by
the as-of date and written by its end count, unless withdrawn by then (the withdrawal is written
when it is made, so "what did we know at the time" keeps one withdrawn later). Which codes the
detectors read, and as which indicator, is theirs to say (`patterns/data/indicators.json`
"cin_factors"): the facts here carry the code and the detectors' loader names the indicator.
"""

from collections import defaultdict
from collections.abc import Mapping

from factors.codes import CodeGroup, recordable_codes
from factors.models import KnownFactor
from sources.facts import (
    KNOWN_FACTOR,
    FactParts,
    FactWindow,
    HouseholdFactorFact,
    PupilFacts,
    at_nine,
)

DOMESTIC_ABUSE_OF_THE_CHILD = "3A"


def household_codes() -> list[str]:
    """The recordable codes about the household: the parents or carers, another household member,
    and domestic abuse of the child (3A)."""
    return [
        code
        for code, factor in recordable_codes().items()
        if factor.group in {CodeGroup.PARENT, CodeGroup.HOUSEHOLD}
        or code == DOMESTIC_ABUSE_OF_THE_CHILD
    ]


def facts_for(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    found: dict[str, FactParts] = defaultdict(FactParts)
    rows = (
        KnownFactor.objects.filter(
            pupil_id__in=list(pupils),
            code__in=household_codes(),
            known_from__lte=window.as_of,
            recorded_at__lt=window.end,
        )
        .exclude(withdrawal__withdrawn_at__lt=window.end)
        .values_list("id", "pupil_id", "code", "known_from", "recorded_at")
    )
    for factor_id, pupil_id, code, known_from, recorded_at in rows:
        found[str(pupil_id)].factors.append(
            HouseholdFactorFact(
                id=str(factor_id),
                household_id="",  # set per household by the detectors' loader
                indicator="",  # named by the detectors' loader from the code
                noted_at=at_nine(known_from),
                recorded_at=recorded_at,
                cin_code=code,
                source_kind=KNOWN_FACTOR,
            )
        )
    return found
