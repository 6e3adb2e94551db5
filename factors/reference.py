"""The Children in Need census "factors identified at the end of assessment", from
`factors/data/cin_assessment_factors.csv`: a copy of the Cairn domain file of the same name — DfE
"Children in need" statistics, C3 "Factors identified at the end of assessment", counts and % of
episodes with at least one factor, years to 31 March 2024 and 2025 [V] (cin-codes.md §1).

The codes a DSL may record (`factors.codes`) and the dashboards' national figures
(`analytics.tables`) both read this one list.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

CIN_CAVEAT = (
    "The Children in Need census figures are the share of all children's social care "
    "assessments (episodes with at least one factor recorded, year to 31 March {year}) in which "
    "the factor was identified. They describe assessed children, not the school population."
)
CIN_SOURCE = (
    "DfE, Children in need, C3 'Factors identified at the end of assessment' (Explore Education "
    "Statistics, OGL) [V] (cin-codes.md §1)"
)
CIN_YEAR = 2025


@dataclass(frozen=True, slots=True)
class CinFactor:
    code: str
    description: str
    percent: float | None


@cache
def cin_factors() -> dict[str, CinFactor]:
    with (DATA / "cin_assessment_factors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: CinFactor(
            code=row["code"],
            description=row["description_dfe_xsd_2024"],
            percent=float(row[f"pct_{CIN_YEAR}"]) if row[f"pct_{CIN_YEAR}"] else None,
        )
        for row in rows
    }


def cin_factor_words() -> dict[str, str]:
    """Each Children in Need factor code as the DfE describes it (for `sources.words`)."""
    return {code: factor.description for code, factor in cin_factors().items()}
