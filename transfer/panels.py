"""Transfers past their five school days, in the safeguarding team's inbox
(settings.CONCERNS_INBOX_PANELS)."""

from pupils.models import Pupil
from pupils.selectors import Panel
from schools.models import Membership
from transfer.models import ReceivedTransfer, Transfer
from transfer.selectors import is_overdue, overdue_for


def inbox_panel(*, viewer: Membership) -> Panel | None:
    if not viewer.is_dsl_team or viewer.school_id is None:
        return None
    return Panel(
        title="Child protection file transfers overdue",
        template="transfer/_inbox_panel.html",
        context={"overdue": list(overdue_for(viewer=viewer))},
    )


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """The child's file transfers from and to the viewer's school, and a way to start one, for
    the safeguarding team (settings.PUPIL_FRONT_SHEET_PANELS)."""
    if not viewer.is_dsl_team or viewer.school_id is None:
        return None
    outgoing = list(Transfer.objects.filter(school_id=viewer.school_id, pupil=pupil))
    return Panel(
        title="Child protection file transfers",
        template="transfer/_front_sheet.html",
        context={
            "pupil": pupil,
            "outgoing": [(t, is_overdue(t)) for t in outgoing],
            "received": list(
                ReceivedTransfer.objects.filter(school_id=viewer.school_id, pupil=pupil)
            ),
        },
    )
