from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = "Background work: the worker, the schedule and the records-changed announcement"

    def ready(self) -> None:
        from background import checks  # noqa: F401  (registers the schedule check)
