"""What the engine returns: each school's figures, and the constants the dashboards share."""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from analytics.periods import Period
from concerns.models import Outcome

NEGLECT_CP_CODE = "NEG"
# Outcomes that are not "beyond monitoring" (all other outcomes are early help or a referral).
NOT_BEYOND_MONITORING = (Outcome.NO_FURTHER_ACTION.value, Outcome.MONITOR.value)
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 4, "Under 5"),
    (5, 10, "5 to 10"),
    (11, 15, "11 to 15"),
    (16, 200, "16 and over"),
)
PROFILE_DIMENSIONS = (
    ("age_band", "Age"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
    ("sen", "Special educational needs"),
    ("disability", "Disability"),
    ("disadvantaged", "Disadvantaged"),
    ("social_care", "Children's social care"),
)


@dataclass
class SchoolFigures:
    """Every measure for one school over one period (counts; percentages are derived later)."""

    roll: int = 0
    children_with_concerns: int = 0
    concerns: int = 0
    neglect_children: int = 0
    neglect_concerns: int = 0
    # (month "YYYY-MM", category code) -> concerns; "" = all concerns that month, NEG = concerns
    # with a neglect category. Filled for a dashboard of one school; for several, the months
    # of all of them together are in `Figures.monthly` (no table shows one school's months, and
    # a trust's five years are tens of thousands of rows per school).
    monthly: dict[tuple[str, str], int] = field(default_factory=dict)
    # category code -> (children with neglect and this category, neglect concerns also carrying it)
    cooccurrence: dict[str, tuple[int, int]] = field(default_factory=dict)
    # factor slug -> children with concerns with the factor (None: not recorded in Cairn yet)
    household: dict[str, int | None] = field(default_factory=dict)
    # (dimension, value) -> (children with concerns, roll)
    profile: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    # "disadvantaged" / "other" -> (neglect concern-children, decided at all, beyond monitoring,
    #   beyond monitoring within the configured days, median days to beyond monitoring)
    expectations: dict[str, tuple[int, int, int, int, float | None]] = field(default_factory=dict)
    open_cases: int = 0
    decisions_waiting: int = 0
    overdue_actions: int = 0
    overdue_reviews: int = 0
    decided_in_period: int = 0
    decided_within_day: int = 0
    median_days_to_decision: float | None = None
    findings_waiting: int = 0
    # Multi-agency meetings held in the period and the safeguarding team's minutes on them.
    meetings: int = 0
    meeting_minutes: int = 0
    # "with_concerns" / "roll" -> (pupils with possible sessions, possible, attended, persistent)
    attendance: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


@dataclass
class Figures:
    period: Period
    as_of: date
    schools: dict[UUID, SchoolFigures]
    category_labels: dict[str, str]
    neglect_codes: frozenset[str] = frozenset()
    # The chosen schools' concerns by month, together (see SchoolFigures.monthly).
    monthly: dict[tuple[str, str], int] = field(default_factory=dict)
