"""Who may open a finding: one condition at a time."""

import pytest
from django.http import Http404

from patterns.access import access_finding, findings_visible_to
from patterns.tests.factories import FindingFactory
from schools.models import Membership, Role


@pytest.fixture
def finding(school, pupil):
    return FindingFactory(school=school, pupil=pupil)


def test_the_schools_readers_see_its_findings(dsl, deputy_dsl, headteacher, finding):
    for viewer in (dsl, deputy_dsl, headteacher):
        assert access_finding(viewer=viewer, finding_id=finding.pk) == finding


@pytest.mark.parametrize(
    "persona", ["teacher", "governor", "trust_lead", "school_admin", "other_school_dsl"]
)
def test_everyone_else_gets_404(request, persona, finding):
    viewer = request.getfixturevalue(persona)
    with pytest.raises(Http404):
        access_finding(viewer=viewer, finding_id=finding.pk)


def test_a_reader_role_without_a_school_sees_nothing(finding):
    assert not findings_visible_to(viewer=Membership(role=Role.DSL)).exists()
