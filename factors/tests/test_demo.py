"""The demo: the children of the concerns demo's stories have the factors an assessment found."""

import pytest

from audit.models import AuditAction, AuditEvent
from concerns import demo as concerns_demo
from concerns.models import EncompassNotification
from factors import demo
from factors.models import KnownFactor, KnownFactorWithdrawal
from pupils import demo as pupils_demo
from schools import demo as schools_demo
from schools.demo import DemoWorld

pytestmark = pytest.mark.django_db


def test_demo_factors():
    world = DemoWorld.new()
    schools_demo.seed(world)
    pupils_demo.seed(world)
    concerns_demo.seed(world)
    demo.seed(world)
    for school in world.schools.values():
        notified = EncompassNotification.objects.get(school=school).pupils.all()
        codes = {
            pupil.pk: set(
                KnownFactor.objects.filter(
                    pupil=pupil, school=school, withdrawal__isnull=True
                ).values_list("code", flat=True)
            )
            for pupil in notified
        }
        # The trio, with neglect, for one notified child; domestic abuse for the other.
        assert sorted(map(sorted, codes.values())) == [["16A", "2B", "3B", "4B"], ["3B"]]
        assert KnownFactorWithdrawal.objects.filter(factor__school=school).count() == 1
        assert KnownFactor.objects.filter(school=school, code="16A").count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.FACTOR_RECORDED).count() == (
        KnownFactor.objects.count()
    )
    assert "known factors for" in world.summary[-1]
    assert set(KnownFactor.objects.values_list("source", flat=True)) <= {"assessment", "family"}
