"""The codes a DSL may record: the Children in Need census "factors identified at the end of
assessment" (cin-codes.md §1 [V DfE CIN XSD]), grouped by whom the factor is about.

The list and the DfE descriptions come from `factors.reference.cin_factors()` (the domain
file `cin_assessment_factors.csv`), never a copy. Two rules of the census apply:

- code 21 "No factors identified" is not a factor: it says the assessment found none, so it is
  never recorded as one (an empty list says the same);
- the legacy codes 18A and 19A (physical and sexual abuse, before they were split into 18B/18C
  and 19B/19C from the 2021 schema) are accepted for older records (cin-codes.md §1 "History").

Grouping. In the factor families 1 to 6 (alcohol, drugs, domestic abuse, mental health, learning
disability, physical disability or illness) the letter says whom the factor is about: A the
child, B the parent(s) or carer(s), C another person in the household. Elsewhere the letter does
not: 8B–8F are kinds of private fostering and 18B/18C, 19B/19C say whether the abuse of the child
was by another child or an adult, so those are about the child; 20 "Other" is its own group.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.core.exceptions import ValidationError

from factors.reference import cin_factors

NO_FACTORS_CODE = "21"
# The families whose letter names the person the factor is about (cin-codes.md §1, 1A to 6C).
_PERSON_FAMILIES = frozenset(range(1, 7))
_CODE = re.compile(r"^(\d{1,2})([A-F]?)$")


class CodeGroup(StrEnum):
    CHILD = "child"
    PARENT = "parent"
    HOUSEHOLD = "household"
    OTHER = "other"
    LEGACY = "legacy"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    CodeGroup.CHILD: "About the child",
    CodeGroup.PARENT: "About the parent(s) or carer(s)",
    CodeGroup.HOUSEHOLD: "About another person in the household",
    CodeGroup.OTHER: "Other",
    CodeGroup.LEGACY: "Older codes (records from before 2021)",
}

# 18A and 19A are not in the current code list; their descriptions are Cairn's.
LEGACY_DESCRIPTIONS = {
    "18A": "Physical abuse (legacy code, before 2021)",
    "19A": "Sexual abuse (legacy code, before 2021)",
}


@dataclass(frozen=True, slots=True)
class FactorCode:
    code: str
    description: str  # the DfE description (XSD 2024), or Cairn's for a legacy code
    group: CodeGroup

    @property
    def label(self) -> str:
        """The code with its description, as a choice in the form."""
        return f"{self.code}: {self.description}"


def _group_of(code: str) -> CodeGroup:
    if code in LEGACY_DESCRIPTIONS:
        return CodeGroup.LEGACY
    match = _CODE.match(code)
    assert match is not None, f"unexpected CIN factor code {code!r}"
    family, letter = int(match[1]), match[2]
    if not letter:
        return CodeGroup.OTHER
    if family in _PERSON_FAMILIES and letter == "B":
        return CodeGroup.PARENT
    if family in _PERSON_FAMILIES and letter == "C":
        return CodeGroup.HOUSEHOLD
    return CodeGroup.CHILD


@cache
def recordable_codes() -> dict[str, FactorCode]:
    """Every code that may be recorded as a factor, in the census's order, legacy codes last."""
    codes = {
        code: FactorCode(code=code, description=factor.description, group=_group_of(code))
        for code, factor in cin_factors().items()
        if code != NO_FACTORS_CODE
    }
    for code, description in LEGACY_DESCRIPTIONS.items():
        codes[code] = FactorCode(code=code, description=description, group=CodeGroup.LEGACY)
    return codes


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The recordable codes for a select with option groups: [(group label, [(code, label)])]."""
    groups: dict[CodeGroup, list[tuple[str, str]]] = {group: [] for group in CodeGroup}
    for factor in recordable_codes().values():
        groups[factor.group].append((factor.code, factor.label))
    return [(group.label, options) for group, options in groups.items() if options]


def validate_code(code: str) -> str:
    """The code, tidied (`" 3b "` is `3B`), if it may be recorded; otherwise ValidationError."""
    tidy = code.strip().upper()
    if not tidy:
        raise ValidationError("Choose the factor.", code="required")
    if tidy == NO_FACTORS_CODE:
        raise ValidationError(
            "21 'No factors identified' is not a factor: if nothing is known, record nothing.",
            code="no_factors",
        )
    if tidy not in recordable_codes():
        raise ValidationError(
            "%(code)s is not a Children in Need assessment factor code.",
            code="unknown",
            params={"code": tidy[:10]},
        )
    return tidy


def describe(code: str) -> str:
    """The description of a code; an unknown code (from older data) is shown as it is."""
    factor = recordable_codes().get(code)
    return factor.description if factor is not None else code
