"""manage.py audit_anchor: print (or append to a file) the audit trail's newest number and seal.

Keep the line somewhere the database's users cannot reach (another server, a log store, a
ticket). `manage.py verify_audit --anchor FILE-or-LINE` then fails if the trail no longer holds
that event with that seal: the newest events were removed, or the table was emptied.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from audit.selectors import audit_anchor


class Command(BaseCommand):
    help = (
        "Print the audit trail's anchor (newest event number and seal) to keep outside the "
        "database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--append-to",
            type=Path,
            metavar="FILE",
            help="also append the anchor, with the time it was taken, to FILE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = audit_anchor()
        line = f"{anchor} at={timezone.now().isoformat(timespec='seconds')}"
        path: Path | None = options["append_to"]
        if path is not None:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        self.stdout.write(line)
