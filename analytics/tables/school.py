"""One school's dashboard tables (or a trust's schools counted together)."""

from dataclasses import dataclass

from django.conf import settings

from analytics.engine import AGE_BANDS, NEGLECT_CP_CODE, PROFILE_DIMENSIONS, Figures, SchoolFigures
from analytics.reference import SCR_CAVEAT, household_factors
from analytics.tables.cells import PROTECTED, WITHHELD, Cell, Policy, Table, secondary, text
from factors.reference import CIN_CAVEAT, CIN_SOURCE, CIN_YEAR, cin_factors


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
