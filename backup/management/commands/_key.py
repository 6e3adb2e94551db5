"""The key file option the backup commands share."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from backup.crypto import ArchiveError, key_file_read


def add_key_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--key-file",
        metavar="FILE",
        help="the backup key (made by `manage.py backup_key`); default: CAIRN_BACKUP_KEY_FILE",
    )


def secret_from(options: dict[str, object]) -> bytes:
    path = options.get("key_file") or settings.CAIRN_BACKUP_KEY_FILE
    if not path:
        raise CommandError(
            "No backup key: give --key-file FILE or set CAIRN_BACKUP_KEY_FILE "
            "(make one with `manage.py backup_key FILE`)."
        )
    try:
        return key_file_read(Path(str(path)))
    except ArchiveError as error:
        raise CommandError(str(error)) from None
