"""Casework on the pupil's front sheet (settings.PUPIL_FRONT_SHEET_PANELS) and overdue items in
the safeguarding team's inbox (settings.CONCERNS_INBOX_PANELS)."""

from casework.access import CASEWORK_READERS
from casework.selectors import Overdue, casework_for, kinds_held, overdue_for
from pupils.models import Pupil
from pupils.selectors import Panel
from schools.models import Membership


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """Current and past plans, answers awaited or disputed, open escalations, the household's
    other children, and prompts (not back when expected; file transfer on leaving), for whoever
    may read casework; nothing for anyone else."""
    if viewer.role not in CASEWORK_READERS:
        return None
    held = kinds_held(viewer=viewer, pupil=pupil)
    if viewer.school_id is None and not held:
        return None
    # The panel shows neither engagement nor day notes, nor who recorded what.
    work = casework_for(viewer=viewer, pupil=pupil, held=held - {"engagement", "notes"}, brief=True)
    return Panel(
        title="",
        template="casework/_panel.html",
        context={
            "work": work,
            "may_record": viewer.is_dsl_team,
            "waiting": [row for row in work.contacts if row.waiting],
            "disputed": [row for row in work.contacts if row.may_escalate],
            "open_escalations": [row for row in work.escalations if row.current is not None],
        },
    )


def inbox_panel(*, viewer: Membership) -> Panel | None:
    """Escalation stages, answers and returns that are overdue, for the safeguarding team."""
    if not viewer.is_dsl_team:
        return None
    overdue = overdue_for(viewer=viewer)
    groups: dict[str, list[Overdue]] = {}
    for row in overdue:
        groups.setdefault(
            _KINDS.get(row.what.split(",")[0].split(" from ")[0], row.what), []
        ).append(row)
    return Panel(
        title="Casework overdue",
        template="casework/_inbox_panel.html",
        context={"overdue": overdue, "groups": list(groups.items())},
    )


# Each kind of overdue casework (the start of `Overdue.what`) as a line of the inbox.
_KINDS = {
    "Escalation": "Escalations overdue",
    "Answer": "Answers from other agencies overdue",
    "Not back when expected": "Children not back when expected",
}
