"""The demo year of concerns: neglect most common, heavy-tailed, some children's concerns add up."""

from collections import Counter

import pytest

from concerns import demo as concerns_demo
from concerns.models import Concern, ConcernPupil, ConcernVersion, Decision
from pupils import demo as pupils_demo
from schools import demo as schools_demo
from schools.demo import DemoWorld

pytestmark = pytest.mark.django_db


def test_demo_year():
    world = DemoWorld.new()
    schools_demo.seed(world)
    pupils_demo.seed(world)
    concerns_demo.seed(world)

    per_child = Counter(ConcernPupil.objects.values_list("pupil_id", flat=True))
    counts = sorted(per_child.values())
    assert counts[len(counts) // 2] <= 2, "most children with concerns have one or two"
    assert counts[-1] >= 8, "a few children have many"

    themes = Counter(ConcernVersion.objects.values_list("categories__code", flat=True))
    assert themes.most_common(1)[0][0] == "neglect"

    many = [pupil for pupil, n in per_child.items() if n >= 8]
    authors = {
        pupil: set(
            Concern.objects.filter(parts__pupil_id=pupil).values_list("author_name", flat=True)
        )
        for pupil in many
    }
    assert all(len(a) >= 2 for a in authors.values()), (
        "concerns that add up come from several adults"
    )
    persona_names = {p.full_name for p in schools_demo.PERSONAS}
    assert set(Concern.objects.values_list("author_name", flat=True)) <= persona_names
    assert Decision.objects.exclude(rationale="").count() == Decision.objects.count()
    assert Concern.objects.filter(decisions__isnull=True).exists(), "some wait in the inbox"
