from tests.access_table import Case, allow

CASES = {
    "audit:pupil_access_log": Case(
        allow("dsl", "deputy_dsl", other_school_dsl=404), kwargs=lambda w: {"pupil_id": w.pupil.pk}
    ),
}
