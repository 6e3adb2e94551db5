"""What every attendance importer shares: finding schools and pupils, encoding a week of marks,
and writing week rows in bulk (all-or-nothing, idempotent; docs/import-attendance.md).

One module per step (ADR 17): `rolls` (problems, schools and their rolls, encoding a week of
marks, weeks from sessions) and `writer` (writing week rows in bulk).
"""

from attendance.importers.common.rolls import (
    DAY_NAMES,
    FRIDAY,
    MAX_PROBLEMS,
    SESSION_NAMES,
    AttendanceImportError,
    Problem,
    Rolls,
    RowError,
    SchoolRoll,
    SessionKey,
    SessionWeek,
    WeekRecord,
    session_label,
    weeks_from_sessions,
)
from attendance.importers.common.writer import (
    WeekWriter,
    WriteCounts,
)

__all__ = [
    "DAY_NAMES",
    "FRIDAY",
    "MAX_PROBLEMS",
    "SESSION_NAMES",
    "AttendanceImportError",
    "Problem",
    "Rolls",
    "RowError",
    "SchoolRoll",
    "SessionKey",
    "SessionWeek",
    "WeekRecord",
    "WeekWriter",
    "WriteCounts",
    "session_label",
    "weeks_from_sessions",
]
