"""A professional challenge opened from a finding (issue 17 item 2): the DSL team opens an
escalation at the first stage of the school's procedure from a finding about a child, or about
a household (choosing the child); it is audited, links back to the finding, and a refusal writes
nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from casework.models import Escalation
from patterns.models import FindingSubject
from patterns.tests.factories import FindingFactory
from pupils.tests.factories import EnrolmentFactory, HouseholdMemberFactory, PupilFactory

pytestmark = pytest.mark.django_db


def _form(**extra):
    today = timezone.localdate()
    data = {
        "opened_on_day": str(today.day),
        "opened_on_month": str(today.month),
        "opened_on_year": str(today.year),
        "reason": "Children's social care closed the referral; two more concerns since.",
        "what_was_said": "Rang the team manager.",
    }
    data.update(extra)
    return data


def test_the_dsl_opens_an_escalation_from_a_finding_about_a_child(client_for, dsl, school, pupil):
    finding = FindingFactory(school=school, pupil=pupil)
    client = client_for(dsl)
    page = client.get(reverse("patterns:detail", args=[finding.pk])).content.decode()
    assert reverse("patterns:escalate", args=[finding.pk]) in page

    form = client.get(reverse("patterns:escalate", args=[finding.pk])).content.decode()
    assert "Open an escalation from a finding" in form
    assert "Which child" not in form  # one child: nothing to choose

    response = client.post(reverse("patterns:escalate", args=[finding.pk]), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:pupil", args=[pupil.pk]) + "#escalations"
    escalation = Escalation.objects.get()
    assert escalation.finding_id == finding.pk
    assert escalation.response is None
    assert escalation.pupil == pupil
    stage = escalation.stages.get()
    assert stage.position == 1
    assert stage.what_was_said == "Rang the team manager."
    assert AuditEvent.objects.filter(
        action=AuditAction.ESCALATION_OPENED, pupil_id=pupil.pk
    ).exists()
    casework = client.get(reverse("casework:pupil", args=[pupil.pk])).content.decode()
    assert "Opened from" in casework
    assert reverse("patterns:detail", args=[finding.pk]) in casework


def test_a_household_finding_asks_which_child_and_refuses_without_one(
    client_for, dsl, school, pupil
):
    brother = PupilFactory(legal_forename="Ben", legal_surname="Testchild")
    EnrolmentFactory(pupil=brother, school=school)
    member = HouseholdMemberFactory(pupil=pupil, household__trust=school.trust)
    HouseholdMemberFactory(pupil=brother, household=member.household)
    finding = FindingFactory(
        school=school,
        pupil=None,
        subject_kind=FindingSubject.HOUSEHOLD,
        household_id=str(member.household_id),
        detector="trio",
    )
    url = reverse("patterns:escalate", args=[finding.pk])
    client = client_for(dsl)
    form = client.get(url).content.decode()
    assert "Which child is the challenge about?" in form
    assert "Ben" in form

    refused = client.post(url, _form())
    assert refused.status_code == 400
    assert "Choose the child the challenge is about." in refused.content.decode()
    assert not Escalation.objects.exists()

    client.post(url, _form(child=str(brother.pk)))
    assert Escalation.objects.get().pupil_id == brother.pk


def test_a_refusal_names_the_problem_and_writes_nothing(client_for, dsl, school, pupil):
    finding = FindingFactory(school=school, pupil=pupil)
    url = reverse("patterns:escalate", args=[finding.pk])
    missing = client_for(dsl).post(url, _form(reason=""))
    assert missing.status_code == 400
    assert "Say why the school is challenging the decision." in missing.content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = client_for(dsl).post(
        url,
        _form(
            opened_on_day=str(tomorrow.day),
            opened_on_month=str(tomorrow.month),
            opened_on_year=str(tomorrow.year),
        ),
    )
    assert future.status_code == 400
    assert not Escalation.objects.exists()


def test_the_headteacher_reads_the_finding_but_does_not_open_escalations(
    client_for, headteacher, school, pupil
):
    finding = FindingFactory(school=school, pupil=pupil)
    page = client_for(headteacher).get(reverse("patterns:detail", args=[finding.pk]))
    assert reverse("patterns:escalate", args=[finding.pk]) not in page.content.decode()
    url = reverse("patterns:escalate", args=[finding.pk])
    assert client_for(headteacher).post(url, _form()).status_code == 403
    assert not Escalation.objects.exists()


def test_a_finding_whose_children_have_all_left_cannot_open_one(client_for, dsl, school, pupil):
    finding = FindingFactory(school=school, pupil=pupil)
    pupil.enrolments.update(end_date=timezone.localdate() - timedelta(days=3))
    assert client_for(dsl).get(reverse("patterns:escalate", args=[finding.pk])).status_code == 404
