"""Issue 22, item 7: the member of staff who recorded a concern sees that it was received and by
whom it is being dealt with (never the decision); their actions name the child; done actions
are not counted as open."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns import selectors, services
from concerns.models import Outcome
from concerns.tests.factories import make_concern, make_decision
from conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _mine(teacher) -> str:
    response = signed_in_client(teacher).get(reverse("concerns:mine"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_concern_nobody_has_opened_is_shown_as_sent(teacher, dsl, pupil):
    make_concern(author=teacher, pupil=pupil)
    body = _mine(teacher)
    assert "not opened yet" in body
    assert "Received</strong>" not in body


def test_opening_by_the_dsl_shows_received_and_by_whom(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    assert signed_in_client(dsl).get(reverse("concerns:detail", args=[concern.pk])).status_code
    body = _mine(teacher)
    assert "Received</strong> by " + dsl.user.full_name in body
    page = signed_in_client(teacher).get(reverse("concerns:detail", args=[concern.pk]))
    text = page.content.decode()
    assert "Received</strong> by " + dsl.user.full_name in text
    assert "What has happened" in text


def test_a_decision_shows_who_is_dealing_with_it_but_not_the_decision(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    make_decision(dsl=dsl, concern=concern, outcome=Outcome.SOCIAL_CARE)
    for body in (
        _mine(teacher),
        signed_in_client(teacher)
        .get(reverse("concerns:detail", args=[concern.pk]))
        .content.decode(),
    ):
        assert "Being dealt with</strong> by " + dsl.user.full_name in body
        assert "social care" not in body
        assert "threshold met" not in body


def test_the_dsl_sees_the_decision_not_the_receipt(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    body = signed_in_client(dsl).get(reverse("concerns:detail", args=[concern.pk])).content
    assert b"Being dealt with</strong>" not in body
    assert b"threshold met" in body


def test_receipts_follow_the_current_decision(teacher, dsl, deputy_dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    first = make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    services.decision_record(
        actor=deputy_dsl,
        concern=concern,
        data=services.DecisionInput(outcome=Outcome.NO_FURTHER_ACTION, rationale="Resolved."),
        supersedes=first,
        change_reason="New information from home.",
    )
    receipt = selectors.receipts_for([concern])[concern.pk]
    assert receipt.status == selectors.BEING_DEALT_WITH
    assert receipt.who == deputy_dsl.user.full_name
    assert receipt.received


def test_actions_name_the_child_and_done_ones_are_not_open(teacher, dsl, pupil):
    concern = make_concern(author=dsl, pupil=pupil)
    open_one = services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=teacher,
        description="Check in with the child at lunchtime.",
        due_on=timezone.localdate() - timedelta(days=1),
    )
    done_one = services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=teacher,
        description="Ask about the coat.",
        due_on=timezone.localdate() + timedelta(days=2),
    )
    services.action_complete(actor=teacher, action=done_one, note="Asked; has a coat now.")
    assert selectors.open_actions_count(viewer=teacher) == 1
    body = _mine(teacher)
    assert pupil.display_name in body
    assert "Overdue" in body
    assert "Actions you have done (1)" in body
    assert reverse("concerns:complete_action", args=[open_one.pk]) in body
    assert reverse("concerns:complete_action", args=[done_one.pk]) not in body
    home = signed_in_client(teacher).get(reverse("schools:home")).content.decode()
    assert "You have 1 action to do" in home
    services.action_complete(actor=teacher, action=open_one, note="Done at lunch.")
    assert selectors.open_actions_count(viewer=teacher) == 0
    home = signed_in_client(teacher).get(reverse("schools:home")).content.decode()
    assert "action to do" not in home
    assert "No actions for you to do." in _mine(teacher)
