"""Who may open the concern views: every member of staff records concerns (`RECORDERS`), the
trust lead also reads them (`READERS`), and only the safeguarding team decides (`DSL_TEAM`).
Which concern each may open is for `concerns.access`.
"""

from schools.models import OWN_RECORD_ROLES, Role

# Every member of staff records concerns; staff and the attendance lead read back only their own
# (concerns.access decides which concern each may open).
RECORDERS = [*sorted(OWN_RECORD_ROLES), Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER]
READERS = [*RECORDERS, Role.TRUST_LEAD]
DSL_TEAM = [Role.DSL, Role.DEPUTY_DSL]
