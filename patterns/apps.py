from typing import Any

from django.apps import AppConfig


def _findings_refresh_enqueue(**kwargs: Any) -> None:
    """The receiver of `records_changed`. It imports patterns.services (and with it the engine
    and the facts) only when a record changes: importing them in `ready()` cost every process
    that starts Django, such as `manage.py backup`, a tenth of a second it never used."""
    from patterns.services import findings_refresh_enqueue

    findings_refresh_enqueue(**kwargs)


class PatternsConfig(AppConfig):
    name = "patterns"
    verbose_name = "Patterns: detectors and findings"

    def ready(self) -> None:
        from background.signals import records_changed

        # The record apps announce changed children without importing patterns (ADR 0016).
        records_changed.connect(_findings_refresh_enqueue, dispatch_uid="patterns-refresh")
