"""`{% concerns_home_panel %}`: what waits for the signed-in person, on their home page."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from concerns import access, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def concerns_home_panel(context: dict[str, Any]) -> SafeString:
    """For the DSL team: concerns waiting for a decision, overdue actions, reviews due. For
    everyone who records: the button to record a concern and their own open actions."""
    request = context.get("request")
    viewer = getattr(request, "membership", None)
    if viewer is None or viewer.school_id is None:
        return SafeString("")
    data: dict[str, Any] = {"viewer": viewer}
    if viewer.is_dsl_team:
        waiting = selectors.inbox_for(viewer=viewer)
        data |= {
            "waiting": waiting.count(),
            "urgent": waiting.filter(urgent_told_dsl=True).count(),
            "overdue": selectors.overdue_actions(viewer=viewer).count(),
            "reviews": selectors.reviews_due(viewer=viewer).count(),
        }
    data["my_actions"] = selectors.open_actions_count(viewer=viewer)
    data["draft"] = access.access_draft(viewer=viewer)
    return render_to_string("concerns/_home_panel.html", data, request=request)
