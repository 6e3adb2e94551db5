"""What every importer produces: one `PupilRecord` per child, validated, codes checked.

`None` in a field means "the file does not say"; the importer then keeps what Cairn has.
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from audit.bounds import clip, name_problem, quoted, visible
from pupils.codes import ethnicity_codes, relationship_codes, year_groups
from pupils.models import RelationshipKind, SenStatus, Sex
from pupils.upn import upn_problem

MAX_ERRORS = 50
# The upload kind (settings.CAIRN_UPLOAD_LIMITS) of each kind of pupil file.
UPLOAD_KINDS = {"ctf": "ctf", "csv": "pupils_csv"}
PROBLEM_LIMIT = 600


class ImportFileError(Exception):
    """The file cannot be imported. `problems` name the line or element and the field."""

    def __init__(self, problems: list[str], unknown_codes: dict[str, set[str]] | None = None):
        self.problems = problems
        self.unknown_codes = unknown_codes or {}
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = list(self.problems)
        for field_name, codes in sorted(self.unknown_codes.items()):
            lines.append(
                f"Unknown {field_name} codes (not guessed; add them to Cairn's code list if they "
                f"are right): {', '.join(sorted(codes))}"
            )
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class AddressRecord:
    saon: str = ""
    paon: str = ""
    street: str = ""
    locality: str = ""
    town: str = ""
    administrative_area: str = ""
    lines: tuple[str, ...] = ()
    postcode: str = ""
    uprn: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.saon, self.paon, self.street, self.locality, self.town, self.lines, self.postcode)
        )

    @property
    def match_key(self) -> str:
        return address_match_key(
            postcode=self.postcode,
            first_line=" ".join(p for p in (self.saon, self.paon, self.street) if p)
            or (self.lines[0] if self.lines else ""),
        )


def address_match_key(*, postcode: str, first_line: str) -> str:
    """Normalised postcode and first line: two spellings of one address give one key."""
    postcode_part = re.sub(r"[^A-Z0-9]", "", postcode.upper())
    line_part = re.sub(r"[^A-Z0-9]+", " ", first_line.upper()).strip()
    return f"{postcode_part}|{line_part}"[:200]


@dataclass(frozen=True, slots=True)
class Phone:
    type: str
    number: str


@dataclass(slots=True)
class ContactRecord:
    forename: str
    surname: str
    order: int | None = None
    title: str = ""
    middle_names: str = ""
    relationship_code: str = ""
    kind: RelationshipKind = RelationshipKind.OTHER_CONTACT
    parental_responsibility: bool = False
    lives_with_pupil: bool = False
    phones: tuple[Phone, ...] = ()
    email: str = ""
    address: AddressRecord | None = None

    @property
    def name_key(self) -> str:
        return f"{self.forename.strip().lower()}|{self.surname.strip().lower()}"


@dataclass(slots=True)
class PupilRecord:
    location: str  # "Pupil 3 (<Pupil> element)" or "line 7": where errors point
    upn: str
    legal_forename: str
    legal_surname: str
    date_of_birth: date
    former_upns: tuple[str, ...] = ()
    middle_names: str | None = None
    preferred_forename: str | None = None
    preferred_surname: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    year_group: str | None = None
    eal: bool | None = None
    sen_status: str | None = None
    disability: bool | None = None
    free_school_meals: bool | None = None
    disadvantaged: bool | None = None
    looked_after: bool | None = None
    care_authority: str | None = None
    previously_looked_after: bool | None = None
    young_carer: bool | None = None
    social_care_status: str | None = None
    enrolment_start: date | None = None
    address: AddressRecord | None = None
    contacts: list[ContactRecord] | None = None
    raw: str = ""
    status_dates: dict[str, date] = field(default_factory=dict)


class Problems:
    """Collects problems across a file so one run reports many, not just the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.unknown: dict[str, set[str]] = defaultdict(set)

    def add(self, message: str) -> None:
        if len(self.problems) < MAX_ERRORS:
            # Values in a message are quoted short (`quoted`); this bounds the rest of it too.
            self.problems.append(clip(message, PROBLEM_LIMIT))
        elif len(self.problems) == MAX_ERRORS:
            self.problems.append(f"… and more; only the first {MAX_ERRORS} problems are listed.")

    def unknown_code(self, where: str, field_name: str, value: str) -> None:
        if len(self.unknown[field_name]) < MAX_ERRORS:
            self.unknown[field_name].add(visible(clip(value, 40)))
        self.add(f"{where}, {field_name}: {quoted(value)} is not a known code.")

    def __bool__(self) -> bool:
        return bool(self.problems or self.unknown)

    def raise_if_any(self) -> None:
        if self:
            raise ImportFileError(self.problems, dict(self.unknown))


def fit(
    value: str,
    *,
    max_length: int,
    where: str,
    field_name: str,
    problems: Problems,
    is_name: bool = False,
) -> str:
    """`value` if it fits its column (and, for a name, holds no hidden control characters);
    otherwise a problem naming the line and field. Never cut short: a 100,000-character forename
    is refused, not stored as its first 100 characters."""
    if len(value) > max_length:
        problems.add(
            f"{where}, {field_name}: {len(value):,} characters, longer than the {max_length} "
            f"Cairn keeps ({quoted(value, 40)})."
        )
    elif is_name and (problem := name_problem(value)):
        problems.add(f"{where}, {field_name}: {quoted(value, 60)} {problem}.")
    return value


# Values of Sex/Gender accepted: CTF/census M, F and U (not known) — ctf.md §3.
_SEXES = {s.value for s in Sex}
# CTF SENprovision: N, E, K [P] (ctf.md §3); the legacy S and A are refused with their code named.
_SEN = {s.value for s in SenStatus}
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


def parse_bool(value: str, *, where: str, field_name: str, problems: Problems) -> bool | None:
    text = value.strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    problems.add(f"{where}, {field_name}: {quoted(value)} is not true or false.")
    return None


def parse_date(value: str, *, where: str, field_name: str, problems: Problems) -> date | None:
    """ISO-8601 dates only (ctf.md §5: reject DD/MM/YYYY unless a source is configured)."""
    text = value.strip()
    if text == "":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems.add(f"{where}, {field_name}: {quoted(value)} is not a date in the form YYYY-MM-DD.")
    return None


def check_upn(value: str, *, where: str, field_name: str, problems: Problems) -> str | None:
    upn = value.strip().upper()
    problem = upn_problem(upn)
    if problem:
        problems.add(f"{where}, {field_name}: {problem}")
        return None
    return upn


def check_code(
    value: str,
    *,
    where: str,
    field_name: str,
    allowed: set[str] | Mapping[str, object],
    problems: Problems,
) -> str | None:
    code = value.strip().upper()
    if code == "":
        return None
    if code not in allowed:
        problems.unknown_code(where, field_name, code)
        return None
    return code


def check_sex(value: str, *, where: str, field_name: str, problems: Problems) -> str | None:
    return check_code(value, where=where, field_name=field_name, allowed=_SEXES, problems=problems)


def check_sen(value: str, *, where: str, field_name: str, problems: Problems) -> str | None:
    return check_code(value, where=where, field_name=field_name, allowed=_SEN, problems=problems)


def check_ethnicity(value: str, *, where: str, field_name: str, problems: Problems) -> str | None:
    return check_code(
        value, where=where, field_name=field_name, allowed=ethnicity_codes(), problems=problems
    )


def check_year_group(value: str, *, where: str, field_name: str, problems: Problems) -> str | None:
    return check_code(
        value, where=where, field_name=field_name, allowed=year_groups(), problems=problems
    )


_KIND_VALUES = {k.value for k in RelationshipKind}


def relationship_kind(
    code: str, *, responsibility: bool | None, where: str, field_name: str, problems: Problems
) -> tuple[str, RelationshipKind, bool] | None:
    """(raw code, Cairn kind, lives-with default) for a relationship code; unknown codes are
    reported, never guessed. Accepts the MIS codes in relationship_codes.csv and Cairn's own
    kind names (for CSV files written by hand)."""
    text = code.strip()
    if text == "":
        problems.add(f"{where}, {field_name}: the relationship is missing.")
        return None
    if text.lower() in _KIND_VALUES:
        kind = RelationshipKind(text.lower())
        if kind in {RelationshipKind.PARENT_WITH_PR, RelationshipKind.PARENT_WITHOUT_PR}:
            kind = (
                RelationshipKind.PARENT_WITH_PR
                if responsibility
                else RelationshipKind.PARENT_WITHOUT_PR
            )
        return text.lower(), kind, kind != RelationshipKind.PROFESSIONAL
    entry = relationship_codes().get(text.upper())
    if entry is None:
        problems.unknown_code(where, field_name, text.upper())
        return None
    if entry.cairn_kind == "parent":
        kind = (
            RelationshipKind.PARENT_WITH_PR
            if responsibility
            else RelationshipKind.PARENT_WITHOUT_PR
        )
    else:
        kind = RelationshipKind(entry.cairn_kind)
    return entry.code, kind, entry.lives_with_default
