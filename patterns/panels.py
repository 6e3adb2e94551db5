"""Findings on the pupil's front sheet (settings.PUPIL_FRONT_SHEET_PANELS)."""

from typing import Any

from pupils.models import Pupil
from pupils.selectors import Panel, read_once
from schools.models import Membership, Role

_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def sheet_findings(*, viewer: Membership, pupil: Pupil) -> list[dict[str, Any]]:
    """The child's current findings the viewer may read, read once for the front sheet's panel
    and its "At a glance" line (`pupils.selectors.read_once`)."""
    from patterns.selectors import findings_for_pupil

    return read_once(
        ("patterns.findings", viewer.pk, pupil.pk),
        lambda: findings_for_pupil(viewer=viewer, pupil_id=pupil.pk),
    )


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """The child's current findings, each one click from the records it rests on."""
    if viewer.role not in _READERS:
        return None
    return Panel(
        title="",
        template="patterns/_pupil_panel.html",
        context={
            "finding_rows": sheet_findings(viewer=viewer, pupil=pupil),
            "pupil_id": pupil.pk,
        },
    )
