"""The concerns app's codes in words (read through `sources.words`): the seeded categories (a
school may rename its own; its label is then read from its row) and the body map's regions."""

import csv
from functools import cache
from pathlib import Path

from concerns.models import BodyRegion, Outcome

_CATEGORIES = Path(__file__).resolve().parent / "data" / "categories.csv"


@cache
def categories() -> dict[str, str]:
    with _CATEGORIES.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle)}


def body_regions() -> dict[str, str]:
    return dict(BodyRegion.choices)


def outcomes() -> dict[str, str]:
    return dict(Outcome.choices)
