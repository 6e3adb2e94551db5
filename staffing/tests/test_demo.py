"""The demo holds each kind: training (up to date, overdue, not recorded), low-level concerns
with a pattern; supervision with linked children, a reflective review, practice reviews and
what went well; and the governors' dashboard shows training compliance."""

import datetime

import pytest

from analytics.periods import Period
from analytics.selectors import dashboard_for
from casework import demo as casework_demo
from concerns import demo as concerns_demo
from factors import demo as factors_demo
from learning import demo as learning_demo
from learning.models import (
    PracticeReview,
    ReflectiveReview,
    SupervisionChild,
    SupervisionSession,
    WentWell,
)
from pupils import demo as pupils_demo
from schools import demo as schools_demo
from schools.demo import DemoWorld
from staffing import access, demo, selectors
from staffing.models import LowLevelConcern

pytestmark = pytest.mark.django_db


def test_the_demo_holds_each_kind():
    world = DemoWorld.new()
    schools_demo.seed(world)
    pupils_demo.seed(world)
    concerns_demo.seed(world)
    factors_demo.seed(world)
    casework_demo.seed(world)
    demo.seed(world)
    learning_demo.seed(world)
    today = world.today
    primary = world.schools["primary"]
    register = selectors.register_for(school_id=primary.pk, as_of=today)
    standings = {r.standing for e in register for r in e.requirements}
    assert {"up_to_date", "overdue", "not_recorded", "due_soon"} <= {str(s) for s in standings}
    head = world.members["headteacher"]
    rows = selectors.summaries(access.adults_visible_to(viewer=head), as_of=today)
    assert any(r.consult_lado for r in rows)
    assert LowLevelConcern.objects.count() == 5
    teacher2 = world.members["teacher2"]
    assert not access.reads_low_level_register(viewer=teacher2)
    for school in world.schools.values():
        assert SupervisionSession.objects.filter(school=school).exists()
        assert ReflectiveReview.objects.filter(school=school).exists()
        assert PracticeReview.objects.filter(school=school).count() == 3
        assert WentWell.objects.filter(school=school).exists()
    assert SupervisionChild.objects.count() >= 2
    period = Period(today - datetime.timedelta(days=90), today, "The last 90 days")
    governors = dashboard_for(viewer=world.members["governor"], period=period)
    table = governors.tables["training-compliance"]
    assert table.rows[0][0].text == "Everyone whose role needs safeguarding training"
    assert "what-went-well" in governors.tables
