"""manage.py restore ARCHIVE: check the whole archive (every chunk, every file's hash, the key)
and refuse it with nothing written if anything is wrong; then restore the database and folders,
verify the audit trail and compare every table's rows with the manifest (docs/operations.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backup.archive import BackupError, restore_archive
from backup.management.commands._key import add_key_argument, secret_from


class Command(BaseCommand):
    # The system checks import every view; a backup needs none of them.
    requires_system_checks: list[str] = []
    help = "Restore an archive made by `manage.py backup` into an empty database and folders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="ARCHIVE")
        add_key_argument(parser)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace a database that holds records, and folders that hold files",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="check the archive and the key, and write nothing",
        )
        parser.add_argument("--work-dir", metavar="FOLDER", help="staging folder (default: TMPDIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = secret_from(options)
        try:
            report = restore_archive(
                Path(options["archive"]),
                secret=secret,
                replace=options["replace"],
                check_only=options["check_only"],
                work_dir=Path(options["work_dir"]) if options["work_dir"] else None,
                say=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        if options["check_only"]:
            return
        self.stdout.write(str(report))
        if report.problems:
            raise CommandError(
                "The restore finished, but it does not match the backup: "
                + "; ".join(report.problems)
                + "."
            )
