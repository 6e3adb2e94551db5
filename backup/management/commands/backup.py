"""manage.py backup DEST: one consistent, encrypted archive of the database, the private media
and the attendance store, with a manifest; written under a temporary name and renamed only when
complete and read back (docs/operations.md)."""

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backup.archive import BackupError, backup_create
from backup.management.commands._key import add_key_argument, secret_from


def _stop(signum: int, _frame: FrameType | None) -> None:
    # Unwind through backup_create's clean-up, which removes the unfinished archive.
    sys.exit(128 + signum)


class Command(BaseCommand):
    # The system checks import every view; a backup needs none of them.
    requires_system_checks: list[str] = []
    help = "Write an encrypted backup of the database and files to DEST (a new file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", metavar="DEST", help="the archive to write (must not exist)")
        add_key_argument(parser)
        parser.add_argument(
            "--work-dir",
            metavar="FOLDER",
            help="where the database copy waits while the archive is written (default: TMPDIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        secret = secret_from(options)
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            report = backup_create(
                Path(options["dest"]),
                secret=secret,
                work_dir=Path(options["work_dir"]) if options["work_dir"] else None,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write(str(report))
