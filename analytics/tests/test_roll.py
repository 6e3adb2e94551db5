"""The roll the dashboards keep: read again after any change to pupils or enrolments, by any
path (the change log is written by database triggers), and reused while nothing changed."""

import datetime as dt

import pytest
from django.db import connection

from analytics import store
from analytics.models import RollChange
from analytics.tests.builders import TODAY, autumn_figures, fresh_autumn_figures
from concerns.models import Concern
from pupils.models import Enrolment, Pupil, Sex
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.models import School


def _kept_rolls() -> list[str]:
    copy = store.store()
    return [copy.derived_tables[key] for key in copy.derived_names if key[0] == "roll"]


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_every_migration_leaves_the_roll_triggers_in_place():
    """SQLite drops a table's triggers when a migration rebuilds it: this fails if one did."""
    names = _triggers()
    for table in ("pupils_pupil", "pupils_enrolment"):
        if connection.vendor == "postgresql":
            assert f"{table}_roll_changed" in names
        else:
            for event in ("insert", "update", "delete"):
                assert f"{table}_roll_changed_{event}" in names


@pytest.mark.django_db
def test_every_kind_of_change_to_pupils_or_enrolments_moves_the_marker(school):
    child = PupilFactory()
    before = store.roll_marker()
    enrolment = EnrolmentFactory(pupil=child, school=school)
    after_insert = store.roll_marker()
    assert after_insert != before
    # A bulk update sends no signal and skips save(): the trigger still sees it.
    Pupil.objects.filter(pk=child.pk).update(disadvantaged=True)
    after_update = store.roll_marker()
    assert after_update != after_insert
    table = Enrolment._meta.db_table
    key = Enrolment._meta.pk.get_db_prep_value(enrolment.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET end_date = %s WHERE id = %s", [TODAY, key])  # noqa: S608
    after_raw = store.roll_marker()
    assert after_raw != after_update
    Enrolment.objects.filter(pk=enrolment.pk).delete()
    assert store.roll_marker() != after_raw


@pytest.mark.django_db
def test_other_records_leave_the_marker_alone(built):
    before = store.roll_marker()
    School.objects.filter(pk=built.school.pk).update(name="Renamed in a test")
    assert Concern.objects.filter(school=built.school).exists()
    assert store.roll_marker() == before
    if connection.vendor == "sqlite":  # one row: the newest mark (the trigger prunes the rest)
        assert RollChange.objects.count() == 1


def test_the_roll_is_kept_while_nothing_changes(built):
    first = autumn_figures(built)
    kept = _kept_rolls()
    assert len(kept) == 1
    again = autumn_figures(built)
    assert _kept_rolls() == kept
    assert again == first


def test_a_pupil_changed_in_bulk_is_counted_on_the_next_dashboard(built):
    before = autumn_figures(built)
    kept = _kept_rolls()
    # p4 to p8 are girls; one becomes a boy by a bulk update (no save(), no signal).
    Pupil.objects.filter(pk=built.pupils["p8"].pk).update(sex=Sex.MALE)
    after = autumn_figures(built)
    assert _kept_rolls() != kept
    assert len(_kept_rolls()) == 1  # the roll kept under the old marker is dropped
    boys_before = before["profile"][("sex", "Male")]
    assert after["profile"][("sex", "Male")] == (boys_before[0], boys_before[1] + 1)
    assert after == fresh_autumn_figures(built)


def test_a_new_enrolment_is_on_the_next_dashboards_roll(built):
    before = autumn_figures(built)
    EnrolmentFactory(pupil=PupilFactory(), school=built.school, start_date=dt.date(2025, 9, 3))
    after = autumn_figures(built)
    assert after["roll"] == before["roll"] + 1
    assert after == fresh_autumn_figures(built)


def test_a_tab_or_line_break_in_a_value_does_not_split_the_roll(built):
    """The database writes each row's text; a stray tab or line break in a code (written
    around the validators) must not end a field or a row early."""
    before = autumn_figures(built)
    Pupil.objects.filter(pk=built.pupils["p8"].pk).update(ethnicity="W\tB\n")
    after = autumn_figures(built)
    assert after["roll"] == before["roll"] == 8
    assert sum(roll for (d, _v), (_k, roll) in after["profile"].items() if d == "ethnicity") == 8
