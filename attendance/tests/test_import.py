"""Importing registers: formats, idempotence, all-or-nothing, errors that name the row."""

import string
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from attendance.importers.common import AttendanceImportError
from attendance.models import AttendanceAmendment, AttendanceImport, AttendanceWeek, ImportSource
from attendance.services import code_mapping_set
from attendance.tests.factories import import_text, weeks_csv, write_csv
from audit.models import AuditAction, AuditEvent
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.tests.factories import SchoolFactory

MONDAY = date(2025, 9, 1)
DATA = Path(__file__).parent / "data"


def test_week_format_stores_statutory_and_raw_codes(tmp_path, school, pupil):
    text = f"urn,upn,week_start,marks\n{school.urn},{pupil.upn},{MONDAY},/ \\ I01 C2 N - L > / \\\n"
    result = import_text(tmp_path, text)
    week = AttendanceWeek.objects.get(pupil=pupil)
    assert week.marks == "/\\IbN-LbA\\".replace("A", "/")
    assert week.raw_marks == "/ \\ I01 C2 N - L > / \\"
    assert result.batch.marks_read == 9
    assert result.batch.source == ImportSource.CSV_WEEKS


def test_raw_codes_are_kept_only_where_they_differ(tmp_path, school, pupil):
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\/\\C1C2/\\/\\"]))
    week = AttendanceWeek.objects.get(pupil=pupil)
    assert week.marks == "/\\/\\ab/\\/\\"
    assert week.raw_marks == ""


def test_session_format_with_minutes_late(tmp_path, school, pupil):
    text = (
        "upn,date,session,mark,minutes_late\n"
        f"{pupil.upn},2025-09-01,AM,L,12\n"
        f"{pupil.upn},2025-09-01,PM,\\,\n"
        f"{pupil.upn},2025-09-03,am,N,\n"
    )
    result = import_text(tmp_path, text, school=school)
    week = AttendanceWeek.objects.get(pupil=pupil)
    assert week.marks == "L\\--N-----"
    assert week.minutes_late.split(",")[0] == "12"
    assert result.batch.source == ImportSource.CSV_SESSIONS


def test_importing_the_same_file_twice_changes_nothing(tmp_path, school, pupil):
    path = write_csv(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\/\\IINN/\\"] * 3))
    from attendance.services import attendance_import

    first = attendance_import(actor=None, path=path)
    second = attendance_import(actor=None, path=path)
    assert (first.batch.weeks_created, second.batch.weeks_created) == (3, 0)
    assert (second.batch.weeks_changed, second.batch.weeks_unchanged) == (0, 3)
    assert AttendanceWeek.objects.count() == 3
    assert not AttendanceAmendment.objects.exists()


def test_an_amended_register_keeps_what_it_replaced(tmp_path, school, pupil):
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\/\\NN/\\/\\"]))
    result = import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["----II----"]))
    week = AttendanceWeek.objects.get(pupil=pupil)
    assert week.marks == "/\\/\\II/\\/\\"  # blank sessions keep their marks
    amendment = AttendanceAmendment.objects.get(week=week)
    assert amendment.previous_marks == "/\\/\\NN/\\/\\"
    assert amendment.amended_by_import == result.batch
    assert result.batch.weeks_changed == 1


def test_an_unknown_code_names_the_row_and_the_code_and_nothing_is_written(tmp_path, school, pupil):
    text = weeks_csv(pupil, school, MONDAY, ["/\\/\\/\\/\\/\\", "/\\/\\Q9/\\/\\", "/\\"])
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, text)
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].startswith("row 3: unknown code '9' in marks")
    assert messages[1].startswith("row 4: marks '/\\\\' hold 2 sessions")
    assert not AttendanceWeek.objects.exists()
    assert not AttendanceImport.objects.exists()


def test_unknown_pupil_and_bad_dates_are_named(tmp_path, school, pupil):
    text = (
        "urn,upn,week_start,marks\n"
        f"{school.urn},A999999999999,{MONDAY},/\\/\\/\\/\\/\\\n"
        f"{school.urn},{pupil.upn},2025-09-02,/\\/\\/\\/\\/\\\n"
        f"{school.urn},{pupil.upn},01/09/2025,/\\/\\/\\/\\/\\\n"
        f"123456,{pupil.upn},{MONDAY},/\\/\\/\\/\\/\\\n"
    )
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, text)
    messages = [str(p) for p in caught.value.problems]
    assert "row 2: no pupil with UPN 'A999999999999'" in messages[0]
    assert messages[1] == "row 3: week_start '2025-09-02' is not a Monday"
    assert messages[2] == "row 4: week_start '01/09/2025' is not a date (YYYY-MM-DD)"
    assert messages[3] == "row 5: no school with URN '123456' in Cairn"


def test_marks_outside_the_enrolment_are_refused(tmp_path, school):
    child = PupilFactory()
    EnrolmentFactory(pupil=child, school=school, start_date=date(2025, 9, 3))
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, weeks_csv(child, school, MONDAY, ["/\\/\\/\\/\\/\\"]))
    assert "2025-09-01 falls outside the pupil's enrolment" in str(caught.value.problems[0])
    import_text(tmp_path, weeks_csv(child, school, MONDAY, ["----/\\/\\/\\"]))
    assert AttendanceWeek.objects.get(pupil_id=child.pk).marks == "----/\\/\\/\\"


def test_a_retired_code_after_august_2024_is_refused_before_it_is_kept(tmp_path, school, pupil):
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, weeks_csv(pupil, school, date(2024, 8, 19), ["H" * 10]))
    assert "retired on 19 August 2024" in str(caught.value.problems[0])
    import_text(tmp_path, weeks_csv(pupil, school, date(2024, 7, 8), ["HHJJYY/\\/\\"]))
    assert AttendanceWeek.objects.get(pupil=pupil).marks == "HHJJYY/\\/\\"


def test_a_schools_own_mapping_is_used(tmp_path, school, pupil, dsl):
    code_mapping_set(actor=dsl, school=school, raw_code="ILL", statutory_code="I")
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["ILL ILL / \\ / \\ / \\ / \\"]))
    week = AttendanceWeek.objects.get(pupil=pupil)
    assert week.marks == "II/\\/\\/\\/\\"
    assert week.raw_marks.startswith("ILL ILL")
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_CODE_MAPPED).exists()
    with pytest.raises(ValueError, match="not a statutory"):
        code_mapping_set(actor=dsl, school=school, raw_code="Q1", statutory_code="QQ")


def test_dry_run_checks_and_writes_nothing(tmp_path, school, pupil):
    result = import_text(
        tmp_path, weeks_csv(pupil, school, MONDAY, [""] * 0 + ["/\\" * 5]), dry_run=True
    )
    assert result.batch.weeks_created == 1
    assert not AttendanceWeek.objects.exists()
    assert not AttendanceImport.objects.exists()


def test_an_uploader_may_only_write_their_own_school(tmp_path, school, other_school, pupil):
    EnrolmentFactory(pupil=pupil, school=other_school)
    with pytest.raises(AttendanceImportError) as caught:
        import_text(
            tmp_path,
            weeks_csv(pupil, other_school, MONDAY, ["/\\" * 5]),
            allowed_school_ids={school.pk},
        )
    assert "you may not import registers for" in str(caught.value.problems[0])


def test_import_is_audited(tmp_path, school, pupil):
    result = import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\" * 5]))
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_IMPORTED)
    assert event.target_id == str(result.batch.pk)
    assert event.details["marks"] == 10


def test_ctf_attendance_elements(db):
    source = SchoolFactory(la_code="999", establishment_number="9999")
    child = PupilFactory(upn="F999999925001")
    EnrolmentFactory(pupil=child, school=source, start_date=date(2018, 9, 4))
    from attendance.services import attendance_import

    result = attendance_import(actor=None, path=DATA / "ctf_example_synthetic.xml")
    week1, week2 = AttendanceWeek.objects.filter(pupil_id=child.pk).order_by("week_start")
    # Marks from Wednesday 3 September 2025, AM then PM, weekends skipped.
    assert week1.week_start == date(2025, 9, 1)
    assert week1.marks == "----/\\/\\II"
    assert week2.marks == "NN/\\------"
    assert result.batch.source == ImportSource.CTF
    # The synthetic file's totals do not match its marks: reported, never "fixed".
    assert any("possible 380 stated, 10 in the marks" in w for w in result.batch.warnings)


def test_ctf_for_a_school_not_in_cairn_is_reported(db):
    from attendance.services import attendance_import

    PupilFactory(upn="F999999925001")
    result = attendance_import(actor=None, path=DATA / "ctf_example_synthetic.xml")
    assert result.batch.marks_read == 0
    assert "that school is not in Cairn" in result.batch.warnings[0]


def test_hostile_xml_is_refused(db, tmp_path):
    from attendance.services import attendance_import

    path = tmp_path / "evil.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CTfile>&a;</CTfile>')
    with pytest.raises(AttendanceImportError) as caught:
        attendance_import(actor=None, path=path)
    assert caught.value.problems[0].where == "file"


def test_a_header_that_is_no_known_format(tmp_path, school):
    with pytest.raises(AttendanceImportError) as caught:
        import_text(tmp_path, "pupil,when,what\n", school=school)
    assert "row 1 (header)" in str(caught.value.problems[0])


def test_command_imports_and_dry_runs(tmp_path, school, pupil, capsys):
    path = write_csv(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\" * 5]))
    call_command("import_attendance", str(path), "--dry-run", "--no-progress")
    assert "Checked 10 marks" in capsys.readouterr().out
    assert not AttendanceWeek.objects.exists()
    call_command("import_attendance", str(path), "--no-progress")
    assert "Imported 10 marks" in capsys.readouterr().out
    assert AttendanceWeek.objects.count() == 1


def test_command_reports_problems(tmp_path, school, pupil, capsys):
    path = write_csv(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\/\\AA/\\/\\"]))
    with pytest.raises(CommandError, match="refused, nothing imported"):
        call_command("import_attendance", str(path), "--no-progress")
    assert "row 2: unknown code 'AA'" in capsys.readouterr().err


MARK_ALPHABET = "/\\LKVPWBDMSXCTRIEQGNOUZ#-<>?$%`:|_"


@hyp_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(marks=st.text(alphabet=MARK_ALPHABET + string.ascii_letters + '0123456789 ,"', max_size=24))
def test_the_csv_parser_accepts_or_names_the_row(tmp_path, school, pupil, marks):
    """Any marks field either imports (ten sessions, all known) or is refused naming row 2."""
    field = marks.replace(chr(34), "")
    text = f'urn,upn,week_start,marks\n{school.urn},{pupil.upn},{MONDAY},"{field}"\n'
    problems = []
    try:
        result = import_text(tmp_path, text, dry_run=True)
    except AttendanceImportError as exc:
        problems = exc.problems
    if problems:
        assert problems[0].where in {"row 2", "file"}
    else:
        assert result.batch.marks_read <= 10


@hyp_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tokens=st.lists(
        st.sampled_from(["/", "\\", "L", "C1", "C2", "J1", "Y7", "I", "N", "-", "#", "I01"]),
        min_size=10,
        max_size=10,
    )
)
def test_any_ten_known_tokens_round_trip(tmp_path, school, pupil, tokens):
    result = import_text(
        tmp_path, weeks_csv(pupil, school, MONDAY, [" ".join(tokens)]), dry_run=True
    )
    assert result.batch.marks_read == sum(t != "-" for t in tokens)


def test_weeks_split_across_write_batches_merge_and_amend(tmp_path, school, monkeypatch):
    """Small batches: a pupil's weeks span several writes (on PostgreSQL a COPY is still in flight
    when the next batch looks up what is there), and a re-import amends the right rows."""
    from attendance.importers.common import WeekWriter

    monkeypatch.setattr(WeekWriter, "BATCH", 7)
    pupils = [EnrolmentFactory(school=school, start_date=date(2025, 1, 6)).pupil for _ in range(3)]
    first = "".join(
        weeks_csv(p, school, MONDAY, ["/\\" * 5] * 10).split("\n", 1)[1] for p in pupils
    )
    header = "urn,upn,week_start,marks\n"
    # the same weeks twice in one file: the second copy fills in nothing new
    result = import_text(tmp_path, header + first + first)
    assert result.batch.weeks_created == 30
    assert AttendanceWeek.objects.count() == 30
    amended = weeks_csv(pupils[1], school, MONDAY, ["-" * 10] * 9 + ["NN--------"])
    again = import_text(tmp_path, header + first + amended.split("\n", 1)[1])
    assert (again.batch.weeks_created, again.batch.weeks_changed) == (0, 1)
    assert again.batch.weeks_unchanged == 30 + 9  # the first copy, then nine blank weeks
    changed = AttendanceWeek.objects.get(pupil=pupils[1], week_start=date(2025, 11, 3))
    assert changed.marks == "NN" + "/\\" * 4
    assert AttendanceAmendment.objects.get(week=changed).previous_marks == "/\\" * 5


def test_a_write_that_fails_midway_leaves_nothing(tmp_path, school, pupil, monkeypatch):
    """A database refusal during the bulk write (on PostgreSQL, raised on the COPY writer
    thread) rolls the whole import back: no weeks, no batch, no audit event."""
    import psycopg
    from django.db import IntegrityError, connection

    from attendance.importers import common

    monkeypatch.setattr(common.WeekWriter, "BATCH", 2)
    if connection.vendor == "postgresql":
        real_copy_text = common.writer._copy_text
        calls = []

        def broken_second_copy(rows):
            calls.append(rows)
            text = real_copy_text(rows)
            return text if len(calls) == 1 else text + "not\ta row\n"

        monkeypatch.setattr(common.writer, "_copy_text", broken_second_copy)
        expected: type[Exception] = psycopg.Error
    else:  # SQLite writes in this thread: a third week too short for the ten-session check
        real_add = common.WeekWriter.add

        def add(self, record):
            real_add(self, record._replace(marks="/") if self.counts.marks >= 20 else record)

        monkeypatch.setattr(common.WeekWriter, "add", add)
        expected = IntegrityError
    path = write_csv(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\" * 5] * 6))
    import sys

    from attendance.services import attendance_import

    switch_interval = sys.getswitchinterval()
    with pytest.raises(expected):
        attendance_import(actor=None, path=path)
    assert sys.getswitchinterval() == switch_interval  # restored after the writer failed
    assert not AttendanceWeek.objects.exists()
    assert not AttendanceImport.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_IMPORTED).exists()


@pytest.mark.django_db
def test_a_trust_file_reads_the_other_schools_rolls_together(tmp_path):
    """A file naming a second school of a trust reads the rolls of the trust's schools at once
    (one read per table, however many schools), and writes each school's weeks as before."""
    first = SchoolFactory()
    others = [SchoolFactory(trust=first.trust) for _ in range(4)]
    elsewhere = SchoolFactory()  # another trust: not read with this trust's rolls
    schools = [first, *others]
    pupils = {s.pk: EnrolmentFactory(school=s, start_date=date(2025, 1, 6)).pupil for s in schools}
    text = "urn,upn,week_start,marks\n" + "".join(
        weeks_csv(pupils[s.pk], s, MONDAY, ["/\\" * 5] * 2).split("\n", 1)[1] for s in schools
    )
    from attendance.importers.common import Rolls, RowError, SchoolRoll

    loads: list[list[str]] = []
    real = SchoolRoll.load_many.__func__

    def counted(cls, chosen):
        loads.append(sorted(str(s.name) for s in chosen))
        return real(cls, chosen)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SchoolRoll, "load_many", classmethod(counted))
        result = import_text(tmp_path, text)
    assert result.batch.weeks_created == 10
    assert loads == [[str(first.name)], sorted(str(s.name) for s in others)]
    assert str(elsewhere.name) not in loads[1]
    for school in schools:
        assert AttendanceWeek.objects.filter(school=school, pupil=pupils[school.pk]).count() == 2
    # An uploader limited to some schools reads only those, and is refused the rest.
    rolls = Rolls(default_school=None, allowed_school_ids={first.pk, others[0].pk})
    rolls.roll(first)
    rolls.roll(others[0])
    assert set(rolls.loaded) == {first.pk, others[0].pk}
    with pytest.raises(RowError, match="you may not import registers for"):
        rolls.roll(others[1])


def test_a_full_batch_ends_before_the_last_pupils_weeks(school):
    """A batch is cut where one pupil's run of weeks begins, so each pupil's weeks are written
    together (the next batch needs no look-up of what this import wrote)."""
    from attendance.importers.common import WeekRecord, WeekWriter

    batch = AttendanceImport.objects.create(
        source=ImportSource.CSV_WEEKS, file_name="t.csv", sha256="0" * 64
    )
    writer = WeekWriter(batch=batch)
    record = WeekRecord(school_id=school.pk, pupil_id="a", week_start=MONDAY, marks="/" * 10)
    writer.buffer = [record, record._replace(pupil_id="b"), record._replace(pupil_id="b")]
    assert writer._batch_end() == 1
    writer.buffer = [record] * 3
    assert writer._batch_end() == 3  # one pupil fills the batch: all of it


def test_the_interpreter_switch_interval_is_restored_after_an_import(tmp_path, school, pupil):
    """On PostgreSQL the GIL is handed over more often while the COPY writer runs (ADR 7); the
    process's own setting comes back when the import ends, whether it succeeded or failed."""
    import sys

    before = sys.getswitchinterval()
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["/\\" * 5] * 3))
    assert sys.getswitchinterval() == before
    with pytest.raises(AttendanceImportError):
        import_text(
            tmp_path,
            weeks_csv(pupil, school, MONDAY, ["/\\" * 5] * 3)
            + f"{school.urn},A999999999999,{MONDAY},{'/' * 10}\n",
        )
    assert sys.getswitchinterval() == before
