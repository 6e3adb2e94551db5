"""Transfers past their five school days, in the safeguarding team's inbox
(settings.CONCERNS_INBOX_PANELS)."""

from pupils.selectors import Panel
from schools.models import Membership
from transfer.selectors import overdue_for


def inbox_panel(*, viewer: Membership) -> Panel | None:
    if not viewer.is_dsl_team or viewer.school_id is None:
        return None
    return Panel(
        title="Child protection file transfers overdue",
        template="transfer/_inbox_panel.html",
        context={"overdue": list(overdue_for(viewer=viewer))},
    )
