"""manage.py verify_audit: check the sealed chain of the audit trail from the first event."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail; report the first edited, deleted or inserted event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.first_break is not None:
            raise CommandError(
                f"Audit trail broken after checking {report.events_checked} event(s). "
                f"{report.first_break.message}"
            )
        self.stdout.write(f"Audit trail intact: {report.events_checked} event(s) verified.")
