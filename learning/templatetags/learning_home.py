"""`{% learning_home_panel %}`: the team's learning pages, and this term's reflective review."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from learning import access, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def learning_home_panel(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    viewer = getattr(request, "membership", None)
    if viewer is None or viewer.school_id is None or viewer.role not in access.LIBRARY_READERS:
        return SafeString("")
    data: dict[str, Any] = {"team_and_head": viewer.role in access.TEAM_AND_HEAD}
    if viewer.is_dsl_team:
        data["due"] = selectors.reflective_review_due(
            school_id=viewer.school_id, today=timezone.localdate()
        )
    return render_to_string("learning/_home_panel.html", data, request=request)
