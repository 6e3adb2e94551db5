"""manage.py backup_key FILE: make a new random backup key, readable by its owner only."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backup.crypto import key_file_create


class Command(BaseCommand):
    # The system checks import every view; a backup needs none of them.
    requires_system_checks: list[str] = []
    help = "Write a new random backup key to FILE (which must not exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            key_file_create(path)
        except FileExistsError:
            raise CommandError(f"{path} already exists: a key is never overwritten.") from None
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from None
        self.stdout.write(
            f"New backup key written to {path}. Keep a copy off the server, apart from the "
            "archives: without it no backup can be restored."
        )
