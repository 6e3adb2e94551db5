"""The record apps' suppression rule (schools.suppression) gives the dashboards' answers
(analytics.tables.Policy), so a governor sees one rule everywhere."""

import pytest

from analytics.tables import PROTECTED, WITHHELD, Policy, secondary
from schools import suppression


@pytest.mark.parametrize("n", [0, 1, 4, 5, 6, 1234])
def test_counts_and_percentages_agree(n, settings):
    settings.CAIRN_ANALYTICS_SUPPRESS_BELOW = 5
    policy = Policy.for_viewer(suppress=True)
    assert suppression.count_text(n) == policy.count(n).text
    assert suppression.is_small(n) == policy.small(n)
    expected = policy.percent(n, 40).text
    value = round(100 * n / 40, 1)
    assert suppression.percent_text(value, n, 40) == expected


@pytest.mark.parametrize("values", [[30, 2, 25], [1, 2, 30], [30, 40], [3, 0, 0], [0, 0]])
def test_secondary_suppression_agrees(values):
    assert suppression.secondary(values) == secondary(values, Policy.for_viewer(suppress=True))
    assert (suppression.WITHHELD, suppression.PROTECTED) == (WITHHELD, PROTECTED)
