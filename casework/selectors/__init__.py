"""Reads: a child's casework page, the social-care status the front sheet shows, what is overdue
for the safeguarding team's inbox, and meeting time for the team-capacity view.

Each reader of a child's records takes `viewer` and reads through `casework.access.visible`, so a
school's team sees their school's records and a trust lead those of the trust's schools.

The reads are a package, one module per part: `common` (open concerns, a plan's months, the
latest answer to a contact), `page` (the child's casework page and the kinds held),
`social_care` (the front sheet's social-care line and siblings' flags) and `team` (the inbox's
overdue casework and meeting time). Everything is imported from `casework.selectors`, as before
the split; settings name `casework.selectors.social_care_status` and
`casework.selectors.plan_flags` through these re-exports.
"""

from casework.selectors.common import current_response, month_span, open_concern_count
from casework.selectors.page import Casework, ContactRow, EscalationRow, casework_for, kinds_held
from casework.selectors.social_care import plan_flags, social_care_status
from casework.selectors.team import Overdue, meeting_time, overdue_for

__all__ = [
    "Casework",
    "ContactRow",
    "EscalationRow",
    "Overdue",
    "casework_for",
    "current_response",
    "kinds_held",
    "meeting_time",
    "month_span",
    "open_concern_count",
    "overdue_for",
    "plan_flags",
    "social_care_status",
]
