"""`{% findings_home_count as n %}`: findings at the viewer's school with no decision yet."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def findings_home_count(context: dict[str, Any]) -> int:
    from patterns.selectors import findings_for_school

    viewer = getattr(context.get("request"), "membership", None)
    if viewer is None or viewer.school_id is None or not viewer.is_dsl_team:
        return 0
    return findings_for_school(school_id=viewer.school_id).filter(decisions__isnull=True).count()
