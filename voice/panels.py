"""The child's voice on the pupil's front sheet (settings.PUPIL_FRONT_SHEET_PANELS)."""

from pupils.models import Pupil
from pupils.selectors import Panel, read_once
from schools.models import Membership, School
from voice.access import SCHOOL_WIDE_VOICE_READERS
from voice.selectors import CheckIn, check_in_for_pupil


def sheet_check_in(*, pupil: Pupil, school: School) -> CheckIn:
    """The child's check-in at the school, read once for the front sheet's panel and its
    "At a glance" line (`pupils.selectors.read_once`)."""
    return read_once(
        ("voice.check_in", pupil.pk, school.pk),
        lambda: check_in_for_pupil(pupil=pupil, school=school),
    )


def front_sheet_panel(*, viewer: Membership, pupil: Pupil) -> Panel | None:
    """When the child was last heard from and when the next check-in is due."""
    if viewer.role not in SCHOOL_WIDE_VOICE_READERS or viewer.school is None:
        return None
    check_in = sheet_check_in(pupil=pupil, school=viewer.school)
    return Panel(
        title="",
        template="voice/_last_heard.html",
        context={"last_heard": check_in.last_heard, "check_in": check_in},
    )
