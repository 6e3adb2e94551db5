"""The dashboard's tables, built from the engine's counts, with small-number suppression.

Every chart has one of these tables behind it, and every table exports as CSV. Where `suppress`
is on (governor and trust views), a count below `CAIRN_ANALYTICS_SUPPRESS_BELOW` shows as
"fewer than 5" and any percentage computed from it is withheld — Cairn's default [U], a setting
(issue 9, "small numbers"). Medians computed from fewer than that many cases are withheld too.

One module per part (ADR 17): `cells` (a table, its cells and the suppression rules), `school`
(one school's tables) and `trust` (several schools combined, and side by side).
"""

from analytics.tables.cells import (
    PROTECTED,
    WITHHELD,
    Cell,
    Policy,
    Table,
    fewer_than,
    secondary,
    text,
)
from analytics.tables.school import (
    EXPECTATION_GROUPS,
    Dashboard,
    attendance,
    capacity,
    concerns_by_month,
    cooccurrence,
    expectations,
    household,
    key_figures,
    profile,
    school_tables,
)
from analytics.tables.trust import combine, comparison, merge

__all__ = [
    "EXPECTATION_GROUPS",
    "PROTECTED",
    "WITHHELD",
    "Cell",
    "Dashboard",
    "Policy",
    "Table",
    "attendance",
    "capacity",
    "combine",
    "comparison",
    "concerns_by_month",
    "cooccurrence",
    "expectations",
    "fewer_than",
    "household",
    "key_figures",
    "merge",
    "profile",
    "school_tables",
    "secondary",
    "text",
]
