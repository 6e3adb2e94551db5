"""Issue 14, items 3 and 9: pupil files with over-long fields, huge values and hidden direction
controls are refused whole, with the line named, and nothing they quote is unbounded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.bounds import QUOTE_LIMIT, quoted
from audit.models import AuditAction, AuditEvent
from pupils.importers.apply import import_file
from pupils.importers.records import ImportFileError
from pupils.models import ImportBatch, ImportKind, Person, Pupil
from pupils.tests.ctf_files import ctf, pupil_xml

pytestmark = pytest.mark.django_db

U1, U2 = "R999888825002", "F999888825003"
HEADER = "upn,legal_forename,legal_surname,date_of_birth,contact_1_forename,contact_1_surname,"
HEADER += "contact_1_relationship\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def _row(upn=U1, forename="Ava", surname="Testchild", contact="Kim") -> str:
    return f"{upn},{forename},{surname},2016-05-17,{contact},Testchild,PAM\n"


def _import(data: bytes, school, kind=ImportKind.CSV):
    return import_file(
        kind=kind,
        stream=io.BytesIO(data),
        file_name="pupils.csv" if kind == ImportKind.CSV else "pupils.xml",
        school=school,
        actor=None,
        dry_run=False,
    )


def test_quoted_caps_a_value_at_200_characters_with_an_ellipsis():
    text = quoted("x" * 100_000)
    assert len(text) == QUOTE_LIMIT + 2  # the quotes
    assert text.endswith("…'")
    assert quoted("short") == "'short'"


def test_a_forename_longer_than_its_column_is_refused_not_cut_short(school):
    # Before the fix a 100,000-character forename was cut to 100 characters and imported.
    data = _csv(_row(), _row(upn=U2, forename="A" * 100_000))
    with pytest.raises(ImportFileError) as refused:
        _import(data, school)
    problems = refused.value.problems
    assert problems == [problems[0]]
    assert problems[0].startswith("Line 3, legal_forename: 100,000 characters, longer than the 100")
    assert len(problems[0]) < 200
    assert Pupil.objects.count() == 0


def test_a_contact_name_longer_than_its_column_is_refused(school):
    with pytest.raises(ImportFileError, match=r"Line 2, contact 1, contact_1_forename: 150 char"):
        _import(_csv(_row(contact="K" * 150)), school)
    assert Person.objects.count() == 0


def test_a_huge_value_is_quoted_short_in_the_error_batch_summary_and_audit_event(school):
    # Before the fix the whole value was in the message, the failed batch's summary and the
    # audit event: a 200 MB element stored twice.
    huge = "9" * 100_000  # under the csv module's own 131,072-character field limit
    data = _csv(f"{U1},Ava,Testchild,{huge}\n")
    with pytest.raises(ImportFileError) as refused:
        _import(data, school)
    assert len(str(refused.value)) < 1000
    batch = ImportBatch.objects.get()
    assert len(str(batch.summary)) < 2000
    event = AuditEvent.objects.get(action=AuditAction.PUPILS_IMPORT_REFUSED)
    assert len(str(event.details)) < 2000


def test_a_ctf_surname_longer_than_its_column_names_the_pupil(receiving_school):
    data = ctf(pupil_xml(upn=U1, surname="S" * 101))
    with pytest.raises(ImportFileError, match=r"<Pupil> 1 \(UPN R999888825002\), <Surname>: 101"):
        _import(data, receiving_school, kind=ImportKind.CTF)
    assert Pupil.objects.count() == 0


def test_a_ctf_address_line_longer_than_its_column_is_refused(receiving_school):
    data = ctf(pupil_xml(upn=U1, street="x" * 500))
    with pytest.raises(ImportFileError, match=r"<Address>, <Street>: 500 characters"):
        _import(data, receiving_school, kind=ImportKind.CTF)


@pytest.mark.parametrize(
    "control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u200f", "\u0007", "\t", "\u0085"]
)
def test_a_name_with_a_direction_or_control_character_is_refused(school, control):
    # Before the fix "Ava\u202eKcim" was stored and shown as "AvamicK".
    with pytest.raises(ImportFileError, match=r"Line 2, legal_surname: .* hidden"):
        _import(_csv(_row(surname=f"Test{control}child")), school)
    assert Pupil.objects.count() == 0


def test_a_ctf_contact_name_with_a_right_to_left_override_is_refused(receiving_school):
    contact = {"forename": "Sam\u202e", "surname": "EXAMPLE", "relationship": "PAM"}
    data = ctf(pupil_xml(upn=U1, contacts=[contact]))
    with pytest.raises(ImportFileError, match=r"<Contact> 1, <Forename>: .*direction"):
        _import(data, receiving_school, kind=ImportKind.CTF)


def test_names_in_other_scripts_are_accepted(school):
    _import(_csv(_row(forename="Zoë-Siân", surname="أحمد")), school)
    assert Pupil.objects.get().legal_surname == "أحمد"


def test_the_command_refuses_an_oversized_file_before_reading_it(school, settings, tmp_path):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "pupils_csv": 64}
    path = tmp_path / "pupils.csv"
    path.write_bytes(_csv(_row()))
    with pytest.raises(CommandError, match=r"pupils.csv: The file is .*CAIRN_UPLOAD_LIMITS"):
        call_command("import_pupils", str(path), "--school", school.urn)
    assert not ImportBatch.objects.exists()


def test_a_nul_character_in_a_cell_is_refused_with_its_line(school):
    # PostgreSQL cannot keep a NUL: before the fix the import crashed there with a DataError.
    with pytest.raises(ImportFileError, match=r"^Line 2: holds a NUL character"):
        _import(_csv(_row(surname="Test\x00child")), school)
    assert Pupil.objects.count() == 0


def test_a_huge_element_the_importer_does_not_read_is_refused_not_stored(receiving_school):
    # Before the fix a <Pupil> carrying 2 MB in an element Cairn ignores was kept whole as the
    # pupil's raw record.
    data = ctf(pupil_xml(upn=U1, extra="<Notes>" + "n" * 2_000_000 + "</Notes>"))
    with pytest.raises(ImportFileError, match=r"<Pupil> 1 \(UPN R999888825002\): 1.9 MB of XML"):
        _import(data, receiving_school, kind=ImportKind.CTF)
    assert Pupil.objects.count() == 0


def test_a_5_mb_upload_does_not_make_a_5_mb_page(client_for, school_admin, settings, tmp_path):
    # Before the fix every problem quoted its value whole: a 5 MB upload, a 5 MB page.
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    rows = "".join(
        f"{U1},Ava,Testchild,{'9' * 100_000}\n" for _ in range(50)
    )  # 50 lines, each with a 100,000-character date: 5 MB
    upload = SimpleUploadedFile("big.csv", (HEADER + rows).encode())
    assert (upload.size or 0) > 5_000_000
    response = client_for(school_admin).post(
        reverse("pupils:import_upload"),
        {"kind": "csv", "mapping": "cairn", "file": upload},
        follow=True,
    )
    html = response.content.decode()
    assert "cannot be imported; nothing was changed" in html
    assert len(html) < 100_000
    assert len(str(ImportBatch.objects.get().summary)) < 50_000
