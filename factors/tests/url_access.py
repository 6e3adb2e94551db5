"""Who reaches each factors URL. The world's trust does not let its lead open child records, so
the trust lead gets past the role check and is then told the child does not exist (404)."""

from factors.tests.factories import KnownFactorFactory
from tests.access_table import Case, allow

_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731


def _factor(world) -> dict[str, object]:
    return {"factor_id": KnownFactorFactory(pupil=world.pupil, recorded_by=world.dsl).pk}


_team = ("dsl", "deputy_dsl")

CASES = {
    # Reading; recording is a POST to the same URL (tests/test_views.py).
    "factors:pupil": Case(allow(*_team, other_school_dsl=404, trust_lead=404), kwargs=_child),
    # Without a reason the safeguarding team gets the page back with the error; a trust lead
    # never withdraws (403), another school's DSL is told there is no such factor.
    "factors:withdraw": Case(allow(*_team, other_school_dsl=404), kwargs=_factor, method="post"),
}
