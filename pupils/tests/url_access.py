from tests.access_table import Case, allow

# The trust in the test world does not let its lead open children's records.
# Another school's DSL may search, and finds only their own school's children.
_readers = allow("dsl", "deputy_dsl", "headteacher", "trust_lead", "other_school_dsl")
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731

CASES = {
    "pupils:search": Case(_readers),
    "pupils:detail": Case(
        allow("dsl", "deputy_dsl", "headteacher", trust_lead=404, other_school_dsl=404),
        kwargs=_child,
    ),
}
