"""`{% staffing_home_panel %}`: your own training; for those who keep the register, the
school's compliance; for readers, the low-level concerns register."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from staffing import access, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def staffing_home_panel(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    viewer = getattr(request, "membership", None)
    if viewer is None or viewer.school_id is None:
        return SafeString("")
    today = timezone.localdate()
    data: dict[str, Any] = {"mine": selectors.training_of(viewer, as_of=today)}
    if access.manages_training(viewer=viewer):
        data["compliance"] = selectors.compliance_for(school_ids=[viewer.school_id], as_of=today)
    data["low_level"] = access.reads_low_level_register(viewer=viewer)
    return render_to_string("staffing/_home_panel.html", data, request=request)
