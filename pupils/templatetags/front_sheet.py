"""`{% front_sheet_panel panel %}`: one app's section of the pupil's front sheet."""

from typing import Any

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from pupils.selectors import Panel

register = template.Library()


@register.simple_tag(takes_context=True)
def front_sheet_panel(context: Context, panel: Panel) -> SafeString:
    """The panel's template, rendered with its own context, the child and what every page has
    (the request, the CSRF token, the navigation: the context processors' answers). The page's
    other variables are not passed. The processors already ran for the page; running them again
    for each of the eight or so panels cost a tenth of the page's time (docs/performance.md)."""
    panel_template = context.template.engine.get_template(panel.template)  # type: ignore[union-attr]
    values: dict[str, Any] = {**_processed(context), **panel.context, "pupil": context.get("pupil")}
    return SafeString(panel_template.render(context.new(values)))


def _processed(context: Context) -> dict[str, Any]:
    """The context processors' answers for the page being rendered ({} outside a request)."""
    index = getattr(context, "_processors_index", None)
    return dict(context.dicts[index]) if index is not None else {}
