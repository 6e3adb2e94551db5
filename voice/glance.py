"""The child's voice in the front sheet's "At a glance" (settings.PUPIL_FRONT_SHEET_GLANCE): when
the child was last heard, and whether a check-in is overdue."""

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from pupils.models import Pupil
from pupils.selectors import GlanceItem, GlanceRow
from schools.models import Membership
from voice.access import SCHOOL_WIDE_VOICE_READERS
from voice.panels import sheet_check_in


def front_sheet_glance(*, viewer: Membership, pupil: Pupil) -> list[GlanceRow]:
    if viewer.role not in SCHOOL_WIDE_VOICE_READERS or viewer.school is None:
        return []
    check_in = sheet_check_in(pupil=pupil, school=viewer.school)
    heard = check_in.last_heard
    if heard is None:
        value = "Not heard in Cairn yet"
    else:
        value = (
            f"{timezone.localtime(heard.at):%-d %b %Y} ({timesince(heard.at)} ago), by {heard.by}"
        )
    items: tuple[GlanceItem, ...] = ()
    if check_in.state == "overdue":
        days = check_in.days_overdue
        items = (
            GlanceItem(
                text=f"Check-in overdue by {days} day{'s' if days != 1 else ''}",
                href=reverse("voice:pupil", args=[pupil.pk]),
                tag="Overdue",
                tag_colour="red",
            ),
        )
    return [GlanceRow("Child's voice last heard", value, items, 50, "glance-voice")]
