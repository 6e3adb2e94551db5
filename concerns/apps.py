from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "concerns"
    verbose_name = "Concerns, decisions and actions"
