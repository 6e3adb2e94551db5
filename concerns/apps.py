from typing import Any

from django.apps import AppConfig


def _keep_concern_posted_after_idle(sender: object, **kwargs: Any) -> Any:
    """The receiver of `posted_after_idle`. It imports concerns.idle (and with it the concern
    forms and services) only when a form is posted after the idle limit, not in every process
    that starts Django."""
    from concerns.idle import keep_concern_posted_after_idle

    return keep_concern_posted_after_idle(sender, **kwargs)


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "concerns"
    verbose_name = "Concerns, decisions and actions"

    def ready(self) -> None:
        from accounts.signals import posted_after_idle

        posted_after_idle.connect(_keep_concern_posted_after_idle, dispatch_uid="concerns.idle")
