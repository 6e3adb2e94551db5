"""Attendance pages, per role (each view module has its "other school gets 404" case)."""

from datetime import date

import pytest
from django.urls import reverse

from attendance.models import AttendanceWeek
from attendance.tests.conftest import AS_OF, MONDAY
from attendance.tests.factories import weeks_csv
from audit.models import AuditAction, AuditEvent
from conftest import with_access_reason
from pupils.models import EnrolmentEndReason, SocialCareStatus
from pupils.tests.factories import EnrolmentFactory, PupilFactory


def test_dsl_sees_the_cohort_lists(client_for, dsl, registers):
    ava, ben = registers
    response = client_for(dsl).get(reverse("attendance:cohort"), {"as_of": AS_OF})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ava Testchild" in body
    severe = response.context["cohorts"].severe
    assert [r.pupil for r in severe] == [ava]
    assert [r.pupil for r in response.context["cohorts"].part_time] == [ben]
    assert response.context["cohorts"].unexplained_runs[0].measures.la_notify
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_COHORT_VIEWED).exists()


@pytest.mark.parametrize("period", ["4w", "half_term", "term", "year"])
def test_cohort_periods(client_for, dsl, registers, period):
    response = client_for(dsl).get(reverse("attendance:cohort"), {"period": period, "as_of": AS_OF})
    assert response.status_code == 200
    chosen = response.context["cohorts"].period
    if period == "4w":
        assert (chosen.start, chosen.end) == (date(2025, 11, 1), date(2025, 11, 28))
    elif period == "year":
        assert (chosen.start, chosen.end) == (date(2025, 9, 1), date(2025, 11, 28))
    else:  # the school's calendar: the last school day on the registers so far
        assert (chosen.start, chosen.end) == (date(2025, 9, 1), date(2025, 11, 21))


def test_other_schools_dsl_sees_none_of_our_children(client_for, other_school_dsl, registers):
    response = client_for(other_school_dsl).get(reverse("attendance:cohort"), {"as_of": AS_OF})
    assert response.status_code == 200
    assert "Ava" not in response.content.decode()
    ava, _ = registers
    page = client_for(other_school_dsl).get(reverse("attendance:pupil", args=[ava.pk]))
    assert page.status_code == 404


def test_governor_is_refused_child_level_pages(client_for, governor, registers):
    ava, _ = registers
    assert client_for(governor).get(reverse("attendance:cohort")).status_code == 403
    assert client_for(governor).get(reverse("attendance:pupil", args=[ava.pk])).status_code == 403
    summary = client_for(governor).get(reverse("attendance:summary"), {"as_of": AS_OF})
    assert summary.status_code == 200
    assert "Ava" not in summary.content.decode()
    total = summary.context["groups"][-1]
    assert (total.label, total.pupils, total.severe) == ("All pupils", 2, 1)


def test_the_pupil_panel_is_accessible_and_audited(client_for, dsl, registers):
    ava, _ = registers
    response = client_for(dsl).get(reverse("attendance:pupil", args=[ava.pk]), {"as_of": AS_OF})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="img"' in body
    assert 'aria-labelledby="heat-map-title heat-map-desc"' in body
    assert "The data behind the charts" in body
    assert "Severe absence" in body
    assert "Notify the local authority" in body
    panel = response.context["panel"]
    assert len(panel.days) == 60
    assert panel.child.possible == 120
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_VIEWED)
    assert event.pupil_id == ava.pk


def test_a_trust_lead_with_child_access_sees_the_panel(client_for, trust_lead, registers):
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    ava, _ = registers
    client = client_for(trust_lead)
    # The trust lead is asked why first (schools.reasons), then reads.
    assert client.get(reverse("attendance:pupil", args=[ava.pk])).status_code == 302
    response = with_access_reason(client, ava).get(reverse("attendance:pupil", args=[ava.pk]))
    assert response.status_code == 200
    summary = client_for(trust_lead).get(reverse("attendance:summary"), {"as_of": AS_OF})
    assert summary.context["groups"][0].label == "Oakfield Primary"


def test_children_off_roll_while_open_are_listed(client_for, dsl, school, registers):
    child = PupilFactory(social_care_status=SocialCareStatus.OPEN)
    EnrolmentFactory(
        pupil=child,
        school=school,
        end_date=date(2025, 10, 10),
        end_reason=EnrolmentEndReason.ELECTIVE_HOME_EDUCATION,
    )
    closed = PupilFactory()
    EnrolmentFactory(
        pupil=closed,
        school=school,
        end_date=date(2025, 10, 10),
        end_reason=EnrolmentEndReason.ELECTIVE_HOME_EDUCATION,
    )
    response = client_for(dsl).get(reverse("attendance:cohort"), {"as_of": AS_OF})
    listed = response.context["cohorts"].absent_from_education
    assert [row.pupil for row in listed] == [child]
    assert listed[0].reasons_open == ("open to children's social care",)


def test_upload_imports_a_file(client_for, school_admin, school, pupil, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = weeks_csv(pupil, school, MONDAY, ["/\\" * 5])
    upload = SimpleUploadedFile("registers.csv", text.encode(), content_type="text/csv")
    response = client_for(school_admin).post(reverse("attendance:upload"), {"file": upload})
    assert response.status_code == 302
    assert AttendanceWeek.objects.count() == 1
    follow = client_for(school_admin).get(reverse("attendance:upload"))
    assert follow.status_code == 200


def test_upload_shows_problems_and_writes_nothing(client_for, dsl, school, pupil):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = weeks_csv(pupil, school, MONDAY, ["/\\/\\AA/\\/\\"])
    upload = SimpleUploadedFile("registers.csv", text.encode(), content_type="text/csv")
    response = client_for(dsl).post(reverse("attendance:upload"), {"file": upload})
    assert response.status_code == 200
    assert "row 2: unknown code" in response.content.decode()
    assert not AttendanceWeek.objects.exists()


def test_upload_dry_run(client_for, dsl, school, pupil):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = weeks_csv(pupil, school, MONDAY, ["/\\" * 5])
    upload = SimpleUploadedFile("registers.csv", text.encode(), content_type="text/csv")
    response = client_for(dsl).post(reverse("attendance:upload"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 302
    assert not AttendanceWeek.objects.exists()


def test_upload_without_a_file_shows_the_error(client_for, deputy_dsl):
    response = client_for(deputy_dsl).post(reverse("attendance:upload"), {})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_headteacher_may_not_upload(client_for, headteacher):
    assert client_for(headteacher).get(reverse("attendance:upload")).status_code == 403


def test_school_admin_adds_a_code_equivalent(client_for, school_admin, school):
    from attendance.models import CodeMapping

    url = reverse("attendance:mappings")
    response = client_for(school_admin).post(url, {"raw_code": "I02", "statutory_code": "I"})
    assert response.status_code == 302
    mapping = CodeMapping.objects.get(school=school)
    assert (mapping.raw_code, mapping.statutory_code) == ("I02", "I")
    again = client_for(school_admin).post(url, {"raw_code": "I02", "statutory_code": "M"})
    assert again.status_code == 200
    assert "already mapped" in again.content.decode()
    page = client_for(school_admin).get(url)
    assert "I02" in page.content.decode()
    assert "X01" in page.content.decode()  # a default equivalent


def test_a_code_equivalent_must_name_a_dfe_code(client_for, dsl):
    response = client_for(dsl).post(
        reverse("attendance:mappings"), {"raw_code": "Z9", "statutory_code": "QQ"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
