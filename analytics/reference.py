"""Reference data for the dashboards, loaded from the CSV files in `analytics/data/`. The CIN
assessment factors and their national figures belong to the factors app (`factors.reference`).

- `household_factors.csv`: the household factors the dashboards count, how Cairn recognises
  each in its own records today, and the national figures from the 2017–19 serious case review
  analysis (Dickens et al., DfE 2022, as summarised by SecEd [V SecEd]; national-reviews.md §1)
  and the CIN census code they line up with.
- `ethnicity_groups.csv`: DfE main ethnicity codes (CTF/census list, cin-codes.md §4 [V]) into
  the census's broad groups.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

SCR_CAVEAT = (
    "The 2017–19 figures are about the most serious cases: children who died or were seriously "
    "harmed and whose case was reviewed (235 serious case reviews). They are not a base rate "
    "for a school's pupils."
)


@dataclass(frozen=True, slots=True)
class HouseholdFactor:
    slug: str
    label: str
    concern_categories: tuple[str, ...]
    # CIN assessment factor codes recorded for the child (factors app) that count as this factor.
    factor_codes: tuple[str, ...]
    encompass: bool
    pupil_flags: tuple[str, ...]
    scr_percent: float | None
    scr_text: str
    scr_source: str
    cin_code: str
    note: str

    @property
    def recorded(self) -> bool:
        """Whether Cairn's records can show this factor yet."""
        return bool(
            self.concern_categories or self.factor_codes or self.encompass or self.pupil_flags
        )


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


# Pupil fields a household factor may read (only yes/no fields of the pupil record).
PUPIL_FLAGS = frozenset({"disadvantaged", "free_school_meals"})


@cache
def household_factors() -> tuple[HouseholdFactor, ...]:
    with (DATA / "household_factors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    factors = []
    for row in rows:
        flags = _split(row["pupil_flags"])
        unknown = set(flags) - PUPIL_FLAGS
        if unknown:
            raise ValueError(f"household_factors.csv, {row['factor']}: unknown flag {unknown}")
        factors.append(
            HouseholdFactor(
                slug=row["factor"],
                label=row["label"],
                concern_categories=_split(row["concern_categories"]),
                factor_codes=_split(row["factor_codes"]),
                encompass=row["encompass"] == "yes",
                pupil_flags=flags,
                scr_percent=float(row["scr_percent"]) if row["scr_percent"] else None,
                scr_text=row["scr_text"],
                scr_source=row["scr_source"],
                cin_code=row["cin_codes"],
                note=row["note"],
            )
        )
    return tuple(factors)


@cache
def ethnicity_groups() -> tuple[tuple[str, str], ...]:
    """(match, group) in order: an exact code, or a prefix ending in `*`."""
    with (DATA / "ethnicity_groups.csv").open(encoding="utf-8") as handle:
        return tuple((row["match"], row["group"]) for row in csv.DictReader(handle))
