"""manage.py import_pupils FILE: bring a CSV of pupils and contacts into Cairn."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from pupils.importers.csv import Mapping, available_mappings
from pupils.importers.records import ImportFileError
from pupils.management.commands._importing import ImportCommand
from pupils.models import ImportKind


class Command(ImportCommand):
    help = (
        "Import a CSV of pupils and contacts (columns in docs/import-pupils.md), optionally "
        "through a column mapping for an MIS export. All or nothing; --dry-run to preview."
    )
    kind = ImportKind.CSV

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--mapping",
            default="cairn",
            help=f"One of {', '.join(available_mappings())}, or the path of a mapping JSON file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping_name: str = options["mapping"]
        mappings = available_mappings()
        try:
            mapping = (
                mappings[mapping_name]
                if mapping_name in mappings
                else Mapping.load(Path(mapping_name))
            )
        except (OSError, ValueError, ImportFileError) as error:
            raise CommandError(f"Cannot use the mapping {mapping_name!r}: {error}") from None
        school = self.school_for(options)
        self.run_import(path=options["file"], school=school, options=options, mapping=mapping)
