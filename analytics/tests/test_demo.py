"""The demo: each school's DSL has written actions for governors this term, and the dashboards
compute over the demo year."""

import pytest

from analytics import demo as analytics_demo
from analytics.engine import compute
from analytics.models import GovernorActions
from analytics.periods import term_containing
from concerns import demo as concerns_demo
from pupils import demo as pupils_demo
from schools import demo as schools_demo
from schools.demo import DemoWorld

pytestmark = pytest.mark.django_db


def test_demo_actions_and_dashboard():
    world = DemoWorld.new()
    schools_demo.seed(world)
    pupils_demo.seed(world)
    concerns_demo.seed(world)
    analytics_demo.seed(world)
    assert GovernorActions.objects.count() == len(world.schools)
    term = term_containing(world.today)
    figures = compute(school_ids=[s.pk for s in world.schools.values()], period=term)
    assert all(f.roll > 0 for f in figures.schools.values())
