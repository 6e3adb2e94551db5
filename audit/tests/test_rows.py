"""`audit.rows`: new rows built without the model constructor and inserted in one statement
per batch, read back as the ORM would have written them."""

import pytest

from audit import rows
from pupils.models import Enrolment, Pupil
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
