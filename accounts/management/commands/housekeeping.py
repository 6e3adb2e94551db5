"""manage.py housekeeping: remove old failed sign-ins and expired sessions (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.housekeeping import housekeeping


class Command(BaseCommand):
    help = (
        "Remove failed sign-ins older than CAIRN_SIGN_IN_FAILURES_KEEP_DAYS and expired "
        "sessions; --dry-run counts them only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(housekeeping(dry_run=bool(options["dry_run"]))))
