"""The retention row on the child's front sheet (settings.PUPIL_FRONT_SHEET_PANELS)."""

from django.utils import timezone

from pupils.models import Pupil
from pupils.selectors import Panel
from retention.access import RETENTION_ROLES
from retention.selectors import retention_state
from schools.models import Membership


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """When the record comes up for review and under which rule, for the safeguarding team and
    the headteacher of the school that holds the file; nothing for anyone else."""
    if viewer.role not in RETENTION_ROLES or viewer.school_id is None:
        return None
    state = retention_state(pupil)
    if state.school_id != viewer.school_id:
        return None
    today = timezone.localdate()
    return Panel(
        title="",
        template="retention/_panel.html",
        context={
            "retention": state,
            "status": state.status(today),
            "reached": state.reached(today),
        },
    )
