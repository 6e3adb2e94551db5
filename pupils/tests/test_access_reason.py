"""A trust lead opens a child's record only after saying why; the reason travels with each read."""

import time

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from concerns.models import Concern, ConcernPupil


@pytest.fixture
def lead(trust_lead):
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    return trust_lead


def test_lead_is_asked_why_then_reads_with_the_reason_logged(client_for, lead, pupil, dsl):
    client = client_for(lead)
    detail = reverse("pupils:detail", args=[pupil.pk])
    response = client.get(detail)
    assert response.status_code == 302
    ask = reverse("pupils:access_reason", args=[pupil.pk])
    assert response["Location"] == f"{ask}?next=%2Fpupils%2F{pupil.pk}%2F"
    assert not AuditEvent.objects.filter(action=AuditAction.PUPIL_VIEWED).exists()

    too_short = client.post(ask, {"reason": "because", "next": detail})
    assert "at least 10 characters" in too_short.content.decode()

    reason = "The school asked the trust for advice on this child and her brother."
    done = client.post(ask, {"reason": reason, "next": detail})
    assert done.status_code == 302
    assert done["Location"] == detail
    assert client.get(detail).status_code == 200
    given = AuditEvent.objects.get(action=AuditAction.ACCESS_REASON_GIVEN)
    assert given.reason == reason
    viewed = AuditEvent.objects.get(action=AuditAction.PUPIL_VIEWED)
    assert viewed.reason == reason
    assert viewed.pupil_id == pupil.pk

    # The DSL sees who looked and why.
    log = client_for_dsl_page(pupil)
    assert reason in log


def client_for_dsl_page(pupil):
    from conftest import signed_in_client
    from schools.models import Membership, Role

    dsl = Membership.objects.get(role=Role.DSL, school=pupil.enrolments.get().school)
    return signed_in_client(dsl).get(reverse("pupils:access_log", args=[pupil.pk])).content.decode()


def test_a_reason_covers_one_child_for_thirty_minutes(client_for, lead, pupil, dsl, school):
    from pupils.tests.factories import EnrolmentFactory, PupilFactory

    other = PupilFactory()
    EnrolmentFactory(pupil=other, school=school)
    client = client_for(lead)
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.post(
            reverse("pupils:access_reason", args=[pupil.pk]),
            {"reason": "Advice sought by the school's DSL."},
        )
        assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 200
        assert client.get(reverse("pupils:detail", args=[other.pk])).status_code == 302
    with time_machine.travel(start + 31 * 60, tick=False):
        session = client.session
        session["cairn_last_seen"] = time.time()
        session.save()
        assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 302


def test_concerns_ask_the_same(client_for, lead, dsl, pupil):
    import datetime

    concern = Concern.objects.create(
        school=dsl.school,
        recorded_by=dsl,
        author_name="Dana Lead",
        occurred_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
        written_at=datetime.datetime(2026, 3, 2, 11, tzinfo=datetime.UTC),
    )
    ConcernPupil.objects.create(concern=concern, pupil=pupil, part="subject")
    client = client_for(lead)
    url = reverse("concerns:detail", args=[concern.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("pupils:access_reason", args=[pupil.pk]) in response["Location"]


def test_not_asked_when_the_trust_does_not_allow_it(client_for, trust_lead, pupil):
    client = client_for(trust_lead)
    assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 404
    assert client.get(reverse("pupils:access_reason", args=[pupil.pk])).status_code == 404


def test_school_staff_are_never_asked(client_for, dsl, pupil):
    assert client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.PUPIL_VIEWED)
    assert event.reason == ""


def test_next_must_stay_on_this_site(client_for, lead, pupil):
    response = client_for(lead).post(
        reverse("pupils:access_reason", args=[pupil.pk]),
        {"reason": "Advice sought by the school's DSL.", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("pupils:detail", args=[pupil.pk])
