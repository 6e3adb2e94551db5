"""The attendance summary's rows as shown: small numbers suppressed for governors and the trust.

Before issue 14 the summary showed a governor "1 (2.8%)"; every other aggregate a governor sees
says "fewer than 5" (schools.suppression, the dashboards' rule).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from attendance.measures import GroupMeasures
from schools.models import Role
from schools.suppression import PROTECTED, WITHHELD, count_text, percent_text, secondary

# The school's own safeguarding team and attendance lead see exact numbers; governors and the
# trust lead see them suppressed (as analytics.selectors.policy_for decides for dashboards).
EXACT_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.ATTENDANCE_LEAD})


@dataclass(frozen=True, slots=True)
class SummaryRow:
    label: str
    pupils: str
    rate: str
    persistent: str
    severe: str
    unexplained: str


def _exact(group: GroupMeasures) -> SummaryRow:
    def percent(value: float | None) -> str:
        return "–" if value is None else f"{value}%"

    return SummaryRow(
        label=group.label,
        pupils=f"{group.pupils:,}",
        rate=percent(group.rate),
        persistent=f"{group.persistent:,} ({percent(group.persistent_percent)})",
        severe=f"{group.severe:,} ({percent(group.severe_percent)})",
        unexplained=f"{group.unexplained:,}",
    )


def _suppressed(group: GroupMeasures, *, protect_pupils: bool) -> SummaryRow:
    pupils = group.pupils

    def share(n: int, value: float | None) -> str:
        percent = WITHHELD if protect_pupils else percent_text(value, n, pupils)
        return f"{count_text(n)} ({percent})"

    return SummaryRow(
        label=group.label,
        pupils=PROTECTED if protect_pupils else count_text(pupils),
        rate=percent_text(group.rate, pupils),
        persistent=share(group.persistent, group.persistent_percent),
        severe=share(group.severe, group.severe_percent),
        unexplained=f"{group.unexplained:,}",
    )


def summary_rows(groups: Sequence[GroupMeasures], *, role: str) -> list[SummaryRow]:
    """`groups` (the last is the total of the others) as text for `role`."""
    if role in EXACT_READERS:
        return [_exact(g) for g in groups]
    parts = list(groups[:-1])
    protect = secondary([g.pupils for g in parts])
    rows = [_suppressed(g, protect_pupils=i in protect) for i, g in enumerate(parts)]
    rows.extend(_suppressed(g, protect_pupils=False) for g in groups[-1:])
    return rows
