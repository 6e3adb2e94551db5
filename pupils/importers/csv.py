"""CSV of pupils and contacts: one row per child, contacts in numbered column groups.

The columns are documented in docs/import-pupils.md. Files from an MIS report are read through a
*mapping* (a JSON file in `pupils/importers/mappings/`, or one the school writes) that renames
the MIS's headings to Cairn's, may translate values (say "Female" to "F") and may name a
day-first date format; without a mapping, dates are ISO-8601 only (Cairn domain reference,
ctf.md §5: "reject DD/MM/YYYY unless a source is configured for it").
"""

import codecs
import csv as pycsv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from audit.bounds import clip, quoted, upload_limit, upload_refusal
from pupils.importers.records import (
    AddressRecord,
    ContactRecord,
    ImportFileError,
    Phone,
    Problems,
    PupilRecord,
    check_code,
    check_ethnicity,
    check_sen,
    check_sex,
    check_upn,
    check_year_group,
    fit,
    parse_bool,
    parse_date,
    relationship_kind,
)
from pupils.models import SocialCareStatus

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
REQUIRED = ("upn", "legal_forename", "legal_surname", "date_of_birth")
PUPIL_COLUMNS = (
    *REQUIRED,
    "former_upns",
    "middle_names",
    "preferred_forename",
    "preferred_surname",
    "sex",
    "ethnicity",
    "year_group",
    "eal",
    "sen_status",
    "disability",
    "free_school_meals",
    "disadvantaged",
    "looked_after",
    "previously_looked_after",
    "young_carer",
    "social_care_status",
    "social_care_from",
    "enrolment_start",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_town",
    "address_postcode",
)
CONTACT_FIELDS = (
    "forename",
    "surname",
    "title",
    "relationship",
    "parental_responsibility",
    "lives_with_pupil",
    "priority",
    "phone",
    "mobile",
    "email",
)
MAX_IGNORED_COLUMNS = 50
_CONTACT = re.compile(r"^contact_(\d{1,2})_(" + "|".join(CONTACT_FIELDS) + r")$")
_DATE_FORMATS = {"YYYY-MM-DD": "%Y-%m-%d", "DD/MM/YYYY": "%d/%m/%Y", "DD-MM-YYYY": "%d-%m-%Y"}


@dataclass(frozen=True)
class Mapping:
    """How one MIS export's headings and values become Cairn's."""

    key: str
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # MIS heading -> Cairn column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {MIS: Cairn}
    date_format: str = "YYYY-MM-DD"
    note: str = ""

    @classmethod
    def load(cls, path: Path) -> "Mapping":
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        date_format = str(data.get("date_format", "YYYY-MM-DD"))
        if date_format not in _DATE_FORMATS:
            raise ImportFileError(
                [
                    f"Mapping {path.name}: date_format {quoted(date_format)} is not one of "
                    f"{list(_DATE_FORMATS)}."
                ]
            )
        return cls(
            key=path.stem,
            name=str(data.get("name", path.stem)),
            columns={str(k).strip().lower(): str(v) for k, v in data.get("columns", {}).items()},
            values={
                str(col): {str(k).strip().lower(): str(v) for k, v in table.items()}
                for col, table in data.get("values", {}).items()
            },
            date_format=date_format,
            note=str(data.get("note", "")),
        )


def available_mappings() -> dict[str, Mapping]:
    """The mappings shipped with Cairn, by key ("cairn" is the documented columns as they are)."""
    mappings = {
        "cairn": Mapping(key="cairn", name="Cairn's own columns (see the pupil import guide)")
    }
    for path in sorted(MAPPINGS_DIR.glob("*.json")):
        mappings[path.stem] = Mapping.load(path)
    return mappings


class _LimitedText:
    """Decodes UTF-8 (BOM tolerated) line by line, refusing files over the size limit."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        self._limit = limit
        self._read = 0
        self._buffer = ""
        self.line = 0

    def __iter__(self) -> "_LimitedText":
        return self

    def __next__(self) -> str:
        while "\n" not in self._buffer:
            chunk = self._stream.read(65536)
            self._read += len(chunk)
            if self._read > self._limit:
                raise ImportFileError([upload_refusal("pupils_csv", self._read) or ""])
            try:
                self._buffer += self._decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    [
                        f"Line {self.line + self._buffer.count(chr(10)) + 1}: the file is not "
                        f"UTF-8 text ({error.reason}). Save it from the MIS as CSV UTF-8."
                    ]
                ) from None
            if not chunk:
                break
        if not self._buffer:
            raise StopIteration
        line, sep, rest = self._buffer.partition("\n")
        self._buffer = rest
        self.line += 1
        return line + sep


class CsvReader:
    """Reads one CSV. `records()` yields each child; problems collect in `self.problems`."""

    def __init__(
        self, stream: IO[bytes], *, file_name: str, mapping: Mapping | None = None
    ) -> None:
        self.file_name = file_name
        self.mapping = mapping or Mapping(key="cairn", name="Cairn's own columns")
        self.problems = Problems()
        self.ignored_columns: list[str] = []
        self._lines = _LimitedText(stream, upload_limit("pupils_csv"))

    def records(self) -> Iterator[PupilRecord]:
        reader = pycsv.reader(self._lines)
        try:
            header = next(reader, None)
            if header is None:
                raise ImportFileError([f"{self.file_name}: the file is empty."])
            columns = self._columns(header)
            for row in reader:
                line = self._lines.line
                if not any(cell.strip() for cell in row):
                    continue
                if any("\x00" in cell for cell in row):
                    # Not text, and PostgreSQL cannot keep it: refused here, with its line.
                    self.problems.add(
                        f"Line {line}: holds a NUL character (byte 0), which is not text. "
                        "Save the file from the MIS as CSV UTF-8."
                    )
                    continue
                if len(row) > len(columns):
                    self.problems.add(
                        f"Line {line}: {len(row)} cells, but the heading row has {len(columns)}."
                    )
                    continue
                values = {
                    column: row[i].strip()
                    for i, column in enumerate(columns)
                    if column and i < len(row)
                }
                record = self._record(values, line, raw=",".join(row))
                if record is not None:
                    yield record
        except pycsv.Error as error:
            raise ImportFileError([f"Line {self._lines.line}: not valid CSV ({error})."]) from None

    def _columns(self, header: list[str]) -> list[str]:
        columns: list[str] = []
        for heading in header:
            text = heading.strip().lstrip("\ufeff")
            column = self.mapping.columns.get(text.lower(), text.lower())
            if column in PUPIL_COLUMNS or _CONTACT.match(column):
                if column in columns:
                    raise ImportFileError(
                        [f"{self.file_name}, line 1: the column {quoted(column)} appears twice."]
                    )
                columns.append(column)
            else:
                columns.append("")
                if text and len(self.ignored_columns) < MAX_IGNORED_COLUMNS:
                    self.ignored_columns.append(clip(text, 60))
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise ImportFileError(
                [
                    f"{self.file_name}, line 1: required column(s) missing: {', '.join(missing)}. "
                    f"Mapping used: {self.mapping.name}."
                ]
            )
        return columns

    def _value(self, values: dict[str, str], column: str) -> str:
        value = values.get(column, "")
        table = self.mapping.values.get(column) or self.mapping.values.get(column.split("_", 2)[-1])
        if table and value.lower() in table:
            return table[value.lower()]
        return value

    def _date(self, value: str, where: str, column: str) -> date | None:
        fmt = _DATE_FORMATS[self.mapping.date_format]
        if fmt == "%Y-%m-%d" or not value:
            return parse_date(value, where=where, field_name=column, problems=self.problems)
        try:
            return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 — a date only
        except ValueError:
            self.problems.add(
                f"{where}, {column}: {quoted(value)} is not a date in the form "
                f"{self.mapping.date_format}."
            )
            return None

    def _bool(self, values: dict[str, str], column: str, where: str) -> bool | None:
        return parse_bool(
            self._value(values, column), where=where, field_name=column, problems=self.problems
        )

    def _record(  # noqa: PLR0912 — one branch per optional column reads plainly
        self, values: dict[str, str], line: int, raw: str
    ) -> PupilRecord | None:
        p = self.problems
        before = len(p.problems) + sum(len(v) for v in p.unknown.values())
        where = f"Line {line}"

        def v(column: str) -> str:
            return self._value(values, column)

        def text(column: str, max_length: int, *, is_name: bool = False) -> str:
            return fit(
                v(column),
                max_length=max_length,
                where=where,
                field_name=column,
                problems=p,
                is_name=is_name,
            )

        upn = check_upn(v("upn"), where=where, field_name="upn", problems=p)
        forename = text("legal_forename", 100, is_name=True)
        surname = text("legal_surname", 100, is_name=True)
        if not forename:
            p.add(f"{where}, legal_forename: missing.")
        if not surname:
            p.add(f"{where}, legal_surname: missing.")
        dob = self._date(v("date_of_birth"), where, "date_of_birth")
        if dob is None and not v("date_of_birth"):
            p.add(f"{where}, date_of_birth: missing.")
        former = tuple(
            u
            for text in re.split(r"[;\s]+", v("former_upns"))
            if text and (u := check_upn(text, where=where, field_name="former_upns", problems=p))
        )
        record = PupilRecord(
            location=where,
            upn=upn or "",
            legal_forename=forename,
            legal_surname=surname,
            date_of_birth=dob or date.min,
            former_upns=former,
            raw=raw[:20000],
        )
        optional_text = ("middle_names", "preferred_forename", "preferred_surname")
        for column in optional_text:
            if column in values:
                limit = 200 if column == "middle_names" else 100
                setattr(record, column, text(column, limit, is_name=True))
        if "sex" in values:
            record.sex = check_sex(v("sex"), where=where, field_name="sex", problems=p)
        if "ethnicity" in values:
            record.ethnicity = check_ethnicity(
                v("ethnicity"), where=where, field_name="ethnicity", problems=p
            )
        if "year_group" in values:
            record.year_group = check_year_group(
                v("year_group"), where=where, field_name="year_group", problems=p
            )
        if "sen_status" in values:
            record.sen_status = check_sen(
                v("sen_status"), where=where, field_name="sen_status", problems=p
            )
        for flag in (
            "eal",
            "disability",
            "free_school_meals",
            "disadvantaged",
            "looked_after",
            "previously_looked_after",
            "young_carer",
        ):
            if flag in values:
                setattr(record, flag, self._bool(values, flag, where))
        if "social_care_status" in values:
            record.social_care_status = check_code(
                v("social_care_status").lower(),
                where=where,
                field_name="social_care_status",
                allowed={s.value.upper() for s in SocialCareStatus},
                problems=p,
            )
            record.social_care_status = (record.social_care_status or "").lower() or None
            since = self._date(v("social_care_from"), where, "social_care_from")
            if since is not None:
                record.status_dates["social_care"] = since
        if "enrolment_start" in values:
            record.enrolment_start = self._date(v("enrolment_start"), where, "enrolment_start")
        address_lines = tuple(
            line_text
            for c in ("address_line_1", "address_line_2", "address_line_3")
            if (line_text := text(c, 100))
        )
        address = AddressRecord(
            lines=address_lines,
            town=text("address_town", 100),
            postcode=text("address_postcode", 10),
        )
        record.address = None if address.is_empty else address
        if any(_CONTACT.match(c) for c in values):
            record.contacts = self._contacts(values, where, record.address)
        after = len(p.problems) + sum(len(x) for x in p.unknown.values())
        if after != before or upn is None or dob is None or not forename or not surname:
            return None
        return record

    def _contacts(
        self, values: dict[str, str], where: str, pupil_address: AddressRecord | None
    ) -> list[ContactRecord]:
        numbers = sorted({int(m.group(1)) for c in values if (m := _CONTACT.match(c))})
        contacts = []
        for n in numbers:
            prefix = f"contact_{n}_"

            def v(name: str, prefix: str = prefix) -> str:
                return self._value(values, prefix + name)

            if not any(v(name) for name in CONTACT_FIELDS):
                continue
            cwhere = f"{where}, contact {n}"
            if not v("forename") and not v("surname"):
                self.problems.add(f"{cwhere}: {prefix}forename/{prefix}surname missing.")
                continue
            pr = self._bool(values, prefix + "parental_responsibility", where)
            relation = relationship_kind(
                v("relationship"),
                responsibility=pr,
                where=cwhere,
                field_name=prefix + "relationship",
                problems=self.problems,
            )
            if relation is None:
                continue
            code, kind, lives_default = relation
            lives = self._bool(values, prefix + "lives_with_pupil", where)
            priority_text = v("priority")
            priority = (
                int(priority_text) if priority_text.isdigit() and len(priority_text) < 4 else None
            )
            if priority_text and priority is None:
                self.problems.add(
                    f"{cwhere}, {prefix}priority: {quoted(priority_text)} is not a number."
                )

            def text(
                name: str,
                max_length: int,
                *,
                is_name: bool = False,
                prefix: str = prefix,
                cwhere: str = cwhere,
            ) -> str:
                return fit(
                    self._value(values, prefix + name),
                    max_length=max_length,
                    where=cwhere,
                    field_name=prefix + name,
                    problems=self.problems,
                    is_name=is_name,
                )

            phones = tuple(
                Phone(type=kind_code, number=number)
                for kind_code, number in (("H", text("phone", 40)), ("M", text("mobile", 40)))
                if number
            )
            lives_with = lives if lives is not None else lives_default
            contacts.append(
                ContactRecord(
                    forename=text("forename", 100, is_name=True),
                    surname=text("surname", 100, is_name=True),
                    order=priority if priority is not None else n,
                    title=text("title", 30, is_name=True),
                    relationship_code=code[:10],
                    kind=kind,
                    parental_responsibility=bool(pr),
                    lives_with_pupil=lives_with,
                    phones=phones,
                    email=text("email", 254),
                    address=pupil_address if lives_with else None,
                )
            )
        return contacts
