from tests.access_table import Case, allow

# The trust in the test world does not let its lead open children's records.
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731

CASES = {
    "attendance:cohort": Case(allow("dsl", "deputy_dsl", "headteacher", "other_school_dsl")),
    "attendance:summary": Case(
        allow("dsl", "deputy_dsl", "headteacher", "governor", "trust_lead", "other_school_dsl")
    ),
    "attendance:upload": Case(allow("dsl", "deputy_dsl", "school_admin", "other_school_dsl")),
    "attendance:mappings": Case(allow("dsl", "deputy_dsl", "school_admin", "other_school_dsl")),
    "attendance:pupil": Case(
        allow("dsl", "deputy_dsl", "headteacher", trust_lead=404, other_school_dsl=404),
        kwargs=_child,
    ),
}
