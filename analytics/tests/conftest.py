"""The hand-built school most analytics tests read (analytics/tests/builders.py)."""

import pytest

from analytics.tests.builders import HandBuilt, build


@pytest.fixture
def built(school, dsl, other_school, tmp_path) -> HandBuilt:
    """The hand-built school, with a second school beside it that has no records."""
    return build(school, dsl, tmp_path)
