"""`{% voice_last_heard pupil %}`: the "last heard from" card for a child's front sheet."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from pupils.models import Pupil
from voice.access import SCHOOL_WIDE_VOICE_READERS
from voice.selectors import check_in_for_pupil

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
