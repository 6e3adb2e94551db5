from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning: supervision, reflective reviews, practice reviews, what went well"
