"""Only people who may read a concern's children may be given an action on it (issue 14, 9).

A governor or the school administrator can never open a child's concern (`concerns.access`), so
an action given to them would sit where nobody who may do it can see it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from concerns import services
from concerns.access import action_assignees_for
from concerns.models import Action
from concerns.tests.factories import make_concern


@pytest.fixture
def concern(teacher, pupil):
    return make_concern(author=teacher, pupil=pupil)


def test_action_assignee_choices_leave_out_those_who_cannot_read_the_child(
    client_for, dsl, teacher, governor, school_admin, attendance_lead, headteacher, concern
):
    page = client_for(dsl).get(reverse("concerns:assign_action", args=[concern.pk]))
    assert page.status_code == 200
    offered = set(page.context["form"].fields["assignee"].queryset)
    assert {teacher, dsl, attendance_lead, headteacher} <= offered
    assert governor not in offered
    assert school_admin not in offered
    assert set(action_assignees_for(concern=concern)) == offered


@pytest.mark.parametrize("persona", ["governor", "school_admin"])
def test_action_assign_refuses_someone_who_cannot_read_the_child(request, dsl, concern, persona):
    assignee = request.getfixturevalue(persona)
    before = Action.objects.count()
    with pytest.raises(ValidationError, match="cannot open this child's records"):
        services.action_assign(
            actor=dsl,
            concern=concern,
            assignee=assignee,
            description="Ring the family.",
            due_on=timezone.localdate(),
        )
    assert Action.objects.count() == before


def test_posting_a_governor_as_assignee_is_refused_with_nothing_written(
    client_for, dsl, governor, concern
):
    before = Action.objects.count()
    response = client_for(dsl).post(
        reverse("concerns:assign_action", args=[concern.pk]),
        {
            "description": "Ring the family.",
            "assignee": str(governor.pk),
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    assert Action.objects.count() == before


def test_may_be_assigned_refuses_a_former_member_and_another_schools_staff(
    concern, teacher, other_school_dsl
):
    from concerns.access import may_be_assigned

    assert may_be_assigned(membership=teacher, concern=concern)
    assert not may_be_assigned(membership=other_school_dsl, concern=concern)
    teacher.is_active = False
    assert not may_be_assigned(membership=teacher, concern=concern)
