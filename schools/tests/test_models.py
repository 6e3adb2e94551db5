import pytest
from django.db import IntegrityError, transaction

from schools.models import Membership, Role
from schools.tests.factories import SchoolFactory, UserFactory


@pytest.mark.parametrize(
    ("urn", "la", "estab"),
    [("12345", "980", "2000"), ("123456", "98", "2000"), ("123456", "980", "20a0")],
)
def test_school_identifiers_are_checked(db, urn, la, estab):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(urn=urn, la_code=la, establishment_number=estab)


def test_trust_lead_belongs_to_a_trust_not_a_school(school):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, school=school, role=Role.TRUST_LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, trust=school.trust, role=Role.DSL)
    Membership.objects.create(user=user, trust=school.trust, role=Role.TRUST_LEAD)


def test_one_active_role_of_a_kind_per_school(school):
    user = UserFactory()
    Membership.objects.create(user=user, school=school, role=Role.DSL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, school=school, role=Role.DSL)
