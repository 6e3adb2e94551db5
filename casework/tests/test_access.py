"""Who reads and records casework (casework/access.py), one case per condition: the school's
safeguarding team; a trust lead only where the trust allows it and after a reason, never to
record; nobody else; never another school's records."""

import pytest
from django.http import Http404

from casework import access
from casework.models import AgencyContact, Plan
from casework.tests.factories import (
    AgencyContactFactory,
    AgreedAbsenceFactory,
    HouseholdChildFactory,
    MeetingReportFactory,
    PlanFactory,
)
from schools.reasons import AccessReasonRequiredError

pytestmark = pytest.mark.django_db


def test_the_team_sees_its_schools_records_only(dsl, deputy_dsl, other_school_dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    assert [c.pk for c in access.visible(AgencyContact, viewer=deputy_dsl)] == [contact.pk]
    assert list(access.visible(AgencyContact, viewer=other_school_dsl)) == []


def test_a_trust_lead_reads_only_where_the_trust_allows(trust, trust_lead, dsl, pupil):
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    assert list(access.visible(Plan, viewer=trust_lead)) == []
    trust.trust_lead_child_access = True
    trust.save()
    trust_lead.refresh_from_db()
    assert [p.pk for p in access.visible(Plan, viewer=trust_lead)] == [plan.pk]


@pytest.mark.parametrize("persona", ["headteacher", "teacher", "governor", "school_admin"])
def test_nobody_else_reads_casework(request, persona, dsl, pupil):
    viewer = request.getfixturevalue(persona)
    PlanFactory(pupil=pupil, recorded_by=dsl)
    assert list(access.visible(Plan, viewer=viewer)) == []
    with pytest.raises(Http404):
        access.access_pupil_casework(viewer=viewer, pupil_id=pupil.pk)


def test_a_trust_lead_reads_after_a_reason_and_never_records(trust, trust_lead, pupil):
    trust.trust_lead_child_access = True
    trust.save()
    trust_lead.refresh_from_db()
    with pytest.raises(AccessReasonRequiredError):
        access.access_pupil_casework(viewer=trust_lead, pupil_id=pupil.pk)
    with pytest.raises(Http404):
        access.access_pupil_to_record(viewer=trust_lead, pupil_id=pupil.pk)


def test_records_to_add_to_are_the_viewers_schools(dsl, other_school_dsl, teacher, pupil):
    absence = AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl)
    child = HouseholdChildFactory(pupil=pupil, recorded_by=dsl)
    assert access.access_absence_to_close(viewer=dsl, absence_id=absence.pk).pk == absence.pk
    assert access.access_household_child(viewer=dsl, child_id=child.pk).pk == child.pk
    for viewer in (other_school_dsl, teacher):
        with pytest.raises(Http404):
            access.access_absence_to_close(viewer=viewer, absence_id=absence.pk)


def test_meeting_reports(trust, trust_lead, dsl, teacher, other_school_dsl, pupil):
    report = MeetingReportFactory(meeting__pupil=pupil, meeting__recorded_by=dsl)
    assert access.access_meeting_report(viewer=dsl, report_id=report.pk).pk == report.pk
    for viewer in (teacher, other_school_dsl, trust_lead):
        with pytest.raises(Http404):
            access.access_meeting_report(viewer=viewer, report_id=report.pk)
    trust.trust_lead_child_access = True
    trust.save()
    trust_lead.refresh_from_db()
    with pytest.raises(AccessReasonRequiredError):
        access.access_meeting_report(viewer=trust_lead, report_id=report.pk)


def test_plans_and_stages_to_add_to_are_the_viewers_schools(dsl, other_school_dsl, pupil):
    from casework.tests.factories import EscalationStageFactory

    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    stage = EscalationStageFactory(
        escalation__response__contact__pupil=pupil, escalation__response__contact__recorded_by=dsl
    )
    assert access.access_plan_to_end(viewer=dsl, plan_id=plan.pk).pk == plan.pk
    assert access.access_stage_to_decide(viewer=dsl, stage_id=stage.pk).pk == stage.pk
    with pytest.raises(Http404):
        access.access_plan_to_end(viewer=other_school_dsl, plan_id=plan.pk)
    with pytest.raises(Http404):
        access.access_stage_to_decide(viewer=other_school_dsl, stage_id=stage.pk)
