"""Files from the MIS, through the pages a school uses: the DSL checks a Common Transfer File and
a CSV that cannot be imported, and imports the CTF after its preview; the attendance lead checks a
register file, is told what is wrong with a bad one, and imports it. axe-core checks every page.

(History from another safeguarding system is imported with `manage.py import_history`: there is
no page for it to check.)"""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from attendance.models import AttendanceWeek
from attendance.tests.factories import weeks_csv
from pupils.models import ImportBatch, ImportStatus, Pupil
from pupils.tests.ctf_files import ctf, pupil_xml
from tests.browser.conftest import assert_accessible, sign_in_as


@pytest.fixture
def receiving_dsl(dsl, school, settings):
    """The DSL of the school the synthetic CTF is addressed to (LA 999, establishment 8888)."""
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]
    school.la_code, school.establishment_number = "999", "8888"
    school.save()
    return dsl


def test_dsl_previews_then_imports_a_ctf_and_sees_why_a_csv_is_refused(
    page: Page, live_server, receiving_dsl, tmp_path
):
    transfer = tmp_path / "9999999_CTF_9998888_001.xml"
    transfer.write_bytes(ctf(pupil_xml(upn="R999888825002", forename="DEE", surname="NEWCHILD")))
    broken = tmp_path / "roll.csv"
    broken.write_text("upn,legal_forename\nR999888825003,Eli\n", encoding="utf-8")
    sign_in_as(page, live_server, receiving_dsl)

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Import pupils").click()
    expect(page.get_by_role("heading", level=1, name="Import pupils from the MIS")).to_be_visible()
    page.get_by_role("button", name="Check the file").click()  # nothing chosen
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("CSV of pupils and contacts").check()
    page.get_by_label("Upload the file").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1, name="roll.csv")).to_be_visible()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("This file cannot be imported; nothing was changed")
    expect(summary).to_contain_text("required column(s) missing: legal_surname, date_of_birth")
    assert ImportBatch.objects.get(file_name="roll.csv").status == ImportStatus.FAILED
    assert_accessible(page)

    page.get_by_role("link", name="Back to import").click()
    page.get_by_label("Common Transfer File", exact=True).check()
    page.get_by_label("Upload the file").set_input_files(str(transfer))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1, name=transfer.name)).to_be_visible()
    expect(page.get_by_role("cell", name="R999888825002")).to_be_visible()
    assert not Pupil.objects.filter(upn="R999888825002").exists()
    assert_accessible(page)

    page.get_by_role("button", name="Import these pupils").click()
    expect(page.get_by_text(f"Imported {transfer.name}.")).to_be_visible()
    assert Pupil.objects.get(upn="R999888825002").legal_surname.upper() == "NEWCHILD"
    assert_accessible(page)

    page.get_by_role("link", name="Back to import").click()
    recent = page.get_by_role("table", name="Recent files")
    expect(recent.get_by_role("link", name=transfer.name)).to_be_visible()
    expect(recent.get_by_role("link", name="roll.csv")).to_be_visible()
    assert_accessible(page)


def test_attendance_lead_checks_then_imports_a_register_file(
    page: Page, live_server, attendance_lead, school, pupil, tmp_path
):
    weeks = ["/\\/\\/\\/\\/\\", "/\\/\\NN/\\/\\"]
    good = tmp_path / "registers.csv"
    good.write_text(weeks_csv(pupil, school, date(2025, 9, 1), weeks), encoding="utf-8")
    bad = tmp_path / "registers-bad.csv"
    bad.write_text(
        "urn,upn,week_start,marks\n"
        f"{school.urn},{pupil.upn},2025-09-02,/\\/\\/\\/\\/\\\n",  # a Tuesday
        encoding="utf-8",
    )
    sign_in_as(page, live_server, attendance_lead)

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Import registers").click()
    expect(page.get_by_role("heading", level=1, name="Import registers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Upload").click()  # no file chosen
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Register file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("The file was not imported")
    assert not AttendanceWeek.objects.exists()
    assert_accessible(page)

    page.get_by_label("Register file").set_input_files(str(good))
    page.get_by_label("Check the file only; import nothing").check()
    page.get_by_role("button", name="Upload").click()
    expect(
        page.get_by_text("Checked 20 marks from registers.csv: 2 pupil-weeks new")
    ).to_be_visible()
    assert not AttendanceWeek.objects.exists()
    assert_accessible(page)

    page.get_by_label("Register file").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    expect(
        page.get_by_text("Imported 20 marks from registers.csv: 2 pupil-weeks new")
    ).to_be_visible()
    assert AttendanceWeek.objects.filter(pupil=pupil).count() == 2
    assert_accessible(page)
