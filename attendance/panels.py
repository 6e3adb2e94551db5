"""The attendance panel on the pupil's front sheet (settings.PUPIL_FRONT_SHEET_PANELS)."""

from django.utils import timezone

from attendance.selectors import pupil_panel
from attendance.views import panel_context
from pupils.models import Pupil
from pupils.selectors import Panel
from schools.models import Membership, Role

_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.TRUST_LEAD})


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """The year so far: the calendar heat map and the four-week trend, for those who read it."""
    if viewer.role not in _READERS:
        return None
    panel = pupil_panel(viewer=viewer, pupil=pupil, period_key="year", as_of=timezone.localdate())
    return Panel(title="", template="attendance/_panel.html", context=panel_context(panel))
