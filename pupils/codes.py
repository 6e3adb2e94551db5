"""Code lists the pupils app validates against, loaded from the CSV files in `pupils/data/`.

Codes are data (Cairn domain reference, README.md "Rules for developers" 4): each list is read
from a file whose path is a setting, so a school can correct or extend it without a code release.
Sources and confidence tags of each file: `pupils/data/README.md`.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class RelationshipCode:
    code: str
    label: str
    cairn_kind: str  # "parent" (split by parental responsibility) or a RelationshipKind value
    lives_with_default: bool


def _path(setting: str, default: str) -> Path:
    return Path(getattr(settings, setting, "") or _DATA / default)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@cache
def ethnicity_codes() -> dict[str, str]:
    """DfE ethnicity code -> label."""
    rows = _rows(_path("CAIRN_ETHNICITY_CODES_FILE", "ethnicity_codes.csv"))
    return {row["code"].upper(): row["label"] for row in rows}


@cache
def year_groups() -> dict[str, str]:
    """National curriculum year code -> label, in teaching order."""
    rows = _rows(_path("CAIRN_YEAR_GROUPS_FILE", "year_groups.csv"))
    return {row["code"].upper(): row["label"] for row in rows}


@cache
def relationship_codes() -> dict[str, RelationshipCode]:
    """CTF contact relationship code -> what Cairn makes of it."""
    rows = _rows(_path("CAIRN_RELATIONSHIP_CODES_FILE", "relationship_codes.csv"))
    return {
        row["code"].upper(): RelationshipCode(
            code=row["code"].upper(),
            label=row["label"],
            cairn_kind=row["cairn_kind"],
            lives_with_default=row["lives_with_default"].lower() == "true",
        )
        for row in rows
    }


def validate_ethnicity_code(value: str) -> None:
    """Blank, or a code in the DfE ethnicity list."""
    if value and value.upper() not in ethnicity_codes():
        raise ValidationError(f"{value!r} is not a DfE ethnicity code in Cairn's list.")


def validate_year_group(value: str) -> None:
    if value and value.upper() not in year_groups():
        raise ValidationError(f"{value!r} is not a national curriculum year group.")


def enrolment_end_reasons() -> dict[str, str]:
    """Why a child left a school's roll, in words (for `sources.words`)."""
    from pupils.models import EnrolmentEndReason

    return dict(EnrolmentEndReason.choices)


def ethnicity_words() -> dict[str, str]:
    """DfE ethnicity codes as a person reads them: the DfE label, its dash written as a comma
    ("White - British" becomes "White, British")."""
    return {code: label.replace(" - ", ", ") for code, label in ethnicity_codes().items()}
