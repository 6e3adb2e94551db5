"""The staff and learning tables: training compliance (records-and-access.md §5) and what went
well by theme (issue 20). Counts of people and notes only; small numbers suppressed as in every
other table shown to governors and the trust."""

from datetime import date

from analytics.tables.cells import Policy, Table, text
from staffing.selectors import Compliance


def training_compliance(compliance: Compliance, p: Policy, as_of: date) -> Table:
    rows = [
        [
            text("Everyone whose role needs safeguarding training"),
            p.count(compliance.people),
            p.count(compliance.up_to_date),
            p.percent(compliance.up_to_date, compliance.people),
        ]
    ]
    rows += [
        [text(r.role), p.count(r.people), p.count(r.up_to_date), p.percent(r.up_to_date, r.people)]
        for r in compliance.by_role
    ]
    rows += [
        [
            text(t.label),
            p.count(t.needed),
            p.count(t.up_to_date),
            p.percent(t.up_to_date, t.needed),
        ]
        for t in compliance.by_type
    ]
    return Table(
        "training-compliance",
        "Safeguarding training: who is up to date",
        ["Group or training", "People", "Up to date", "Per cent up to date"],
        rows,
        [
            f"As of {as_of:%-d %b %Y}. Up to date: every piece of training the role needs is "
            "recorded and not past its due date (the annual update every year, designated "
            "safeguarding lead training every two years: Keeping children safe in education "
            "2025, DfE). Rows after the first are by role, then by kind of training.",
        ],
    )


def went_well(rows: list[tuple[str, int]], p: Policy) -> Table:
    return Table(
        "what-went-well",
        "What went well when cases closed and plans ended, by theme",
        ["Theme", "Notes"],
        [[text(label), p.count(n)] for label, n in rows],
        [
            "Totals only: the notes themselves are for the safeguarding team. A note may name "
            "more than one theme."
        ],
    )
