from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "patterns"
    verbose_name = "Patterns: detectors and findings"

    def ready(self) -> None:
        from background.signals import records_changed
        from patterns.services import findings_refresh_enqueue

        # The record apps announce changed children without importing patterns (ADR 0016).
        records_changed.connect(findings_refresh_enqueue, dispatch_uid="patterns-refresh")
