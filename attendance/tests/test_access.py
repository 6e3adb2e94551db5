"""Every branch of attendance/access.py. Absent and forbidden are both 404."""

import pytest
from django.http import Http404

from attendance import access
from attendance.services import code_mapping_set, code_mapping_withdraw
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_the_attendance_lead_reads_their_schools_children_only(
    attendance_lead, pupil, unrelated_school
):
    assert access.access_pupil_attendance(viewer=attendance_lead, pupil_id=pupil.pk) == pupil
    elsewhere = PupilFactory()
    EnrolmentFactory(pupil=elsewhere, school=unrelated_school)
    with pytest.raises(Http404):
        access.access_pupil_attendance(viewer=attendance_lead, pupil_id=elsewhere.pk)


def test_an_attendance_lead_with_no_school_reads_nobody(pupil):
    # Not a state the database allows (membership_scope_matches_role); the check stands anyway,
    # because "school is None" must never widen into "any child with no enrolment".
    nowhere = Membership(role=Role.ATTENDANCE_LEAD, school=None)
    with pytest.raises(Http404):
        access.access_pupil_attendance(viewer=nowhere, pupil_id=pupil.pk)


def test_everyone_else_goes_through_the_whole_record_check(dsl, other_school_dsl, pupil):
    assert access.access_pupil_attendance(viewer=dsl, pupil_id=pupil.pk) == pupil
    with pytest.raises(Http404):
        access.access_pupil_attendance(viewer=other_school_dsl, pupil_id=pupil.pk)


def test_only_whole_record_readers_see_open_records(dsl, headteacher, attendance_lead):
    assert access.sees_open_records(viewer=dsl)
    assert access.sees_open_records(viewer=headteacher)
    assert not access.sees_open_records(viewer=attendance_lead)


def test_code_equivalents_are_managed_at_their_own_school(
    attendance_lead, school_admin, headteacher, other_school_dsl, school
):
    mapping = code_mapping_set(
        actor=school_admin, school=school, raw_code="I02", statutory_code="I"
    )
    assert list(access.code_mappings_managed_by(viewer=attendance_lead)) == [mapping]
    assert not access.code_mappings_managed_by(viewer=headteacher).exists()
    assert not access.code_mappings_managed_by(viewer=other_school_dsl).exists()
    nowhere = Membership(role=Role.SCHOOL_ADMIN, school=None)
    assert not access.code_mappings_managed_by(viewer=nowhere).exists()


def test_only_an_equivalent_in_force_at_the_viewers_school_can_be_withdrawn(
    dsl, other_school_dsl, school
):
    mapping = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    found = access.access_code_mapping_to_withdraw(viewer=dsl, mapping_id=mapping.pk)
    assert found == mapping
    with pytest.raises(Http404):
        access.access_code_mapping_to_withdraw(viewer=other_school_dsl, mapping_id=mapping.pk)
    code_mapping_withdraw(actor=dsl, mapping=mapping, reason="Wrong code.")
    with pytest.raises(Http404):
        access.access_code_mapping_to_withdraw(viewer=dsl, mapping_id=mapping.pk)
