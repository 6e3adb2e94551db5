"""The factors known about the child, on the pupil's front sheet
(settings.PUPIL_FRONT_SHEET_PANELS)."""

from factors.access import FACTOR_RECORDERS, factors_visible_to
from factors.selectors import current_factors
from pupils.models import Pupil
from pupils.selectors import Panel
from schools.models import Membership


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """The current factors' descriptions and a link to the factors page, for the safeguarding
    team; nothing for anyone else."""
    if viewer.role not in FACTOR_RECORDERS or viewer.school_id is None:
        return None
    factors = list(current_factors(visible=factors_visible_to(viewer=viewer), pupil=pupil))
    return Panel(title="", template="factors/_panel.html", context={"factors": factors})
