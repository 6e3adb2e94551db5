"""The front sheet brings the other apps' panels together, each only for those who may read it."""

import datetime

from django.urls import reverse

from concerns.flags import concern_flags
from concerns.models import Concern, ConcernPupil
from conftest import with_access_reason


def test_dsl_sees_every_panel(client_for, dsl, pupil):
    page = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert reverse("chronology:pupil", args=[pupil.pk]) in page
    assert 'id="findings-panel-heading"' in page
    assert "No findings about this child." in page
    assert 'id="voice-last-heard"' in page
    assert 'id="attendance-panel-title"' in page


def test_headteacher_sees_the_panels_too(client_for, headteacher, pupil):
    page = client_for(headteacher).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert 'id="findings-panel-heading"' in page
    assert 'id="attendance-panel-title"' in page


def test_trust_lead_allowed_by_the_trust_sees_attendance_but_not_findings_or_voice(
    client_for, trust_lead, pupil
):
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    client = with_access_reason(client_for(trust_lead), pupil)
    page = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert 'id="attendance-panel-title"' in page
    assert reverse("chronology:pupil", args=[pupil.pk]) in page
    assert 'id="findings-panel-heading"' not in page
    assert 'id="voice-last-heard"' not in page


def test_concern_flags_say_only_that_records_exist(dsl, pupil):
    concern = Concern.objects.create(
        school=dsl.school,
        recorded_by=dsl,
        author_name="Dana Lead",
        occurred_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
        written_at=datetime.datetime(2026, 3, 2, 11, tzinfo=datetime.UTC),
    )
    ConcernPupil.objects.create(concern=concern, pupil=pupil, part="subject")
    assert concern_flags([pupil.pk]) == {pupil.pk: ["named in 1 safeguarding concern"]}
    assert concern_flags([]) == {}
