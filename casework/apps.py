from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework: other agencies, plans, meetings, escalation, leaving the roll"
