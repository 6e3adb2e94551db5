"""Who reaches each retention URL. The safeguarding team and the headteacher of the school that
holds the child's file; a trust lead decides nothing here (403), reason or not; another school's
DSL is told there is no such child."""

from tests.access_table import Case, allow

_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731
_deciders = ("dsl", "deputy_dsl", "headteacher")

CASES = {
    # Each school's DSL sees their own school's queue.
    "retention:queue": Case(allow(*_deciders, "other_school_dsl")),
    # Setting the period: the safeguarding team only; the form lives on the queue (302 back).
    "retention:policy": Case(
        allow("dsl", "deputy_dsl", "other_school_dsl", ok=302),
        method="post",
        post=lambda w: {"years": "30"},
    ),
    # The child's page; a decision is a POST to it. The world's child has not reached the date,
    # so the one decision open is a legal hold, which the headteacher may place too.
    "retention:pupil": Case(
        allow(*_deciders, other_school_dsl=404),
        kwargs=_child,
        post=lambda w: {"decision": "hold", "hold-reason": "A claim has been made."},
        post_overrides={"dsl": 302, "deputy_dsl": 302, "headteacher": 302},
        writers=frozenset({"deputy_dsl", "headteacher"}),
    ),
}
