"""manage.py import_training FILE --school URN --as EMAIL: training records from a CSV."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.bounds import upload_refusal
from schools.models import Membership
from staffing.access import TRAINING_MANAGERS
from staffing.services import training_import


class Command(BaseCommand):
    help = (
        "Import safeguarding training records from a CSV (email, training, completed_on, "
        "provider), all or nothing, recorded as the register keeper named by --as."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", metavar="URN", required=True)
        parser.add_argument(
            "--as", dest="keeper", metavar="EMAIL", required=True, help="who is importing"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the whole file, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        refusal = upload_refusal("staffing_csv", path.stat().st_size)
        if refusal:
            raise CommandError(f"{path.name}: {refusal}")
        actor = (
            Membership.objects.filter(
                school__urn=options["school"],
                user__email__iexact=options["keeper"],
                role__in=list(TRAINING_MANAGERS),
                is_active=True,
            )
            .select_related("user", "school")
            .first()
        )
        if actor is None:
            raise CommandError(
                f"nobody with the email {options['keeper']} keeps the training register at the "
                f"school with URN {options['school']}"
            )
        try:
            count = training_import(
                actor=actor, content=path.read_bytes(), dry_run=options["dry_run"]
            )
        except ValidationError as error:
            raise CommandError("Nothing was imported:\n" + "\n".join(error.messages)) from error
        what = f"{count} training record{'s' if count != 1 else ''}"
        if options["dry_run"]:
            self.stdout.write(f"{what} checked; nothing written (dry run).")
        else:
            self.stdout.write(f"{what} imported.")
