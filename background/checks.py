"""`manage.py check` refuses a schedule the worker would refuse (background/schedule.py)."""

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def schedule_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:  # noqa: ARG001  (Django's check signature)
    from background.schedule import scheduled_jobs

    try:
        scheduled_jobs()
    except ImproperlyConfigured as error:
        hint = "See docs/deploy.md, “Scheduled jobs”."
        return [Error(str(error), hint=hint, id="background.E001")]
    return []
