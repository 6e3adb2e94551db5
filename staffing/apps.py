from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = "Staff: the training register and low-level concerns about adults"
