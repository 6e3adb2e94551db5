"""Findings on the pupil's front sheet (settings.PUPIL_FRONT_SHEET_PANELS)."""

from pupils.models import Pupil
from pupils.selectors import Panel
from schools.models import Membership, Role

_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """The child's current findings, each one click from the records it rests on."""
    from patterns.selectors import findings_for_pupil

    if viewer.role not in _READERS:
        return None
    return Panel(
        title="",
        template="patterns/_pupil_panel.html",
        context={
            "finding_rows": findings_for_pupil(viewer=viewer, pupil_id=pupil.pk),
            "pupil_id": pupil.pk,
        },
    )
