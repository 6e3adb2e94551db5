"""Several schools' counts combined into one, and a trust's schools side by side."""

from collections.abc import Iterable

from analytics.engine import NEGLECT_CP_CODE, Figures, SchoolFigures
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
    Dashboard,
)


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
