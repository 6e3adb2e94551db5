"""The attendance lead over HTTP: the cohort lists and a child's panel at their own school, each
link going somewhere they may open; nothing else of a child's record."""

from datetime import date

import pytest
from django.urls import reverse

from attendance.tests.conftest import AS_OF
from audit.models import AuditAction, AuditEvent
from pupils.models import EnrolmentEndReason, SocialCareStatus
from pupils.tests.factories import EnrolmentFactory, PupilFactory


def test_the_cohort_lists_link_each_child_to_their_attendance(
    client_for, attendance_lead, registers
):
    ava, ben = registers
    response = client_for(attendance_lead).get(reverse("attendance:cohort"), {"as_of": AS_OF})
    assert response.status_code == 200
    cohorts = response.context["cohorts"]
    assert [r.pupil for r in cohorts.severe] == [ava]
    assert [r.pupil for r in cohorts.part_time] == [ben]
    body = response.content.decode()
    assert reverse("attendance:pupil", args=[ava.pk]) in body
    # No link from the lists to a page the attendance lead cannot open.
    assert f'href="{reverse("pupils:detail", args=[ava.pk])}' not in body
    assert f'href="{reverse("chronology:pupil", args=[ava.pk])}' not in body
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_COHORT_VIEWED)
    assert event.role == "attendance_lead"


def test_the_off_roll_list_of_open_records_is_kept_to_the_safeguarding_team(
    client_for, attendance_lead, dsl, school, registers
):
    child = PupilFactory(social_care_status=SocialCareStatus.OPEN, legal_surname="Offroll")
    EnrolmentFactory(
        pupil=child,
        school=school,
        end_date=date(2025, 10, 10),
        end_reason=EnrolmentEndReason.ELECTIVE_HOME_EDUCATION,
    )
    theirs = client_for(attendance_lead).get(reverse("attendance:cohort"), {"as_of": AS_OF})
    assert theirs.context["cohorts"].absent_from_education == []
    assert "Off roll while a record is open" not in theirs.content.decode()
    assert "Offroll" not in theirs.content.decode()
    dsls = client_for(dsl).get(reverse("attendance:cohort"), {"as_of": AS_OF})
    assert [r.pupil for r in dsls.context["cohorts"].absent_from_education] == [child]


def test_a_childs_panel_is_read_and_audited_and_leads_back_to_the_lists(
    client_for, attendance_lead, registers
):
    ava, _ = registers
    url = reverse("attendance:pupil", args=[ava.pk])
    response = client_for(attendance_lead).get(url, {"as_of": AS_OF})
    assert response.status_code == 200
    assert response.context["panel"].child.possible == 120
    body = response.content.decode()
    assert f'href="{reverse("pupils:detail", args=[ava.pk])}' not in body
    assert f'href="{reverse("attendance:cohort")}?period=year&amp;as_of=2025-11-28"' in body
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_VIEWED)
    assert (event.pupil_id, event.role) == (ava.pk, "attendance_lead")


def test_the_dsl_is_still_sent_back_to_the_childs_record(client_for, dsl, registers):
    ava, _ = registers
    response = client_for(dsl).get(reverse("attendance:pupil", args=[ava.pk]), {"as_of": AS_OF})
    assert f'href="{reverse("pupils:detail", args=[ava.pk])}"' in response.content.decode()


def test_a_former_pupil_is_still_readable(client_for, attendance_lead, school):
    former = PupilFactory()
    EnrolmentFactory(pupil=former, school=school, end_date=date(2025, 7, 18))
    response = client_for(attendance_lead).get(reverse("attendance:pupil", args=[former.pk]))
    assert response.status_code == 200


def test_another_schools_child_is_404(client_for, attendance_lead, unrelated_school):
    elsewhere = PupilFactory()
    EnrolmentFactory(pupil=elsewhere, school=unrelated_school)
    response = client_for(attendance_lead).get(reverse("attendance:pupil", args=[elsewhere.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_VIEWED).exists()


@pytest.mark.parametrize(
    "name",
    ["pupils:detail", "chronology:pupil", "pupils:access_log", "voice:plan"],
)
def test_the_rest_of_the_childs_record_is_refused(client_for, attendance_lead, pupil, name):
    response = client_for(attendance_lead).get(reverse(name, args=[pupil.pk]))
    assert response.status_code == 403


def test_the_summary_is_by_year_group_and_names_no_child(client_for, attendance_lead, registers):
    response = client_for(attendance_lead).get(reverse("attendance:summary"), {"as_of": AS_OF})
    assert response.status_code == 200
    assert "Ava" not in response.content.decode()
    assert response.context["groups"][-1].pupils == 2


def test_the_attendance_lead_imports_registers(client_for, attendance_lead, school, pupil):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attendance.models import AttendanceWeek
    from attendance.tests.conftest import MONDAY
    from attendance.tests.factories import weeks_csv

    text = weeks_csv(pupil, school, MONDAY, ["/\\" * 5])
    upload = SimpleUploadedFile("registers.csv", text.encode(), content_type="text/csv")
    response = client_for(attendance_lead).post(reverse("attendance:upload"), {"file": upload})
    assert response.status_code == 302
    assert AttendanceWeek.objects.filter(school=school, pupil=pupil).count() == 1
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_IMPORTED)
    assert event.role == "attendance_lead"
