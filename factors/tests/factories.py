import datetime

import factory
from django.utils import timezone

from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal


class KnownFactorFactory(factory.django.DjangoModelFactory):
    """A factor recorded by a DSL (give `recorded_by` a membership at the child's school)."""

    class Meta:
        model = KnownFactor

    pupil = factory.SubFactory("pupils.tests.factories.PupilFactory")
    recorded_by = factory.SubFactory("schools.tests.factories.MembershipFactory", role="dsl")
    school = factory.SelfAttribute("recorded_by.school")
    code = "3B"
    source = FactorSource.ASSESSMENT
    known_from = datetime.date(2026, 1, 5)
    recorded_at = factory.LazyFunction(timezone.now)


class KnownFactorWithdrawalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnownFactorWithdrawal

    factor = factory.SubFactory(KnownFactorFactory)
    reason = "Recorded in error."
    withdrawn_by = factory.SelfAttribute("factor.recorded_by")
    withdrawn_at = factory.LazyFunction(timezone.now)
