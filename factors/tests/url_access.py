"""Who reaches each factors URL. The world's trust does not let its lead open child records, so
the trust lead gets past the role check and is then told the child does not exist (404)."""

from tests.access_table import Case, allow, child_level, world_object

_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731


def _build_factor(world):
    from factors.tests.factories import KnownFactorFactory

    return KnownFactorFactory(pupil=world.pupil, recorded_by=world.dsl)


def _factor(world) -> dict[str, object]:
    return {"factor_id": world_object(world, "factor", _build_factor).pk}


_team = ("dsl", "deputy_dsl")

CASES = {
    # Reading; recording is a POST to the same URL (tests/test_views.py).
    "factors:pupil": Case(
        child_level(allow(*_team, other_school_dsl=404)),
        kwargs=_child,
        post=lambda w: {
            "code": "4A",
            "source": "assessment",
            "known_from_day": "5",
            "known_from_month": "1",
            "known_from_year": "2026",
        },
        # Only the safeguarding team records a factor: a trust lead is told there is no such
        # child, reason or not.
        post_overrides={
            "trust_lead_no_reason": 404,
            "trust_lead_other_reason": 404,
            "trust_lead_reason": 404,
        },
    ),
    # Without a reason the safeguarding team gets the page back with the error; a trust lead
    # never withdraws (403), another school's DSL is told there is no such factor.
    "factors:withdraw": Case(allow(*_team, other_school_dsl=404), kwargs=_factor, method="post"),
}
