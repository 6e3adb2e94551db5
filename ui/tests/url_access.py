from tests.access_table import Case, everyone

CASES = {
    "ui:hidden": Case(everyone(200)),
    "ui:health": Case(everyone(200)),
}
