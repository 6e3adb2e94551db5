"""What import_ctf and import_pupils share: choosing the school and actor, the progress bar and
the one-line summary."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audit.bounds import upload_refusal
from pupils.importers.apply import ImportResult, Outcome, import_file
from pupils.importers.csv import Mapping
from pupils.importers.records import UPLOAD_KINDS, ImportFileError
from pupils.models import ImportKind
from schools.models import Membership, School


class ImportCommand(BaseCommand):
    kind: ImportKind

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", help="URN of the school the pupils are on roll at.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, list the pupils added, changed and left as they were, then "
            "roll it all back.",
        )
        parser.add_argument(
            "--actor",
            help="Email of the person running the import (recorded in the audit trail); "
            "without it the trail records the command line.",
        )

    def school_for(self, options: dict[str, Any], default: School | None = None) -> School:
        urn = options.get("school")
        if urn:
            school = School.objects.filter(urn=urn).first()
            if school is None:
                raise CommandError(f"No school with URN {urn}.")
            return school
        if default is not None:
            return default
        raise CommandError("Say which school with --school URN.")

    def actor_for(self, options: dict[str, Any], school: School) -> Membership | None:
        email = options.get("actor")
        if not email:
            return None
        actor = Membership.objects.filter(
            user__email__iexact=email, school=school, is_active=True
        ).first()
        if actor is None:
            raise CommandError(f"{email} has no role at {school.name}.")
        return actor

    def run_import(
        self, *, path: Path, school: School, options: dict[str, Any], mapping: Mapping | None
    ) -> ImportResult:
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        refusal = upload_refusal(UPLOAD_KINDS[str(self.kind)], path.stat().st_size)
        if refusal:
            raise CommandError(f"{path.name}: {refusal}")
        dry_run = bool(options["dry_run"])
        actor = self.actor_for(options, school)
        verbose = int(options.get("verbosity", 1))
        bar = tqdm(unit=" pupils", desc=path.name, disable=verbose < 1, file=self.stderr)

        def heard(outcome: Outcome) -> None:
            bar.update(1)
            if (dry_run and verbose >= 1) or verbose >= 2:
                bar.write(outcome.line(), file=self.stdout, end="")

        try:
            with path.open("rb") as stream:
                result = import_file(
                    kind=self.kind,
                    stream=stream,
                    file_name=path.name,
                    school=school,
                    actor=actor,
                    dry_run=dry_run,
                    mapping=mapping,
                    on_outcome=heard,
                )
        except ImportFileError as error:
            bar.close()
            raise CommandError(
                f"{path.name} was not imported; nothing changed.\n{error.describe()}"
            ) from None
        bar.close()
        if dry_run and verbose >= 1:
            for line in result.not_in_file:
                self.stdout.write(f"not in file {line}")
        if result.ignored_columns and verbose >= 1:
            self.stdout.write(f"Columns ignored: {', '.join(result.ignored_columns)}")
        self.stdout.write(result.summary_line())
        return result
