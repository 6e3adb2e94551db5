"""Attendance measures, computed by DuckDB over the columnar copy (never row by row in Python).

Definitions: Cairn domain reference `attendance.md` §3 "Measures" and §4 "Statutory triggers".
- Possible sessions: sessions whose code counts in possible sessions [V].
- Attendance rate = (present + approved educational activity) ÷ possible [V].
- Persistent absence: missing ≥ 10% of own possible sessions — exactly 90.0% attendance *is*
  persistent absence (EES pupil absence methodology [V]); severe absence: missing ≥ 50%
  (EES "Explain severe absence" [V]). Integer comparisons, never floats (§3 Implementation).
- Unexplained absence: codes whose statistical treatment is unauthorised absence — `G N O U`
  (§2 treatment groups [V]).
- Ten continuous school days absent without permission: notify the LA (§4 [V 2006 regs;
  U unchanged in 2024] → `CAIRN_ATTENDANCE_LA_NOTIFY_DAYS`).
- Patterns (§6 candidate detectors, DSL-configurable): Monday/Friday and around-holiday
  concentration, a sudden fall against the pupil's own baseline, lateness (`L`, `U`), part-time
  timetables (`C2`). Their thresholds are Cairn's own defaults [U], all settings.
DfE measures are per enrolment: `per="enrolment"` gives one row per pupil per school, and
`per="child"` one per child across their enrolments (§3 Implementation).

One module per step (ADR 17): `figures` (thresholds, periods and what a pupil's or a group's
measures say), `sql` (the columnar copy as DuckDB reads it: marks, calendars, holidays) and
`compute` (one query for every pupil's measures).
"""

from attendance.measures.compute import pupil_measures
from attendance.measures.figures import (
    GroupMeasures,
    Period,
    PupilMeasures,
    Thresholds,
    group_measures,
)
from attendance.measures.sql import (
    T_NOT_COUNTED,
    connect,
    marks_cte,
    parquet_file_list,
    storage_translations,
)

__all__ = [
    "T_NOT_COUNTED",
    "GroupMeasures",
    "Period",
    "PupilMeasures",
    "Thresholds",
    "connect",
    "group_measures",
    "marks_cte",
    "parquet_file_list",
    "pupil_measures",
    "storage_translations",
]
