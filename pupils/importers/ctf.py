"""The Common Transfer File: a streaming, hardened reader that yields `PupilRecord`s.

Rules followed (Cairn domain reference, ctf.md §5 "What an importer should do", [V] unless said):
- namespace-agnostic element names; UTF-8 with or without a BOM (expat handles both);
- `Sex` and the older `Gender` both accepted;
- versions N and N-1 of the current academic year accepted (ctf.md §2: "CTF 25 for 2025/26;
  suppliers import current and previous"; `CTFversion` is two digits + ".0"), others refused with
  the version named; the list is the setting CAIRN_CTF_VERSIONS where a school needs another;
- every child element optional, except what identifies a child (UPN, names, date of birth);
- ISO-8601 dates only;
- the raw XML of each pupil is kept with the record;
- it reads no safeguarding data, because the CTF carries none (ctf.md §4).

Hostile input: DTDs, entity declarations and external references are all refused (with
defusedxml's exceptions) before anything is expanded (`ctf_parse`); files over
CAIRN_UPLOAD_LIMITS["ctf"] are refused as they are read. The file is read as a stream of parse
events, each <Pupil> element cleared once converted, so memory stays flat however many pupils
the file holds.
"""

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils import timezone

from audit.bounds import describe_size, quoted, upload_limit, upload_refusal
from pupils.importers.ctf_elements import (
    element_address,
    element_field,
    element_phones,
    element_text,
    local_name,
)
from pupils.importers.ctf_parse import element_xml, iter_events
from pupils.importers.records import (
    AddressRecord,
    ContactRecord,
    ImportFileError,
    Problems,
    PupilRecord,
    check_ethnicity,
    check_sen,
    check_sex,
    check_upn,
    check_year_group,
    parse_bool,
    parse_date,
    relationship_kind,
)

_ROOTS = {"CTfile", "ATfile"}
MAX_PUPIL_XML = 1024 * 1024
_PUPIL_DATA = {"CTFpupilData", "ATFpupilData"}
_VERSION_TAGS = {"CTFversion", "ATFversion"}


def accepted_versions(today: date | None = None) -> list[str]:
    """The CTF versions this Cairn accepts: the setting, or the current academic year's and the
    one before (academic years roll on 1 August — ctf.md §2 [V])."""
    configured = getattr(settings, "CAIRN_CTF_VERSIONS", None)
    if configured:
        return [str(v) for v in configured]
    today = today or timezone.localdate()
    start_year = today.year if today.month >= 8 else today.year - 1
    current = start_year % 100
    return [f"{current}.0", f"{(current - 1) % 100}.0"]


@dataclass(frozen=True, slots=True)
class CtfHeader:
    version: str
    file_date: date | None
    source_la: str
    source_estab: str
    source_name: str
    dest_la: str
    dest_estab: str


class _Limited:
    """A file wrapper that refuses to read past `limit` bytes."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self.read_so_far = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size if size and size > 0 else 65536)
        self.read_so_far += len(chunk)
        if self.read_so_far > self._limit:
            raise ImportFileError([upload_refusal("ctf", self.read_so_far) or ""])
        return chunk


class CtfReader:
    """Reads one CTF. `records()` yields each pupil; `header` is known once the first pupil
    (or the end of the file) has been reached."""

    def __init__(self, stream: IO[bytes], *, file_name: str, today: date | None = None) -> None:
        self.file_name = file_name
        self.header: CtfHeader | None = None
        self.problems = Problems()
        self._stream = _Limited(stream, upload_limit("ctf"))
        self._today = today
        self._count = 0

    def records(self) -> Iterator[PupilRecord]:
        """Every pupil in the file, in order. Problems collect in `self.problems`; a record with
        a problem is not yielded. Refuses the whole file on malformed or hostile XML."""
        try:
            yield from self._walk()
        except ImportFileError:
            raise
        except DefusedXmlException as error:
            raise ImportFileError(
                [
                    f"{self.file_name}: refused — the XML declares a DTD, an entity or an external "
                    f"reference ({type(error).__name__}). A CTF needs none of these, and Cairn "
                    "never expands them."
                ]
            ) from None
        except ET.ParseError as error:
            line, column = getattr(error, "position", (0, 0))
            raise ImportFileError(
                [f"{self.file_name}: not well-formed XML at line {line}, column {column}: {error}"]
            ) from None

    def _walk(self) -> Iterator[PupilRecord]:
        depth = 0
        root_seen = False
        pupil_parent: ET.Element | None = None
        for event, element in iter_events(self._stream):  # type: ignore[arg-type]
            if event == "start":
                depth += 1
                name = element.tag
                if "}" in name:
                    element.tag = name = local_name(name)
                if depth == 1:
                    if name not in _ROOTS:
                        raise ImportFileError(
                            [f"{self.file_name}: the root element is <{name}>, not <CTfile>."]
                        )
                    root_seen = True
                elif name in _PUPIL_DATA:
                    pupil_parent = element
                continue
            depth -= 1
            # The tag was made local at the element's start.
            name = element.tag
            if name == "Header" and depth == 1:
                self.header = self._header(element)
            elif name == "Pupil" and pupil_parent is not None and depth == 2:
                if self.header is None:
                    raise ImportFileError(
                        [f"{self.file_name}: <Header> must come before the first <Pupil>."]
                    )
                self._count += 1
                record = self._pupil(element, self._count)
                pupil_parent.clear()
                if record is not None:
                    yield record
        if not root_seen:
            raise ImportFileError([f"{self.file_name}: the file is empty."])
        if self.header is None:
            raise ImportFileError([f"{self.file_name}: there is no <Header> element."])

    def _header(self, header: ET.Element) -> CtfHeader:
        version = next(
            (element_text(header, tag) for tag in _VERSION_TAGS if element_text(header, tag)), ""
        )
        accepted = accepted_versions(self._today)
        if version not in accepted:
            raise ImportFileError(
                [
                    f"{self.file_name}: <Header>/<CTFversion> is "
                    f"{quoted(version or 'missing')}; Cairn "
                    f"accepts {' and '.join(accepted)} (the current and previous academic years). "
                    "Ask the sending school for a file in a current version."
                ]
            )
        when = element_text(header, "DateTime")[:10]
        file_date = parse_date(
            when, where=f"{self.file_name} <Header>", field_name="DateTime", problems=self.problems
        )
        source = header.find("SourceSchool")
        dest = header.find("DestSchool")
        return CtfHeader(
            version=version,
            file_date=file_date,
            source_la=element_text(source, "LEA"),
            source_estab=element_text(source, "Estab"),
            source_name=element_text(source, "SchoolName"),
            dest_la=element_text(dest, "LEA"),
            dest_estab=element_text(dest, "Estab"),
        )

    def _pupil(self, pupil: ET.Element, index: int) -> PupilRecord | None:
        p = self.problems
        before = len(p.problems) + sum(len(v) for v in p.unknown.values())
        upn_text = element_text(pupil, "UPN")
        where = f"<Pupil> {index}" + (f" (UPN {upn_text[:13]})" if upn_text else "")
        upn = check_upn(upn_text, where=where, field_name="<UPN>", problems=p)
        surname = element_field(pupil, "Surname", 100, where=where, problems=p, is_name=True)
        forename = element_field(pupil, "Forename", 100, where=where, problems=p, is_name=True)
        if not surname:
            p.add(f"{where}, <Surname>: missing.")
        if not forename:
            p.add(f"{where}, <Forename>: missing.")
        dob = parse_date(element_text(pupil, "DOB"), where=where, field_name="<DOB>", problems=p)
        if dob is None and not element_text(pupil, "DOB"):
            p.add(f"{where}, <DOB>: missing.")
        sex_text = element_text(pupil, "Sex") or element_text(pupil, "Gender")
        sex = check_sex(sex_text, where=where, field_name="Sex", problems=p)
        basic = pupil.find("BasicDetails")
        former = []
        if basic is not None:
            for element in basic.findall("FormerUPN"):
                value = check_upn(
                    element.text or "",
                    where=where,
                    field_name="<BasicDetails>/<FormerUPN>",
                    problems=p,
                )
                if value:
                    former.append(value)
        record = PupilRecord(
            location=where,
            upn=upn or "",
            legal_forename=forename,
            legal_surname=surname,
            date_of_birth=dob or date.min,
            former_upns=tuple(former),
            sex=sex,
            raw=element_xml(pupil),
        )
        self._refuse_if_huge(record.raw, where)
        if basic is not None:
            for attribute, tag, limit in (
                ("middle_names", "MiddleNames", 200),
                ("preferred_forename", "PreferredForename", 100),
                ("preferred_surname", "PreferredSurname", 100),
            ):
                value = element_field(basic, tag, limit, where=where, problems=p, is_name=True)
                setattr(record, attribute, value)
            record.year_group = check_year_group(
                element_text(basic, "NCyearActual"),
                where=where,
                field_name="NCyearActual",
                problems=p,
            )
            record.ethnicity = check_ethnicity(
                element_text(basic, "Ethnicity"), where=where, field_name="Ethnicity", problems=p
            )
            record.eal = self._eal(basic)
            disabilities = [
                (d.text or "").strip().upper() for d in basic.iterfind("Disabilities/Disability")
            ]
            if disabilities:
                record.disability = any(d and d != "NONE" for d in disabilities)
        self._fsm(pupil, record, where)
        looked_after = pupil.find("LookedAfter")
        if looked_after is not None:
            record.looked_after = parse_bool(
                element_text(looked_after, "InCare"),
                where=where,
                field_name="<LookedAfter>/<InCare>",
                problems=p,
            )
            record.care_authority = element_field(
                looked_after, "CareAuthority", 3, where=where, problems=p
            )
        self._sen(pupil, record, where)
        record.address = element_address(pupil.find("Address"), where=where, problems=p)
        contacts = pupil.find("Contacts")
        if contacts is not None:
            record.contacts = [
                c
                for i, element in enumerate(contacts.findall("Contact"), start=1)
                if (c := self._contact(element, f"{where}, <Contact> {i}", record.address))
            ]
        after = len(p.problems) + sum(len(v) for v in p.unknown.values())
        if after != before or upn is None or dob is None or not surname or not forename:
            return None
        return record

    def _refuse_if_huge(self, raw: str, where: str) -> None:
        """A real pupil is a few KB of XML. The raw XML is kept with the record, so a huge
        element, even one Cairn does not read, would be stored whole: refused instead."""
        if len(raw) > MAX_PUPIL_XML:
            self.problems.add(
                f"{where}: {describe_size(len(raw))} of XML; a pupil's record is never "
                f"more than {describe_size(MAX_PUPIL_XML)}. Nothing was imported."
            )

    def _eal(self, basic: ET.Element) -> bool | None:
        """English as an additional language: a first language (LanguageType F) other than
        English. Which codes mean English is the setting CAIRN_ENGLISH_LANGUAGE_CODES [U]."""
        english = set(getattr(settings, "CAIRN_ENGLISH_LANGUAGE_CODES", ["ENG", "ENB"]))
        for language in basic.iterfind("Languages/Type"):
            if element_text(language, "LanguageType").upper() == "F":
                code = element_text(language, "Language").upper()
                if code:
                    return code not in english
        return None

    def _fsm(self, pupil: ET.Element, record: PupilRecord, where: str) -> None:
        history = pupil.find("FSMhistory")
        if history is None:
            return
        today = self._today or timezone.localdate()
        current: date | None = None
        seen = False
        for instance in history.iterfind("FSMinstance"):
            seen = True
            start = parse_date(
                element_text(instance, "FSMstartDate"),
                where=where,
                field_name="<FSMinstance>/<FSMstartDate>",
                problems=self.problems,
            )
            end = parse_date(
                element_text(instance, "FSMendDate"),
                where=where,
                field_name="<FSMinstance>/<FSMendDate>",
                problems=self.problems,
            )
            if start is not None and (end is None or end >= today):
                current = start if current is None else min(current, start)
        if seen:
            record.free_school_meals = current is not None
            if current is not None:
                record.status_dates["free_school_meals"] = current

    def _sen(self, pupil: ET.Element, record: PupilRecord, where: str) -> None:
        latest: tuple[date, str] | None = None
        for sen in pupil.iterfind("SENhistory/SEN"):
            start = parse_date(
                element_text(sen, "StartDate"),
                where=where,
                field_name="<SEN>/<StartDate>",
                problems=self.problems,
            )
            provision = check_sen(
                element_text(sen, "SENprovision"),
                where=where,
                field_name="SENprovision",
                problems=self.problems,
            )
            if provision is not None and (latest is None or (start or date.min) >= latest[0]):
                latest = (start or date.min, provision)
        if latest is not None:
            record.sen_status = latest[1]
            if latest[0] != date.min:
                record.status_dates["sen"] = latest[0]

    def _contact(
        self, element: ET.Element, where: str, pupil_address: AddressRecord | None
    ) -> ContactRecord | None:
        p = self.problems
        forename = element_field(element, "Forename", 100, where=where, problems=p, is_name=True)
        surname = element_field(element, "Surname", 100, where=where, problems=p, is_name=True)
        if not forename and not surname:
            p.add(f"{where}, <Forename>/<Surname>: a contact needs a name.")
            return None
        responsibility = parse_bool(
            element_text(element, "Responsibility"),
            where=where,
            field_name="<Responsibility>",
            problems=p,
        )
        relation = relationship_kind(
            element_text(element, "Relationship"),
            responsibility=responsibility,
            where=where,
            field_name="Relationship",
            problems=p,
        )
        if relation is None:
            return None
        code, kind, lives_default = relation
        order_text = element_text(element, "Order")
        order = int(order_text) if order_text.isdigit() and len(order_text) < 4 else None
        if order_text and order is None:
            p.add(f"{where}, <Order>: {quoted(order_text)} is not a whole number.")
        as_pupil = parse_bool(
            element_text(element, "AddressAsPupil"),
            where=where,
            field_name="<AddressAsPupil>",
            problems=p,
        )
        address = (
            pupil_address
            if as_pupil
            else element_address(element.find("Address"), where=where, problems=p)
        )
        lives_with = bool(as_pupil) if as_pupil is not None else lives_default and address is None
        return ContactRecord(
            forename=forename,
            surname=surname,
            order=order,
            title=element_field(element, "Title", 30, where=where, problems=p, is_name=True),
            middle_names=element_field(
                element, "MiddleNames", 200, where=where, problems=p, is_name=True
            ),
            relationship_code=code[:10],
            kind=kind,
            parental_responsibility=bool(responsibility),
            lives_with_pupil=lives_with,
            phones=element_phones(element, where=where, problems=p),
            email=element_field(element, "Email", 254, where=where, problems=p),
            address=address,
        )


def peek_destination(path: Path) -> tuple[str, str] | None:
    """The (LA, establishment) a CTF is addressed to, read from its header only."""
    try:
        with path.open("rb") as stream:
            for _event, element in iterparse(
                _Limited(stream, 1 << 20),
                events=("end",),
                forbid_dtd=True,
                forbid_entities=True,
                forbid_external=True,
            ):
                if local_name(element.tag) == "DestSchool":
                    la, estab = "", ""
                    for child in element:
                        if local_name(child.tag) == "LEA":
                            la = (child.text or "").strip()
                        elif local_name(child.tag) == "Estab":
                            estab = (child.text or "").strip()
                    return (la, estab) if la and estab else None
                if local_name(element.tag) in _PUPIL_DATA | {"Pupil"}:
                    return None
    except (ImportFileError, DefusedXmlException, ET.ParseError):
        return None
    return None
