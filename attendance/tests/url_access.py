from tests.access_table import Case, allow, child_level

# The trust in the test world does not let its lead open children's records. The attendance lead
# reads the registers of the school's children (never the rest of their record) and manages the
# school's register imports and code equivalents.
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731

CASES = {
    "attendance:cohort": Case(
        allow("dsl", "deputy_dsl", "headteacher", "attendance_lead", "other_school_dsl")
    ),
    "attendance:summary": Case(
        allow(
            "dsl",
            "deputy_dsl",
            "headteacher",
            "governor",
            "trust_lead",
            "attendance_lead",
            "other_school_dsl",
        )
    ),
    "attendance:upload": Case(
        allow("dsl", "deputy_dsl", "school_admin", "attendance_lead", "other_school_dsl")
    ),
    "attendance:mappings": Case(
        allow("dsl", "deputy_dsl", "school_admin", "attendance_lead", "other_school_dsl"),
        post=lambda w: {"raw_code": "I02", "statutory_code": "I"},
    ),
    "attendance:pupil": Case(
        child_level(
            allow("dsl", "deputy_dsl", "headteacher", "attendance_lead", other_school_dsl=404)
        ),
        kwargs=_child,
    ),
}
