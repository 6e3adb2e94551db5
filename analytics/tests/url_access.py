from tests.access_table import Case, allow

# Dashboards are aggregates of the viewer's own school (or trust): another school's DSL gets
# their own school's figures, never this school's; nothing here takes a child or school id.
_SCHOOL = ("dsl", "deputy_dsl", "headteacher", "governor", "other_school_dsl")

CASES = {
    "analytics:school": Case(allow(*_SCHOOL)),
    "analytics:trust": Case(allow("trust_lead")),
    "analytics:export": Case(allow(*_SCHOOL, "trust_lead"), kwargs=lambda w: {"table": "capacity"}),
    "analytics:report": Case(allow(*_SCHOOL)),
    "analytics:actions": Case(allow("dsl", "deputy_dsl", "other_school_dsl")),
}
