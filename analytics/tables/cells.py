"""A table, its cells, and the small-number suppression every table applies."""

from dataclasses import dataclass, field

from django.conf import settings

WITHHELD = "not shown (small number)"
PROTECTED = "not shown (would reveal a small number)"


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
    # Where too few of the cells could be shown, what is said instead of the table (and then
    # the table has no rows): issue 22, item 13.
    withheld: str = ""

    @property
    def mostly_withheld(self) -> bool:
        """Whether more of the table's counts are withheld as small than are shown."""
        hidden = shown = 0
        for row in self.rows:
            for cell in row[1:]:
                if cell.text in (WITHHELD, PROTECTED) or cell.text.startswith("fewer than"):
                    hidden += 1
                elif cell.number is not None:
                    shown += 1
        return hidden > shown

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
