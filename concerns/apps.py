from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "concerns"
    verbose_name = "Concerns, decisions and actions"

    def ready(self) -> None:
        from accounts.signals import posted_after_idle
        from concerns.idle import keep_concern_posted_after_idle

        posted_after_idle.connect(keep_concern_posted_after_idle, dispatch_uid="concerns.idle")
