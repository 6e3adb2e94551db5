"""A way into the chronology from the pupil's front sheet (settings.PUPIL_FRONT_SHEET_PANELS)."""

from pupils.models import Pupil
from pupils.selectors import Panel
from schools.models import Membership, Role

_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.TRUST_LEAD})


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:  # noqa: ARG001
    """The link to the child's whole chronology and its exports."""
    if viewer.role not in _READERS:
        return None
    return Panel(title="Chronology", template="chronology/_front_sheet.html")
