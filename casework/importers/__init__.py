"""Casework, and the records other apps hold, in `import_history` and `export_history`
(settings.HISTORY_IMPORT_KINDS; docs/import-format.md).

Each kind reads its fields from a line, and writes through the same service a DSL's form uses,
so an imported record meets the same rules (dates in order, reasons present, the child on the
roll on the day) and is audited. The record keeps its `source_ref` and the date it was written in
the old system; a `source_ref` the school already holds is skipped, so a file can run twice.

Casework's own records: agencies (contacts and answers), plans and meetings, the family
(engagement, day notes, the household's other children), the roll (leaving, agreed absences) and
escalations. The records of the apps below casework (pupils, factors, voice) live here too,
because casework is the layer above them: enrolments, known factors and support statuses,
check-ins and the child's voice. An imported record whose author is not a Cairn user keeps the
author's name and role (`concerns.ImportOrigin`).
"""

from casework.importers.agencies import AGENCY_CONTACT
from casework.importers.enrolments import ENROLMENT
from casework.importers.escalation import ESCALATION
from casework.importers.factors import KNOWN_FACTOR, SUPPORT_STATUS
from casework.importers.family import DAY_NOTE, ENGAGEMENT, HOUSEHOLD_CHILD
from casework.importers.plans import MEETING, PLAN
from casework.importers.roll import AGREED_ABSENCE, LEAVING
from casework.importers.voice import CHECK_IN, VOICE

__all__ = [
    "AGENCY_CONTACT",
    "AGREED_ABSENCE",
    "CHECK_IN",
    "DAY_NOTE",
    "ENGAGEMENT",
    "ENROLMENT",
    "ESCALATION",
    "HOUSEHOLD_CHILD",
    "KNOWN_FACTOR",
    "LEAVING",
    "MEETING",
    "PLAN",
    "SUPPORT_STATUS",
    "VOICE",
]
