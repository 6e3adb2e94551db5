"""Small numbers in aggregates shown to governors and the trust (issue 9's rule; issue 14).

A count of children below `CAIRN_ANALYTICS_SUPPRESS_BELOW` shows as "fewer than 5" and any
percentage worked out from it is withheld; where rows add up to a total that is shown, one more
row is withheld so that the small one cannot be worked out (secondary suppression). This is the
rule `analytics.tables.Policy` applies to the dashboards, kept here, below the record apps, so
that a record app's own summary (attendance's) applies the same rule without reaching up into
analytics; analytics/tests/test_suppression_agrees.py holds the two to the same answers.
Zeros are shown: they reveal nothing.
"""

from collections.abc import Sequence

from django.conf import settings

WITHHELD = "not shown (small number)"
PROTECTED = "not shown (would reveal a small number)"


def suppress_below() -> int:
    return int(settings.CAIRN_ANALYTICS_SUPPRESS_BELOW)


def is_small(n: int) -> bool:
    return 0 < n < suppress_below()


def count_text(n: int) -> str:
    return f"fewer than {suppress_below()}" if is_small(n) else f"{n:,}"


def percent_text(value: float | None, *counts: int) -> str:
    """A percentage, withheld when any count it was worked out from is a small number."""
    if value is None:
        return "–"
    if any(is_small(n) for n in counts):
        return WITHHELD
    return f"{value}%"


def secondary(values: Sequence[int]) -> set[int]:
    """Which further values of a group that adds up to a shown total to withhold: when exactly
    one is small, the smallest other non-zero one too."""
    primary = [index for index, n in enumerate(values) if is_small(n)]
    if len(primary) != 1:
        return set()
    others = [(n, index) for index, n in enumerate(values) if n > 0 and index not in primary]
    return {min(others)[1]} if others else set()
