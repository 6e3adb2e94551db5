"""`audit.rows`: new rows built without the model constructor and inserted in one statement
per batch, read back as the ORM would have written them."""

from uuid import RFC_4122, UUID

import pytest

from audit import rows
from pupils.models import Address, Enrolment, Person, Pupil
from pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_new_fills_defaults_and_foreign_keys_and_insert_writes_them(school):
    pupil = Pupil.objects.get(pk=PupilFactory().pk)
    enrolment = rows.new(Enrolment, pupil=pupil, school=school, start_date=pupil.date_of_birth)
    assert enrolment.pk is not None  # the UUID default, given before insertion
    assert enrolment.pupil_id == pupil.pk
    assert enrolment.pupil is pupil
    assert enrolment.school_id == school.pk

    rows.insert(Enrolment, [enrolment])

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.pupil_id, stored.school_id, stored.start_date) == (
        pupil.pk,
        school.pk,
        pupil.date_of_birth,
    )
    assert not enrolment._state.adding


def test_new_refuses_a_name_that_is_not_a_field():
    with pytest.raises(TypeError, match="no field 'nickname'"):
        rows.new(Pupil, nickname="x")


def test_new_keys_are_version_7_uuids_in_time_order_with_74_random_bits(monkeypatch):
    keys = [rows._uuid7() for _ in range(2000)]
    assert len(set(keys)) == len(keys)
    for key in keys[:50]:
        assert isinstance(key, UUID)
        assert key.version == 7
        assert key.variant == RFC_4122
        assert UUID(str(key)) == key
        assert hash(UUID(str(key))) == hash(key)
    # Below the millisecond and the version and variant bits, every bit varies.
    assert len({key.int & ((1 << 62) - 1) for key in keys}) == len(keys)
    assert len({(key.int >> 64) & 0xFFF for key in keys}) > 1000
    # A key made in a later millisecond sorts after, as a number and as text (SQLite's column).
    now = [1_764_770_000_000_000_000]
    monkeypatch.setattr(rows, "time_ns", lambda: now[0])
    first = rows._uuid7()
    now[0] += 1_000_000
    second = rows._uuid7()
    assert first < second
    assert first.hex < second.hex
    assert str(first) < str(second)
    assert first.int >> 80 == 1_764_770_000_000


def test_new_gives_each_row_a_time_ordered_key(school):
    pupil = rows.new(Pupil, upn="A", legal_forename="Ann", legal_surname="Example")
    assert pupil.pk.version == 7


def test_new_and_insert_write_json_fields_as_the_orm_does(school):
    person = rows.new(
        Person,
        school=school,
        forename="Ann",
        surname="Example",
        phones=[{"type": "M", "number": "07700 900123"}],
    )
    address = rows.new(Address, lines=["Flat 2", "1 Mill Road"], match_key="ZZ1|1 MILL ROAD")
    rows.insert(Person, [person])
    rows.insert(Address, [address])
    assert Person.objects.get(pk=person.pk).phones == [{"type": "M", "number": "07700 900123"}]
    assert Address.objects.get(pk=address.pk).lines == ["Flat 2", "1 Mill Road"]
    assert Person.objects.filter(phones__0__number="07700 900123").exists()
