"""The access functions themselves, one case per condition (views reach them through
`role_required`, which already refuses most roles, so some branches are met only here)."""

import pytest
from django.http import Http404

from factors.access import (
    access_factor_to_withdraw,
    access_pupil_factors,
    access_pupil_to_record_factor,
    factors_visible_to,
)
from factors.tests.factories import KnownFactorFactory
from schools.models import Role
from schools.reasons import AccessReasonRequiredError
from schools.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def factor(dsl, pupil):
    return KnownFactorFactory(pupil=pupil, recorded_by=dsl)


def test_the_safeguarding_team_sees_its_schools_factors(dsl, deputy_dsl, other_school_dsl, factor):
    assert list(factors_visible_to(viewer=dsl)) == [factor]
    assert list(factors_visible_to(viewer=deputy_dsl)) == [factor]
    assert not factors_visible_to(viewer=other_school_dsl).exists()


@pytest.mark.parametrize("role", ["teacher", "headteacher", "governor", "school_admin"])
def test_other_roles_see_none_and_open_nothing(request, pupil, factor, role):
    viewer = request.getfixturevalue(role)
    assert not factors_visible_to(viewer=viewer).exists()
    with pytest.raises(Http404):
        access_pupil_factors(viewer=viewer, pupil_id=pupil.pk)
    with pytest.raises(Http404):
        access_pupil_to_record_factor(viewer=viewer, pupil_id=pupil.pk)
    with pytest.raises(Http404):
        access_factor_to_withdraw(viewer=viewer, factor_id=factor.pk)


def test_a_trust_lead_reads_only_where_the_trust_allows_and_with_a_reason(
    trust_lead, pupil, factor
):
    assert not factors_visible_to(viewer=trust_lead).exists()
    with pytest.raises(Http404):
        access_pupil_factors(viewer=trust_lead, pupil_id=pupil.pk)
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    assert list(factors_visible_to(viewer=trust_lead)) == [factor]
    with pytest.raises(AccessReasonRequiredError):
        access_pupil_factors(viewer=trust_lead, pupil_id=pupil.pk)
    trust_lead.access_reasons = {str(pupil.pk): "Advice sought"}
    assert access_pupil_factors(viewer=trust_lead, pupil_id=pupil.pk) == pupil
    with pytest.raises(Http404):
        access_pupil_to_record_factor(viewer=trust_lead, pupil_id=pupil.pk)
    with pytest.raises(Http404):
        access_factor_to_withdraw(viewer=trust_lead, factor_id=factor.pk)


def test_a_trust_lead_without_a_trust_sees_none(db):
    """A membership the database would refuse (a trust lead must have a trust), checked anyway."""
    lead = MembershipFactory.build(role=Role.TRUST_LEAD, school=None, trust=None)
    assert not factors_visible_to(viewer=lead).exists()


def test_another_schools_dsl_opens_nothing(other_school_dsl, pupil, factor):
    with pytest.raises(Http404):
        access_pupil_factors(viewer=other_school_dsl, pupil_id=pupil.pk)
    with pytest.raises(Http404):
        access_factor_to_withdraw(viewer=other_school_dsl, factor_id=factor.pk)


def test_the_dsl_records_and_withdraws(dsl, pupil, factor):
    assert access_pupil_to_record_factor(viewer=dsl, pupil_id=pupil.pk) == pupil
    assert access_factor_to_withdraw(viewer=dsl, factor_id=factor.pk) == factor
