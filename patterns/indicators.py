"""Indicator slugs: what a recorded category or CIN factor shows, and the groups detectors count.

The mapping is data (`patterns/data/indicators.json`, with its sources), never literals in code
(Cairn domain reference, README.md "Rules for developers" 4). It is keyed by the KCSIE category
codes, specific-issue names and CIN factor codes of the domain reference; the concerns app's own
category slugs are added under `categories` when that app is merged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "indicators.json"


class IndicatorDataError(ValueError):
    """The indicator mapping file is malformed; the message names the key at fault."""


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for key in ("categories", "cin_factors", "groups"):
        if not isinstance(data.get(key), dict):
            raise IndicatorDataError(f"{DATA_FILE.name}: '{key}' must be an object")
    for name, group in data["groups"].items():
        if not isinstance(group.get("indicators"), list) or not group.get("source"):
            raise IndicatorDataError(
                f"{DATA_FILE.name}: group '{name}' needs 'indicators' (a list) and 'source'"
            )
    return data


def indicators_for(categories: Iterable[str]) -> frozenset[str]:
    """The indicator slugs the given category codes show. Unknown categories show none."""
    mapping: dict[str, list[str]] = _data()["categories"]
    return frozenset(slug for code in categories for slug in mapping.get(code, ()))


def indicator_for_cin(code: str) -> str | None:
    """The indicator slug a CIN assessment factor code shows (cin-codes.md §1), if any."""
    value: str | None = _data()["cin_factors"].get(code.strip().upper())
    return value


def group(name: str) -> frozenset[str]:
    """The indicator slugs in the named group; KeyError names an unknown group."""
    groups: dict[str, dict[str, Any]] = _data()["groups"]
    if name not in groups:
        raise KeyError(f"no indicator group '{name}' in {DATA_FILE.name}")
    return frozenset(groups[name]["indicators"])


def group_source(name: str) -> str:
    """Where the named group comes from, for docs and the 'why' text."""
    source: str = _data()["groups"][name]["source"]
    return source


def action_kind_for(description: str) -> str | None:
    """What an action addresses, from the words of its description (`action_kinds` in the data
    file, national-reviews.md §4 "Practical tasks instead of parenting" [V SecEd]): the first
    kind in `order` any of whose words or phrases appears as whole words; None if none does."""
    data: dict[str, Any] = _data().get("action_kinds", {})
    text = " ".join(re.findall(r"[a-z0-9:'-]+", description.lower()))
    for kind in data.get("order", []):
        for phrase in data.get("words", {}).get(kind, []):
            words = " ".join(re.findall(r"[a-z0-9:'-]+", phrase.lower()))
            if words and re.search(rf"(?<![a-z0-9]){re.escape(words)}(?![a-z0-9])", text):
                return str(kind)
    return None


@cache
def labels() -> dict[str, str]:
    """Each indicator slug in words (`patterns/data/indicator_words.csv`), for `sources.words`."""
    import csv

    with (DATA_FILE.parent / "indicator_words.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["words"] for row in csv.DictReader(handle)}
