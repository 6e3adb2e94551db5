"""On PostgreSQL, week rows keep referential integrity through statement-level triggers rather
than row-by-row foreign keys (migration 0002). SQLite keeps Django's foreign keys."""

import uuid
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from attendance.models import AttendanceImport, AttendanceWeek, ImportSource, ImportStatus
from pupils.tests.factories import PupilFactory
from schools.tests.factories import SchoolFactory

MONDAY = date(2025, 9, 1)
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's; SQLite has keys"
)


@pytest.fixture
def batch(db):
    return AttendanceImport.objects.create(
        source=ImportSource.CSV_WEEKS,
        file_name="t.csv",
        sha256="0" * 64,
        status=ImportStatus.COMPLETED,
    )


def _week(**overrides):
    return AttendanceWeek(
        week_start=MONDAY, marks="/\\" * 5, recorded_at=timezone.now(), **overrides
    )


@pytest.mark.parametrize("missing", ["pupil_id", "school_id", "last_import_id"])
def test_a_week_naming_something_not_in_cairn_is_refused(school, pupil, batch, missing):
    fields = {"pupil_id": pupil.pk, "school_id": school.pk, "last_import_id": batch.pk}
    fields[missing] = uuid.uuid4()
    with pytest.raises(IntegrityError, match="not in Cairn"), transaction.atomic():
        _week(**fields).save()
    assert not AttendanceWeek.objects.exists()


def test_a_week_cannot_be_moved_to_a_pupil_not_in_cairn(school, pupil, batch):
    week = _week(pupil_id=pupil.pk, school_id=school.pk, last_import_id=batch.pk)
    week.save()
    with pytest.raises(IntegrityError, match="not in Cairn"), transaction.atomic():
        AttendanceWeek.objects.filter(pk=week.pk).update(pupil_id=uuid.uuid4())
    week.refresh_from_db()
    assert week.pupil_id == pupil.pk


@pytest.mark.parametrize("table", ["pupils_pupil", "schools_school"])
def test_a_pupil_or_school_with_registers_cannot_be_deleted_even_in_sql(batch, table):
    # A pupil and school that nothing else refers to, so only the guard can refuse.
    pupil, school = PupilFactory(), SchoolFactory()
    _week(pupil_id=pupil.pk, school_id=school.pk, last_import_id=batch.pk).save()
    target = pupil.pk if table == "pupils_pupil" else school.pk
    with pytest.raises(IntegrityError, match="attendance weeks cannot be deleted"):
        _delete(table, target)
    assert AttendanceWeek.objects.filter(pupil=pupil).count() == 1


def _delete(table, pk):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608


def test_the_row_by_row_foreign_keys_are_gone_and_the_triggers_are_there(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "attendance_attendanceweek")
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
            ["%attendance%"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert not [name for name, info in constraints.items() if info["foreign_key"]]
    assert triggers == {
        "attendance_week_references_on_insert",
        "attendance_week_references_on_update",
        "pupils_pupil_keeps_attendance",
        "schools_school_keeps_attendance",
    }
