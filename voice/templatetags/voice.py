"""Voice cards other apps' pages include.

`{% voice_last_heard pupil %}`: the "last heard from" card for a child's front sheet.
`{% voice_home_panel %}`: check-ins due for the signed-in adult, on their home page.
"""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from pupils.models import Pupil
from voice.access import SCHOOL_WIDE_VOICE_READERS, VOICE_RECORDERS
from voice.selectors import DueState, check_in_for_pupil, check_ins_for_adult, not_heard_from

register = template.Library()


@register.simple_tag(takes_context=True)
def voice_last_heard(context: dict[str, Any], pupil: Pupil) -> SafeString:
    """The card, for the safeguarding team and the headteacher at the viewer's school only."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in SCHOOL_WIDE_VOICE_READERS:
        return SafeString("")
    if membership.school is None:
        return SafeString("")
    check_in = check_in_for_pupil(pupil=pupil, school=membership.school)
    return render_to_string(
        "voice/_last_heard.html",
        {"pupil": pupil, "last_heard": check_in.last_heard, "check_in": check_in},
        request=request,
    )


@register.simple_tag(takes_context=True)
def voice_home_panel(context: dict[str, Any]) -> SafeString:
    """A home-page panel: the viewer's own check-ins, and for the safeguarding team and the
    headteacher how many children are not heard from within their cadence."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in VOICE_RECORDERS or membership.school is None:
        return SafeString("")
    mine = check_ins_for_adult(viewer=membership)
    overdue_here = (
        len(not_heard_from(school=membership.school))
        if membership.role in SCHOOL_WIDE_VOICE_READERS
        else None
    )
    return render_to_string(
        "voice/_home_panel.html",
        {
            "mine_due": [c for c in mine if c.state in {DueState.DUE, DueState.OVERDUE}],
            "mine_count": len(mine),
            "overdue_here": overdue_here,
        },
        request=request,
    )
