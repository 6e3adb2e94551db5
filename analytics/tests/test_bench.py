"""The benchmark builds what it promises and returns rows in the agreed shape (small scale)."""

import pytest

from bench.analytics import bench_dashboard
from concerns.models import Concern, Decision
from factors.models import KnownFactor

pytestmark = pytest.mark.django_db


def test_bench_dashboard_rows(tmp_path):
    rows = bench_dashboard(pupils=1000, years=1, workdir=tmp_path)
    states = (
        "cold: a new process reads every table whole",
        "after a new concern: the copy reads the new rows",
        "warm: nothing new since the last view",
    )
    assert [r["what"] for r in rows] == [
        *(f"trust dashboard aggregates (autumn term 2025, {s})" for s in states),
        *(f"trust dashboard aggregates (all 1 years, {s})" for s in states),
        "governors' PDF for one school (autumn term 2025, cold)",
    ]
    keys = {"what", "scale", "value", "unit", "reference_what", "reference_value", "peak_mb"}
    for row in rows:
        assert keys <= set(row)
        assert row["value"] > 0
        assert row["reference_value"] > 0
    assert Concern.objects.filter(source_system="bench-analytics").count() == 300
    assert Concern.objects.filter(source_system="bench-analytics-new").count() == 6
    assert KnownFactor.objects.count() == 50  # a fifth of the 250 children with concerns
    assert 0 < Decision.objects.count() < 300
