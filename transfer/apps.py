from django.apps import AppConfig


class TransferConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transfer"
    verbose_name = "Child protection file transfer"

    def ready(self) -> None:
        from transfer import signals

        signals.connect()
