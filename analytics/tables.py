"""The dashboard's tables, built from the engine's counts, with small-number suppression.

Every chart has one of these tables behind it, and every table exports as CSV. Where `suppress`
is on (governor and trust views), a count below `CAIRN_ANALYTICS_SUPPRESS_BELOW` shows as
"fewer than 5" and any percentage computed from it is withheld — Cairn's default [U], a setting
(issue 9, "small numbers"). Medians computed from fewer than that many cases are withheld too.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from analytics.engine import (
    AGE_BANDS,
    NEGLECT_CP_CODE,
    PROFILE_DIMENSIONS,
    Figures,
    SchoolFigures,
)
from analytics.reference import (
    CIN_CAVEAT,
    CIN_SOURCE,
    CIN_YEAR,
    SCR_CAVEAT,
    cin_factors,
    household_factors,
)

WITHHELD = "not shown (small number)"


def fewer_than() -> str:
    return f"fewer than {settings.CAIRN_ANALYTICS_SUPPRESS_BELOW}"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    # The number behind the cell, for charts; None where there is none or it is withheld.
    number: float | None = None
    numeric: bool = True


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)

    @property
    def numeric_columns(self) -> list[bool]:
        """Whether each column holds numbers (so its header is right-aligned)."""
        if not self.rows:
            return [index > 0 for index in range(len(self.columns))]
        return [index > 0 and cell.numeric for index, cell in enumerate(self.rows[0])]

    @property
    def columns_with_alignment(self) -> list[tuple[str, bool]]:
        return list(zip(self.columns, self.numeric_columns, strict=False))


@dataclass(frozen=True, slots=True)
class Policy:
    """Whether small numbers are suppressed, and below what."""

    suppress: bool
    below: int

    @classmethod
    def for_viewer(cls, *, suppress: bool) -> "Policy":
        return cls(suppress=suppress, below=settings.CAIRN_ANALYTICS_SUPPRESS_BELOW)

    def small(self, n: int) -> bool:
        return self.suppress and 0 < n < self.below

    def count(self, n: int) -> Cell:
        if self.small(n):
            return Cell(f"fewer than {self.below}")
        return Cell(f"{n:,}", float(n))

    def percent(self, n: int, d: int) -> Cell:
        """n as a share of d, withheld where either is a small number."""
        if d == 0:
            return Cell("–")
        if self.small(n) or self.small(d):
            return Cell(WITHHELD)
        value = round(100 * n / d, 1)
        return Cell(f"{value}%", value)

    def median(self, value: float | None, cases: int) -> Cell:
        if value is None:
            return Cell("–")
        if self.small(cases):
            return Cell(WITHHELD)
        return Cell(f"{value:g}", float(value))


PROTECTED = "not shown (would reveal a small number)"


def secondary(values: list[int], p: Policy) -> set[int]:
    """Which further cells of a group to withhold so that no small number can be worked out.

    `values` are counts that add up to a total shown elsewhere (the roll, the children with
    concerns, the trust's row). If exactly one of them is withheld as small, it would be the
    total minus the others; so the smallest other non-zero count is withheld too (secondary
    suppression, as official statistics practise it [U]). Zeros are shown: they reveal nothing.
    """
    primary = [index for index, n in enumerate(values) if p.small(n)]
    if len(primary) != 1:
        return set()
    others = [(n, index) for index, n in enumerate(values) if n > 0 and index not in primary]
    return {min(others)[1]} if others else set()


def text(value: str) -> Cell:
    return Cell(value, None, numeric=False)


def combine(figures: Figures) -> SchoolFigures:
    """A dashboard's schools together: the one school's figures, or the schools' counts added
    up with the months of all of them (which the engine counts together; SchoolFigures)."""
    if len(figures.schools) == 1:
        return next(iter(figures.schools.values()))
    total = merge(figures.schools.values())
    total.monthly = dict(figures.monthly)
    return total


def merge(parts: Iterable[SchoolFigures]) -> SchoolFigures:
    """A trust's totals: the schools' counts added up (medians are not additive: left out)."""
    total = SchoolFigures()
    for part in parts:
        for name in (
            "roll",
            "children_with_concerns",
            "concerns",
            "neglect_children",
            "neglect_concerns",
            "open_cases",
            "decisions_waiting",
            "overdue_actions",
            "overdue_reviews",
            "decided_in_period",
            "decided_within_day",
            "findings_waiting",
            "meetings",
            "meeting_minutes",
        ):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for key, n in part.monthly.items():
            total.monthly[key] = total.monthly.get(key, 0) + n
        for code, (kids, concerns) in part.cooccurrence.items():
            old = total.cooccurrence.get(code, (0, 0))
            total.cooccurrence[code] = (old[0] + kids, old[1] + concerns)
        for slug, value in part.household.items():
            previous = total.household.get(slug, 0)
            total.household[slug] = None if value is None else (previous or 0) + value
        for key, (kids, roll) in part.profile.items():
            old = total.profile.get(key, (0, 0))
            total.profile[key] = (old[0] + kids, old[1] + roll)
        for group, values in part.expectations.items():
            old_e = total.expectations.get(group, (0, 0, 0, 0, None))
            total.expectations[group] = (
                old_e[0] + values[0],
                old_e[1] + values[1],
                old_e[2] + values[2],
                old_e[3] + values[3],
                None,
            )
        for group, att in part.attendance.items():
            old_a = total.attendance.get(group, (0, 0, 0, 0))
            total.attendance[group] = (
                old_a[0] + att[0],
                old_a[1] + att[1],
                old_a[2] + att[2],
                old_a[3] + att[3],
            )
    return total


def _months(figures: SchoolFigures) -> list[str]:
    return sorted({month for month, _code in figures.monthly})


def concerns_by_month(
    f: SchoolFigures, labels: dict[str, str], neglect: frozenset[str], p: Policy
) -> Table:
    codes = sorted(
        {c for _m, c in f.monthly if c and c != NEGLECT_CP_CODE and c not in neglect},
        key=lambda c: labels.get(c, c),
    )
    columns = ["Month", "All concerns", "Neglect"]
    columns += [labels.get(code, code) for code in codes]
    rows = []
    for month in _months(f):
        row = [text(month), p.count(f.monthly.get((month, ""), 0))]
        row.append(p.count(f.monthly.get((month, NEGLECT_CP_CODE), 0)))
        row += [p.count(f.monthly.get((month, code), 0)) for code in codes]
        rows.append(row)
    return Table(
        "concerns-by-month",
        "Concerns by month and category",
        columns,
        rows,
        [
            "A concern with several categories counts once under each; 'All concerns' counts "
            "it once. Categories are those of the concern's current version."
        ],
    )


def key_figures(f: SchoolFigures, p: Policy) -> Table:
    rows = [
        [text("Children on the roll"), p.count(f.roll), Cell("–")],
        [
            text("Children with a concern"),
            p.count(f.children_with_concerns),
            p.percent(f.children_with_concerns, f.roll),
        ],
        [text("Concerns recorded"), p.count(f.concerns), Cell("–")],
        [
            text("Children with a neglect concern"),
            p.count(f.neglect_children),
            p.percent(f.neglect_children, f.roll),
        ],
        [
            text("Children with a neglect concern, of children with a concern"),
            p.count(f.neglect_children),
            p.percent(f.neglect_children, f.children_with_concerns),
        ],
    ]
    return Table(
        "key-figures",
        "Children with concerns and with neglect concerns",
        ["Measure", "Number", "Per cent of the roll (or as stated)"],
        rows,
        ["Per cent of the roll unless the row says otherwise."],
    )


def cooccurrence(f: SchoolFigures, labels: dict[str, str], p: Policy) -> Table:
    rows = []
    for code, (kids, concerns) in sorted(f.cooccurrence.items(), key=lambda kv: -kv[1][0]):
        rows.append(
            [
                text(labels.get(code, code)),
                p.count(kids),
                p.percent(kids, f.neglect_children),
                p.count(concerns),
            ]
        )
    return Table(
        "neglect-cooccurrence",
        "How often neglect comes with another category",
        [
            "Other category",
            "Children with a neglect concern who also had a concern in this category",
            "Per cent of children with a neglect concern",
            "Neglect concerns also recorded in this category",
        ],
        rows,
        [
            "Neglect comes with other abuse (NSPCC [V], national-reviews.md §4): a neglect flag "
            "should prompt review of other categories."
        ],
    )


def household(f: SchoolFigures, p: Policy) -> Table:
    cin = cin_factors()
    rows = []
    for factor in household_factors():
        value = f.household.get(factor.slug)
        national = cin.get(factor.cin_code) if factor.cin_code else None
        if value is None:
            count, share = text("not recorded yet"), Cell("not recorded yet")
        else:
            count, share = p.count(value), p.percent(value, f.children_with_concerns)
        rows.append(
            [
                text(factor.label),
                count,
                share,
                Cell(factor.scr_text, factor.scr_percent),
                Cell(
                    f"{national.percent}% ({national.code})"
                    if national and national.percent is not None
                    else "no factor",
                    national.percent if national else None,
                ),
                text(factor.note),
            ]
        )
    return Table(
        "household-factors",
        "Household factors among children with concerns, beside national figures",
        [
            "Factor",
            "Children with concerns with the factor",
            "Per cent of children with concerns",
            "Serious case reviews 2017–19",
            f"Children in need assessments {CIN_YEAR - 1}/{str(CIN_YEAR)[2:]}",
            "How Cairn counts it",
        ],
        rows,
        [
            SCR_CAVEAT,
            CIN_CAVEAT.format(year=CIN_YEAR),
            "Sources: " + household_factors()[0].scr_source + "; " + CIN_SOURCE + ".",
        ],
    )


def profile(f: SchoolFigures, p: Policy) -> Table:
    rows = []
    for dimension, label in PROFILE_DIMENSIONS:
        bands = [label for _low, _high, label in AGE_BANDS]
        values = sorted(
            (v for d, v in f.profile if d == dimension),
            key=lambda v: (bands.index(v) if v in bands else len(bands), v),
        )
        counts = [f.profile[(dimension, value)] for value in values]
        hide_kids = secondary([kids for kids, _roll in counts], p)
        hide_roll = secondary([roll for _kids, roll in counts], p)
        for index, (value, (kids, roll)) in enumerate(zip(values, counts, strict=True)):
            rows.append(
                [
                    text(label),
                    text(value),
                    *(
                        (Cell(PROTECTED), Cell(PROTECTED))
                        if index in hide_kids
                        else (p.count(kids), p.percent(kids, f.children_with_concerns))
                    ),
                    *(
                        (Cell(PROTECTED), Cell(PROTECTED))
                        if index in hide_roll
                        else (p.count(roll), p.percent(roll, f.roll))
                    ),
                ]
            )
    return Table(
        "profile",
        "Profile of children with concerns beside the school roll",
        [
            "Characteristic",
            "Group",
            "Children with concerns",
            "Per cent of children with concerns",
            "Children on the roll",
            "Per cent of the roll",
        ],
        rows,
        [
            "Children with concerns who were on the roll in the period; age at the end of the "
            "period; ethnicity in the census's broad groups.",
            *(
                [
                    "Where one group of a characteristic is a small number, the next smallest is "
                    "not shown either, so that it cannot be worked out from the total."
                ]
                if p.suppress
                else []
            ),
        ],
    )


EXPECTATION_GROUPS = (("disadvantaged", "Disadvantaged pupils"), ("other", "Other pupils"))


def expectations(f: SchoolFigures, p: Policy) -> Table:
    days = settings.CAIRN_ANALYTICS_ESCALATION_DAYS
    rows = []
    for key, label in EXPECTATION_GROUPS:
        n, decided, beyond, quick, median = f.expectations.get(key, (0, 0, 0, 0, None))
        rows.append(
            [
                text(label),
                p.count(n),
                p.count(decided),
                p.count(beyond),
                p.percent(beyond, n),
                p.count(quick),
                p.percent(quick, n),
                p.median(median, beyond),
            ]
        )
    return Table(
        "high-expectations",
        "High expectations: neglect concerns that led to a decision beyond monitoring",
        [
            "Pupils",
            "Neglect concerns (one per child)",
            "With a decision",
            "Led to a decision beyond monitoring",
            "Per cent beyond monitoring",
            f"Beyond monitoring within {days} days",
            f"Per cent within {days} days",
            "Median days to that decision",
        ],
        rows,
        [
            "Beyond monitoring: early help or a referral. If neglect concerns about "
            "disadvantaged pupils lead to action less often or more slowly, ask whether poverty "
            "is lowering the team's expectations (national-reviews.md §4, 'Neglect gets "
            "normalised by poverty' [V SecEd])."
        ],
    )


def capacity(f: SchoolFigures, p: Policy, as_of_text: str) -> Table:
    rows = [
        [
            text("Open cases (children with a concern not closed with no further action)"),
            p.count(f.open_cases),
        ],
        [text("Concerns waiting for a decision"), p.count(f.decisions_waiting)],
        [text("Overdue actions"), p.count(f.overdue_actions)],
        [text("Overdue reviews (monitoring past its review date)"), p.count(f.overdue_reviews)],
        [text("Concerns in the period with a decision"), p.count(f.decided_in_period)],
        [text("…decided within a day of being recorded"), p.count(f.decided_within_day)],
        [
            text("Median days from a concern being recorded to the first decision"),
            p.median(f.median_days_to_decision, f.decided_in_period),
        ],
        [text("Pattern findings waiting for a decision (now)"), p.count(f.findings_waiting)],
        [text("Multi-agency meetings in the period"), p.count(f.meetings)],
        [
            text("Safeguarding team's hours on them (preparation and meetings)"),
            Cell(WITHHELD)
            if p.small(f.meetings)
            else Cell(f"{f.meeting_minutes / 60:.1f}", round(f.meeting_minutes / 60, 1)),
        ],
    ]
    return Table(
        "capacity",
        f"The safeguarding team's capacity (as at {as_of_text})",
        ["Measure", "Number"],
        rows,
        [
            "Give the safeguarding team time for multi-agency work (national-reviews.md §4 and "
            "§5 [V SecEd])."
        ],
    )


def attendance(f: SchoolFigures, p: Policy) -> Table:
    threshold = settings.CAIRN_ATTENDANCE_PERSISTENT_PERCENT
    rows = []
    for key, label in (("with_concerns", "Children with concerns"), ("roll", "All pupils")):
        pupils, possible, attended, persistent = f.attendance.get(key, (0, 0, 0, 0))
        rate = (
            Cell("–")
            if not possible
            else Cell(
                f"{round(100 * attended / possible, 1)}%", round(100 * attended / possible, 1)
            )
        )
        if p.small(pupils):
            rate = Cell(WITHHELD)
        rows.append(
            [text(label), p.count(pupils), rate, p.count(persistent), p.percent(persistent, pupils)]
        )
    return Table(
        "attendance",
        "Attendance of children with concerns against the roll",
        [
            "Pupils",
            "Pupils with registers",
            "Attendance",
            "Persistently absent",
            "Per cent persistently absent",
        ],
        rows,
        [
            f"Persistent absence: missing {threshold}% or more of possible sessions "
            "(attendance.md §3 [V]). Attendance can indicate neglect or abuse "
            "(national-reviews.md §4)."
        ],
    )


@dataclass
class Dashboard:
    figures: Figures
    school: SchoolFigures
    policy: Policy
    tables: dict[str, Table]


def school_tables(figures: Figures, school: SchoolFigures, policy: Policy) -> dict[str, Table]:
    labels = dict(figures.category_labels)
    neglect = figures.neglect_codes
    as_of = f"{figures.as_of:%-d %b %Y}"
    tables = [
        key_figures(school, policy),
        concerns_by_month(school, labels, neglect, policy),
        cooccurrence(school, labels, policy),
        household(school, policy),
        profile(school, policy),
        expectations(school, policy),
        capacity(school, policy, as_of),
        attendance(school, policy),
    ]
    return {t.slug: t for t in tables}


def comparison(figures: Figures, names: dict[object, str], p: Policy) -> Table:
    """The trust's schools side by side: one row per school, then the trust."""
    rows = []
    entries = [(names[sid], f) for sid, f in figures.schools.items()]
    entries.sort(key=lambda e: e[0])
    entries.append(("All schools in the trust", merge(f for _n, f in entries)))
    # Counts that add up to the trust's row: a single small school would be the trust's total
    # minus the others, so a second school's count is withheld with it (see `secondary`).
    additive = (
        "roll",
        "children_with_concerns",
        "neglect_children",
        "open_cases",
        "decisions_waiting",
        "overdue_actions",
        "overdue_reviews",
        "findings_waiting",
    )
    schools_only = entries[:-1]
    hidden = {name: secondary([getattr(f, name) for _n, f in schools_only], p) for name in additive}

    def count(row: int, name: str) -> Cell:
        if row in hidden[name]:
            return Cell(PROTECTED)
        return p.count(getattr(entries[row][1], name))

    def share(row: int, name: str) -> Cell:
        f = entries[row][1]
        if row in hidden[name] or row in hidden["roll"]:
            return Cell(PROTECTED)
        return p.percent(getattr(f, name), f.roll)

    for row, (name, f) in enumerate(entries):
        dis = f.expectations.get("disadvantaged", (0, 0, 0, 0, None))
        oth = f.expectations.get("other", (0, 0, 0, 0, None))
        att = f.attendance.get("with_concerns", (0, 0, 0, 0))
        rows.append(
            [
                text(name),
                count(row, "roll"),
                count(row, "children_with_concerns"),
                share(row, "children_with_concerns"),
                count(row, "neglect_children"),
                share(row, "neglect_children"),
                p.percent(dis[2], dis[0]),
                p.percent(oth[2], oth[0]),
                count(row, "open_cases"),
                count(row, "decisions_waiting"),
                count(row, "overdue_actions"),
                count(row, "overdue_reviews"),
                count(row, "findings_waiting"),
                Cell(WITHHELD)
                if p.small(att[0])
                else (
                    Cell(f"{round(100 * att[2] / att[1], 1)}%", round(100 * att[2] / att[1], 1))
                    if att[1]
                    else Cell("–")
                ),
            ]
        )
    return Table(
        "schools-side-by-side",
        "The trust's schools side by side",
        [
            "School",
            "Roll",
            "Children with a concern",
            "Per cent of roll",
            "Children with a neglect concern",
            "Per cent of roll (neglect)",
            "Neglect beyond monitoring: disadvantaged",
            "Neglect beyond monitoring: other pupils",
            "Open cases",
            "Decisions waiting",
            "Overdue actions",
            "Overdue reviews",
            "Findings waiting",
            "Attendance of children with concerns",
        ],
        rows,
        [
            f"Counts below {p.below} show as 'fewer than {p.below}'; percentages from them are "
            "not shown. Where only one school's count is small, another school's is not shown "
            "either, so that it cannot be worked out from the trust's total."
        ],
    )


__all__ = ["NEGLECT_CP_CODE", "Cell", "Dashboard", "Policy", "Table", "fewer_than"]
