"""The demo: about twenty vulnerable children with trusted adults, some check-ins overdue."""

import pytest

from pupils.demo import seed as seed_pupils
from schools.demo import DemoWorld
from schools.demo import seed as seed_schools
from voice.demo import seed
from voice.models import CheckInSchedule, VoiceEntry
from voice.selectors import DueState, check_ins_for_adult, not_heard_from

pytestmark = pytest.mark.django_db


def test_demo_check_ins():
    world = DemoWorld.new()
    seed_schools(world)
    seed_pupils(world)
    seed(world)
    assert CheckInSchedule.objects.count() == 20
    assert VoiceEntry.objects.count() >= 20
    primary, secondary = world.schools["primary"], world.schools["secondary"]
    assert len(not_heard_from(school=primary)) >= 3
    assert len(not_heard_from(school=secondary)) >= 2
    teacher = check_ins_for_adult(viewer=world.members["teacher"])
    assert len(teacher) == 6
    assert any(c.state == DueState.OVERDUE for c in teacher)
    assert check_ins_for_adult(viewer=world.members["secondary_teacher"])
    assert "20 children with check-ins" in world.summary[-1]
