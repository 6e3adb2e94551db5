"""Small synthetic CTFs for tests, built from the element names in the domain reference."""

from xml.sax.saxutils import escape

DATA = __import__("pathlib").Path(__file__).resolve().parent / "data"
EXAMPLE = DATA / "ctf_example_synthetic.xml"


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def pupil_xml(
    *,
    upn: str,
    surname: str = "EXAMPLE",
    forename: str = "ALEX",
    dob: str = "2014-03-02",
    sex: str = "F",
    ethnicity: str = "WBRI",
    year: str = "7",
    former_upn: str = "",
    paon: str = "1",
    street: str = "Fictional Road",
    postcode: str = "ZZ99 9ZZ",
    contacts: list[dict[str, str]] | None = None,
    in_care: str = "false",
    extra: str = "",
) -> str:
    contacts = (
        contacts
        if contacts is not None
        else [
            {
                "forename": "Sam",
                "surname": surname,
                "relationship": "PAM",
                "pr": "true",
                "as_pupil": "true",
                "phone": "07700 900001",
            }
        ]
    )
    contact_xml = "".join(
        "<Contact>"
        + _el("Order", i)
        + _el("Surname", c["surname"])
        + _el("Forename", c["forename"])
        + _el("Relationship", c["relationship"])
        + _el("Responsibility", c.get("pr", "false"))
        + _el("AddressAsPupil", c.get("as_pupil", "false"))
        + (
            "<Phones><Phone>"
            + _el("TelephoneType", "M")
            + _el("PhoneNo", c["phone"])
            + "</Phone></Phones>"
            if c.get("phone")
            else ""
        )
        + (_el("Email", c["email"]) if c.get("email") else "")
        + "</Contact>"
        for i, c in enumerate(contacts, start=1)
    )
    return (
        "<Pupil>"
        + _el("UPN", upn)
        + _el("Surname", surname)
        + _el("Forename", forename)
        + _el("DOB", dob)
        + _el("Sex", sex)
        + "<BasicDetails>"
        + (_el("FormerUPN", former_upn) if former_upn else "")
        + _el("NCyearActual", year)
        + _el("Ethnicity", ethnicity)
        + "</BasicDetails>"
        + "<LookedAfter>"
        + _el("InCare", in_care)
        + "</LookedAfter>"
        + "<Address><BS7666Address>"
        + _el("PAON", paon)
        + _el("Street", street)
        + _el("Town", "Nowhereton")
        + "</BS7666Address>"
        + _el("PostCode", postcode)
        + "</Address>"
        + "<Contacts>"
        + contact_xml
        + "</Contacts>"
        + extra
        + "</Pupil>"
    )


def ctf(
    *pupils: str,
    version: str = "25.0",
    dest_la: str = "999",
    dest_estab: str = "8888",
    when: str = "2025-09-15T10:30:00",
) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><CTfile><Header>'
        + _el("DocumentName", "Common Transfer File")
        + _el("CTFversion", version)
        + _el("DateTime", when)
        + "<SourceSchool>"
        + _el("LEA", "999")
        + _el("Estab", "9999")
        + "</SourceSchool>"
        + "<DestSchool>"
        + _el("LEA", dest_la)
        + _el("Estab", dest_estab)
        + "</DestSchool>"
        + "</Header><CTFpupilData>"
        + "".join(pupils)
        + "</CTFpupilData></CTfile>"
    ).encode()
