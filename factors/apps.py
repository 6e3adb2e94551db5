from django.apps import AppConfig


class FactorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "factors"
    verbose_name = "Factors known about a child's life and household"
