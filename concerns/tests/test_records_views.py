"""Behaviour by hand, Operation Encompass, and the school's category list, over HTTP."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from concerns.models import BehaviourIncident, Category, EncompassNotification
from concerns.services import categories_ensure
from concerns.tests.factories import enrolled_pupil

pytestmark = pytest.mark.django_db


def test_dsl_adds_a_behaviour_incident(client_for, dsl, pupil):
    today = timezone.localdate().isoformat()
    response = client_for(dsl).post(
        reverse("concerns:behaviour_add", args=[pupil.pk]),
        {"occurred_on": today, "occurred_time": "00:01", "incident_type": "Refusal"},
    )
    assert response.status_code == 302
    assert BehaviourIncident.objects.get().recorded_by == dsl
    chronology = client_for(dsl).get(reverse("chronology:pupil", args=[pupil.pk]))
    # The kind is said once (in the line above the title), not again in the title.
    assert re.search(r"Behaviour</p>\s*<h3[^>]*>(<a[^>]*>)?Refusal<", chronology.content.decode())


def test_encompass_for_the_child_and_a_sibling(client_for, dsl, headteacher, pupil, school):
    sibling = enrolled_pupil(school=school, legal_forename="Sib")
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_for(dsl).post(
        reverse("concerns:encompass_add"),
        {
            "police_reference": "OE/12345",
            "occurred_on": yesterday.isoformat(),
            "occurred_time": "22:30",
            "child_present": "yes",
            "pupils": [str(pupil.pk), str(sibling.pk)],
            "welfare_check_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    notification = EncompassNotification.objects.get()
    assert set(notification.pupils.all()) == {pupil, sibling}
    assert AuditEvent.objects.filter(action=AuditAction.ENCOMPASS_RECORDED).count() == 2
    dsl_view = client_for(dsl).get(reverse("chronology:pupil", args=[sibling.pk]))
    body = dsl_view.content.decode()
    assert "OE/12345" in body
    assert reverse("chronology:household") in body  # links to the household's chronology
    head_view = client_for(headteacher).get(reverse("chronology:pupil", args=[sibling.pk]))
    assert "OE/12345" not in head_view.content.decode()


def test_encompass_form_needs_a_child_and_a_reference(client_for, dsl):
    response = client_for(dsl).post(reverse("concerns:encompass_add"), {})
    assert response.status_code == 400
    assert not EncompassNotification.objects.exists()


def test_categories_can_be_added_changed_and_retired(client_for, dsl, teacher, school):
    categories_ensure(school=school)
    client = client_for(dsl)
    response = client.post(
        reverse("concerns:categories"),
        {"label": "Young carer", "signs": "Tired; caring at home.", "what_to_do": "Tell a DSL."},
    )
    assert response.status_code == 302
    added = Category.objects.get(school=school, label="Young carer")
    assert added.code == "young-carer"
    assert "Young carer" in client_for(teacher).get(reverse("concerns:record")).content.decode()
    response = client.post(
        reverse("concerns:category_edit", args=[added.pk]),
        {"label": "Young carer", "signs": "", "what_to_do": ""},  # unticked: retired
    )
    assert response.status_code == 302
    assert "Young carer" not in client_for(teacher).get(reverse("concerns:record")).content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.CONCERN_CATEGORY_CHANGED).count() == 2


def test_other_schools_category_is_404(client_for, dsl, other_school_dsl, school):
    categories_ensure(school=school)
    category = Category.objects.get(school=school, code="neglect")
    url = reverse("concerns:category_edit", args=[category.pk])
    assert client_for(other_school_dsl).get(url).status_code == 404
    assert client_for(dsl).get(url).status_code == 200
