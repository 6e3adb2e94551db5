"""The analytics engine: every dashboard measure for a set of schools, computed columnar in DuckDB.

The append-only records a dashboard needs (concerns with their versions, categories and
subjects, decisions, actions, Operation Encompass notifications) come from a columnar copy each
process keeps up to date incrementally (analytics/store.py); the roll and category codes are
pulled with the ORM for each dashboard as plain values and written as tab-separated files. DuckDB
cuts the copy to the chosen schools and period and joins the attendance app's Parquet copies
(docs/adr/0007-attendance-storage.md). Values are typed in one canonical form (UUIDs, local
dates, whole seconds since the epoch), so SQLite and PostgreSQL give DuckDB identical input and
the numbers are the same on both (docs/adr/0011-analytics-engine.md).

Every measure is grouped by school: one pass serves a school's dashboard or a trust's schools
side by side. Results are counts only; no name or identifier leaves this module.

Definitions (the dashboard's table notes say how each is counted):
- *Roll*: pupils with an enrolment at the school overlapping the period.
- *Children with concerns*: children who are the subject of a concern that happened in the
  period (KCSIE Part one, "Record keeping" [V], records-and-access.md §2).
- *Neglect*: a concern whose current version carries a category with CP code `NEG` — the CIN
  census child protection category for neglect [V XSD] (cin-codes.md §3).
- *A decision beyond monitoring*: any outcome other than "no further action" and "monitor"
  (early help or a referral), the first made up to the end of the period.
- *Attendance*: possible and attended sessions, with the attendance app's code table;
  persistent absence is missing ≥ the configured share of possible sessions, by integer
  comparison (attendance.md §3 [V]; `CAIRN_ATTENDANCE_PERSISTENT_PERCENT`).

One module per step (ADR 17): `figures` (what comes out), `loading` (rows into DuckDB), `records`
(the period's records and the roll's dimensions), `measures` (computing) and `attendance`
(attendance and the findings' counts).
"""

from analytics.engine.figures import (
    AGE_BANDS,
    NEGLECT_CP_CODE,
    NOT_BEYOND_MONITORING,
    PROFILE_DIMENSIONS,
    Figures,
    SchoolFigures,
)
from analytics.engine.loading import load_rows
from analytics.engine.measures import compute

__all__ = [
    "AGE_BANDS",
    "NEGLECT_CP_CODE",
    "NOT_BEYOND_MONITORING",
    "PROFILE_DIMENSIONS",
    "Figures",
    "SchoolFigures",
    "compute",
    "load_rows",
]
