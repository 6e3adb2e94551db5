"""`{% findings_home_count %}`: the number beside "findings waiting for your judgement" on the
safeguarding team's home page, and nothing for anyone else (patterns/templatetags)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from patterns.models import FindingOutcome
from patterns.services import finding_decide
from patterns.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load findings_home %}{% findings_home_count as n %}{{ n }}")


def _count(membership=None, *, with_request: bool = True) -> str:
    context = {}
    if with_request:
        request = RequestFactory().get("/")
        if membership is not None:
            request.membership = membership
        context["request"] = request
    return TEMPLATE.render(Context(context))


def test_the_dsl_team_counts_undecided_findings_at_their_school(
    dsl, deputy_dsl, school, pupil, unrelated_school
):
    FindingFactory(school=school, pupil=pupil)
    decided = FindingFactory(school=school, pupil=pupil, detector="attendance-drop")
    finding_decide(
        actor=dsl,
        finding=decided,
        outcome=FindingOutcome.NOT_A_CONCERN_NOW,
        rationale="Known to us; a plan is in place.",
    )
    FindingFactory(school=unrelated_school)
    assert _count(dsl) == "1"
    assert _count(deputy_dsl) == "1"


def test_nobody_else_gets_a_count(teacher, headteacher, trust_lead, school, pupil):
    FindingFactory(school=school, pupil=pupil)
    assert _count(teacher) == "0"
    assert _count(headteacher) == "0"
    assert _count(trust_lead) == "0"  # no school of their own
    assert _count(None) == "0"  # signed out: no membership on the request
    assert _count(with_request=False) == "0"
