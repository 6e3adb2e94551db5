"""The statutory register codes, loaded as data, and how a raw mark becomes a statutory one.

Source: School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208) reg 10,
in force 19 Aug 2024 [V] — Cairn domain reference `attendance.md` §2 and its machine-readable
table `attendance_codes_2024.csv` (copied unchanged into `attendance/data/`, see SOURCES.md).
Retired codes `H`, `J`, `Y` are kept for history with the treatment in force before they were
retired (`attendance.md` §5, mixed [V]/[U]; the [U] ones are overridable in settings).

Every mark is stored as one *storage character* per session (`data/storage_chars.csv`), with
`NO_MARK` where the register holds nothing. The raw code is kept beside it where it differs.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models

DATA_DIR = Path(__file__).resolve().parent / "data"
CODES_CSV = DATA_DIR / "attendance_codes_2024.csv"
NO_MARK = "-"
SESSIONS_PER_WEEK = 10  # Monday AM .. Friday PM (`attendance.md` §1: two sessions a day [V])


class Treatment(models.TextChoices):
    """Statistical treatment groups (`attendance.md` §2, "Treatment groups used below" [V])."""

    PRESENT = "present", "Present"
    AEA = "aea", "Approved educational activity"
    AUTHORISED = "authorised", "Authorised absence"
    UNAUTHORISED = "unauthorised", "Unauthorised absence"
    NOT_COUNTED = "not_counted", "Not counted"


# The CSV's wording for each treatment. Retired rows say "n/a" and take their dated treatment.
_CSV_TREATMENTS = {
    "present": Treatment.PRESENT,
    "present (approved educational activity)": Treatment.AEA,
    "authorised absence": Treatment.AUTHORISED,
    "unauthorised absence": Treatment.UNAUTHORISED,
}


def _treatment_from_csv(text: str) -> Treatment | None:
    text = text.strip().lower()
    if text in _CSV_TREATMENTS:
        return _CSV_TREATMENTS[text]
    if text.startswith("not counted"):
        return Treatment.NOT_COUNTED
    if text == "n/a":
        return None
    raise ValueError(f"attendance_codes_2024.csv: unknown statistical treatment {text!r}")


@dataclass(frozen=True, slots=True)
class AttendanceCode:
    code: str
    meaning: str
    category: str
    treatment: Treatment | None  # None for a retired code: see `retired_treatment`
    counts_in_possible: bool | None
    retired: bool
    notes: str
    storage_char: str
    retired_on: date | None = None
    retired_treatment: Treatment | None = None  # the treatment of marks dated before retired_on
    replaced_by: str = ""

    def treatment_on(self, day: date) -> Treatment:
        """The statistical treatment of this code for a mark on `day`."""
        if not self.retired:
            assert self.treatment is not None
            return self.treatment
        assert self.retired_treatment is not None
        return self.retired_treatment

    def possible_on(self, day: date) -> bool:
        return self.treatment_on(day) != Treatment.NOT_COUNTED

    def usable_on(self, day: date) -> bool:
        """Whether a mark with this code may be dated `day` (retired codes only before)."""
        return self.retired_on is None or day < self.retired_on


@dataclass(frozen=True, slots=True)
class CodeTable:
    by_code: dict[str, AttendanceCode]
    by_storage: dict[str, AttendanceCode]

    def get(self, code: str) -> AttendanceCode | None:
        return self.by_code.get(code)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def code_table() -> CodeTable:
    """The 2024 table with retired codes, each with its storage character."""
    storage = {
        row["code"]: row["storage_char"] for row in _read_csv(DATA_DIR / "storage_chars.csv")
    }
    retired_rows = {row["code"]: row for row in _read_csv(DATA_DIR / "retired_codes.csv")}
    overrides: dict[str, str] = settings.CAIRN_ATTENDANCE_RETIRED_TREATMENTS
    codes: dict[str, AttendanceCode] = {}
    for row in _read_csv(CODES_CSV):
        code = row["code"]
        retired = row["regulation_2024_category"].strip().lower() == "retired"
        possible = row["counts_in_possible_sessions"].strip().lower()
        retired_row = retired_rows.get(code)
        if retired and retired_row is None:
            raise ValueError(f"retired code {code} has no row in retired_codes.csv")
        codes[code] = AttendanceCode(
            code=code,
            meaning=row["meaning"],
            category=row["regulation_2024_category"],
            treatment=_treatment_from_csv(row["statistical_treatment"]),
            counts_in_possible={"yes": True, "no": False}.get(possible),
            retired=retired,
            notes=row["notes"],
            storage_char=storage[code],
            retired_on=date.fromisoformat(retired_row["retired_on"]) if retired_row else None,
            retired_treatment=Treatment(overrides.get(code, retired_row["treatment_before"]))
            if retired_row
            else None,
            replaced_by=retired_row["replaced_by"] if retired_row else "",
        )
    return CodeTable(by_code=codes, by_storage={c.storage_char: c for c in codes.values()})


def default_mappings() -> dict[str, str]:
    """Default raw → statutory equivalents (`data/mis_mappings.csv`; `attendance.md` §5).

    The Capita One one-character stand-ins are a vendor mapping, [U] as a standard, so
    `CAIRN_ATTENDANCE_VENDOR_SINGLE_CHARACTERS` can switch them off.
    """
    rows = _read_csv(Path(settings.CAIRN_ATTENDANCE_DEFAULT_MAPPINGS))
    use_single = settings.CAIRN_ATTENDANCE_VENDOR_SINGLE_CHARACTERS
    return {
        row["raw_code"]: row["statutory_code"]
        for row in rows
        if use_single or row["kind"] != "single_character"
    }


class UnknownCodeError(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


@dataclass(frozen=True, slots=True)
class CodeMap:
    """How one school's raw marks become statutory codes: defaults, then the school's own."""

    raw_to_code: dict[str, AttendanceCode]
    pattern: re.Pattern[str]
    single_char_fast: frozenset[str]  # raw characters that are whole tokens and prefix nothing

    @classmethod
    def build(cls, school_mappings: dict[str, str] | None = None) -> "CodeMap":
        table = code_table()
        raw: dict[str, AttendanceCode] = dict(table.by_code)
        for source in (default_mappings(), school_mappings or {}):
            for raw_code, statutory in source.items():
                target = table.get(statutory)
                if target is None:
                    raise ValueError(f"mapping {raw_code!r} → unknown statutory code {statutory!r}")
                raw[raw_code] = target
        tokens = sorted([*raw, NO_MARK], key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(t) for t in tokens))
        prefixes = {t[0] for t in tokens if len(t) > 1}
        fast = frozenset(t for t in [*raw, NO_MARK] if len(t) == 1 and t not in prefixes)
        return cls(raw_to_code=raw, pattern=pattern, single_char_fast=fast)

    def tokenise(self, marks: str) -> list[str]:
        """Split a string of marks into tokens: by whitespace if it has any, else by the
        longest known code at each position (`attendance.md` §5: never assume one character
        is one code). Raises UnknownCodeError naming the first text that is no known code."""
        marks = marks.strip()
        if any(ch.isspace() for ch in marks):
            tokens = marks.split()
            for token in tokens:
                if token != NO_MARK and token not in self.raw_to_code:
                    raise UnknownCodeError(token)
            return tokens
        if all(ch in self.single_char_fast for ch in marks):
            return list(marks)
        tokens = []
        position = 0
        for match in self.pattern.finditer(marks):
            if match.start() != position:
                raise UnknownCodeError(marks[position : match.start()])
            tokens.append(match.group())
            position = match.end()
        if position != len(marks):
            raise UnknownCodeError(marks[position:])
        return tokens

    def resolve(self, token: str) -> AttendanceCode | None:
        """The statutory code for a raw token; None for NO_MARK; UnknownCodeError otherwise."""
        if token == NO_MARK:
            return None
        code = self.raw_to_code.get(token)
        if code is None:
            raise UnknownCodeError(token)
        return code


def storage_chars(codes: list[str]) -> str:
    """The storage characters of the named statutory codes (for settings such as late codes)."""
    table = code_table()
    return "".join(table.by_code[c].storage_char for c in codes)
