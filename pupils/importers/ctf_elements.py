"""Reading the elements of a CTF <Pupil>: text, a field checked against its column, phones and
addresses (ctf.md §5 [V]); each refusal names the pupil and the element."""

import xml.etree.ElementTree as ET

from pupils.importers.records import AddressRecord, Phone, Problems, fit


def local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag if "}" not in tag else tag.rsplit("}", 1)[-1]


def element_text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    child = element.find(name)
    return (child.text or "").strip() if child is not None else ""


def element_field(
    element: ET.Element | None,
    name: str,
    max_length: int,
    *,
    where: str,
    problems: Problems,
    is_name: bool = False,
) -> str:
    """The text of `name` under `element`, refused (a problem naming the pupil and element) if
    it is longer than its column or, for a name, holds hidden control characters."""
    return fit(
        element_text(element, name),
        max_length=max_length,
        where=where,
        field_name=f"<{name}>",
        problems=problems,
        is_name=is_name,
    )


def element_phones(element: ET.Element, *, where: str, problems: Problems) -> tuple[Phone, ...]:
    return tuple(
        Phone(
            type=element_field(phone, "TelephoneType", 5, where=where, problems=problems),
            number=element_field(phone, "PhoneNo", 40, where=where, problems=problems),
        )
        for phone in element.iterfind("Phones/Phone")
        if element_text(phone, "PhoneNo")
    )


def element_address(
    element: ET.Element | None, *, where: str, problems: Problems
) -> AddressRecord | None:
    if element is None:
        return None
    bs = element.find("BS7666Address")
    lines_parent = element.find("AddressLines")
    lines: tuple[str, ...] = ()

    def field(parent: ET.Element | None, name: str, max_length: int = 100) -> str:
        return element_field(
            parent, name, max_length, where=f"{where}, <Address>", problems=problems
        )

    if lines_parent is not None:
        lines = tuple(t for i in range(1, 6) if (t := field(lines_parent, f"AddressLine{i}")))
    record = AddressRecord(
        saon=field(bs, "SAON"),
        paon=field(bs, "PAON"),
        street=field(bs, "Street"),
        locality=field(bs, "Locality"),
        town=field(bs, "Town") or field(bs, "PostTown"),
        administrative_area=field(bs, "AdministrativeArea"),
        lines=lines,
        postcode=field(element, "PostCode", 10),
        uprn=field(bs, "UniquePropertyReferenceNumber", 12),
    )
    return None if record.is_empty else record
