"""Casework in `import_history` (settings.HISTORY_IMPORT_KINDS; docs/import-format.md).

Each kind reads its fields from a line, and writes through the same service a DSL's form uses,
so an imported record meets the same rules (dates in order, reasons present, the child on the
roll on the day) and is audited. The record keeps its `source_ref` and the date it was written in
the old system; a `source_ref` the school already holds is skipped, so a file can run twice.
"""

from casework.importers.agencies import AGENCY_CONTACT
from casework.importers.escalation import ESCALATION
from casework.importers.family import DAY_NOTE, ENGAGEMENT, HOUSEHOLD_CHILD
from casework.importers.plans import MEETING, PLAN
from casework.importers.roll import AGREED_ABSENCE, LEAVING

__all__ = [
    "AGENCY_CONTACT",
    "AGREED_ABSENCE",
    "DAY_NOTE",
    "ENGAGEMENT",
    "ESCALATION",
    "HOUSEHOLD_CHILD",
    "LEAVING",
    "MEETING",
    "PLAN",
]
