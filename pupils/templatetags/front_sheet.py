"""`{% front_sheet_panel panel %}`: one app's section of the pupil's front sheet."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from pupils.selectors import Panel

register = template.Library()


@register.simple_tag(takes_context=True)
def front_sheet_panel(context: dict[str, Any], panel: Panel) -> SafeString:
    """The panel's template, rendered with its own context, the child and the request."""
    return render_to_string(
        panel.template,
        {**panel.context, "pupil": context.get("pupil")},
        request=context.get("request"),
    )
