"""The demo: several children at each school have each kind of casework, dated relative to the
seeding day, and the stories show on the front sheet, the inbox and the capacity view."""

import pytest

from audit.models import AuditAction, AuditEvent
from casework import demo
from casework.models import (
    AgencyContact,
    AgreedAbsence,
    DayNote,
    EngagementEvent,
    EscalationStage,
    HouseholdChild,
    Leaving,
    Meeting,
    Plan,
)
from casework.panels import inbox_panel
from casework.selectors import social_care_status
from concerns import demo as concerns_demo
from factors import demo as factors_demo
from pupils import demo as pupils_demo
from schools import demo as schools_demo
from schools.demo import DemoWorld
from schools.models import Role

pytestmark = pytest.mark.django_db


def test_demo_casework():
    world = DemoWorld.new()
    schools_demo.seed(world)
    pupils_demo.seed(world)
    concerns_demo.seed(world)
    factors_demo.seed(world)
    demo.seed(world)
    for school in world.schools.values():
        assert Plan.objects.filter(school=school).values("pupil").distinct().count() >= 3
        assert AgencyContact.objects.filter(school=school).count() >= 2
        assert Meeting.objects.filter(school=school).count() >= 3
        assert EscalationStage.objects.filter(escalation__school=school).count() == 2
        assert HouseholdChild.objects.filter(school=school).count() == 1
        assert EngagementEvent.objects.filter(school=school).count() == 3
        assert DayNote.objects.filter(school=school).count() == 2
        assert AgreedAbsence.objects.filter(school=school).count() == 1
        assert Leaving.objects.filter(school=school).count() == 1
        cp = Plan.objects.get(school=school, kind="cp", ending__isnull=True)
        line = social_care_status(cp.pupil)
        assert line is not None
        assert line.text.startswith("Open to children's social care: child protection plan")
        dsl = next(
            m for m in world.members.values() if m.school_id == school.pk and m.role == Role.DSL
        )
        panel = inbox_panel(viewer=dsl)
        assert panel is not None
        whats = {row.what for row in panel.context["overdue"]}
        assert "Not back when expected" in whats
        assert any(w.startswith("Answer from") for w in whats)
    assert (
        AuditEvent.objects.filter(action=AuditAction.PLAN_RECORDED).count() == Plan.objects.count()
    )
    assert "agency contacts" in world.summary[-1]
