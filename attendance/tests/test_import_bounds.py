"""Issue 14, item 3 for registers: a huge value is quoted short, and the upload limit is one
setting used by the form and the command alike."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from attendance.forms import UploadForm
from attendance.importers.common import AttendanceImportError
from attendance.models import AttendanceImport, AttendanceWeek
from attendance.tests.factories import import_text, weeks_csv, write_csv

MONDAY = date(2025, 9, 1)


def test_a_huge_mark_is_quoted_short_in_the_error(tmp_path, school, pupil):
    # Before the fix the whole 100,000-character cell was quoted twice in the message.
    text = weeks_csv(pupil, school, MONDAY, ["Q" * 100_000])
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, text)
    [problem] = caught.value.problems
    assert str(problem).startswith("row 2: marks ")
    assert len(str(problem)) < 600
    assert not AttendanceWeek.objects.exists()


def test_a_huge_upn_is_quoted_short(tmp_path, school, pupil):
    text = f"urn,upn,week_start,marks\n{school.urn},{'U' * 100_000},{MONDAY},/\\/\\/\\/\\/\\\n"
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, text)
    assert len(str(caught.value.problems[0])) < 400


def test_the_upload_form_reads_the_attendance_limit(settings):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "attendance": 10}
    form = UploadForm(data={}, files={"file": SimpleUploadedFile("r.csv", b"x" * 11)})
    assert not form.is_valid()
    assert "CAIRN_UPLOAD_LIMITS['attendance']" in form.errors["file"][0]


def test_the_command_refuses_an_oversized_file_before_reading_it(tmp_path, school, pupil, settings):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "attendance": 10}
    path = write_csv(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\/\\/\\/\\/\\"]))
    with pytest.raises(CommandError, match=r"The file is .* up to 10 bytes"):
        call_command("import_attendance", str(path), "--no-progress")
    assert not AttendanceImport.objects.exists()


def test_ctf_warnings_quote_the_files_values_short(tmp_path, db):
    # Before the fix a huge <Year> or <SessionsPossible> went whole into the batch's warnings.
    from pathlib import Path

    from attendance.services import attendance_import
    from pupils.tests.factories import EnrolmentFactory, PupilFactory
    from schools.tests.factories import SchoolFactory

    source = SchoolFactory(la_code="999", establishment_number="9999")
    child = PupilFactory(upn="F999999925001")
    EnrolmentFactory(pupil=child, school=source, start_date=date(2018, 9, 4))
    text = (Path(__file__).parent / "data" / "ctf_example_synthetic.xml").read_text()
    text = text.replace("<Year>2024</Year>", f"<Year>{'Y' * 100_000}</Year>", 1)
    text = text.replace(
        "<SessionsPossible>380</SessionsPossible>",
        f"<SessionsPossible>{'3' * 100_000}</SessionsPossible>",
    )
    path = tmp_path / "ctf.xml"
    path.write_text(text)
    result = attendance_import(actor=None, path=path)
    assert result.batch.warnings
    assert all(len(w) < 400 for w in result.batch.warnings)
