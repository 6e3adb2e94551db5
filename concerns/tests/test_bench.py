"""The benchmark fixtures build what they promise (bench/ itself is outside the test run)."""

import pytest
from django.test import Client
from django.urls import reverse

from bench.concerns import concern_post, make_chronology_fixture, make_recording_fixture
from chronology.selectors import ChronologyFilters, chronology_for
from concerns.models import Concern
from conftest import signed_in_client
from pupils.models import Pupil
from schools.models import Membership

pytestmark = pytest.mark.django_db


def test_chronology_fixture_has_the_entries_asked_for():
    pupil_id, email = make_chronology_fixture(entries=120)
    dsl = Membership.objects.get(user__email=email)
    pupil = Pupil.objects.get(pk=pupil_id)
    chronology = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    assert len(chronology.entries) == 120
    response = signed_in_client(dsl).get(reverse("chronology:pupil", args=[pupil_id]))
    assert response.status_code == 200


def test_concern_post_records_a_concern():
    pupil_id, email = make_recording_fixture()
    teacher = Membership.objects.get(user__email=email)
    client: Client = signed_in_client(teacher, Client(enforce_csrf_checks=True))
    session_cookie = f"sessionid={client.cookies['sessionid'].value}"
    method, path, body, headers = concern_post(pupil_id=pupil_id, session_cookie=session_cookie)
    client.cookies.load(headers["Cookie"])
    response = client.generic(
        method, path, body, content_type=headers["Content-Type"], HTTP_REFERER=headers["Referer"]
    )
    assert response.status_code == 302, response.content[:2000]
    assert Concern.objects.filter(parts__pupil_id=pupil_id).count() == 1
