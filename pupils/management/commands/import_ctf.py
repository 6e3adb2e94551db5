"""manage.py import_ctf FILE: bring a Common Transfer File's pupils and contacts into Cairn."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from pupils.importers.ctf import peek_destination
from pupils.management.commands._importing import ImportCommand
from pupils.models import ImportKind
from schools.models import School


class Command(ImportCommand):
    help = (
        "Import a Common Transfer File (current or previous CTF version): match pupils by UPN "
        "then former UPNs, add or change them, all or nothing. See docs/import-pupils.md."
    )
    kind = ImportKind.CTF

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        default = None
        if not options.get("school") and path.is_file():
            dest = peek_destination(path)
            if dest is not None:
                default = School.objects.filter(
                    la_code=dest[0], establishment_number=dest[1]
                ).first()
            if default is None:
                raise CommandError(
                    "The file's <DestSchool> is not a school in Cairn; say which with --school URN."
                )
        school = self.school_for(options, default)
        self.run_import(path=path, school=school, options=options, mapping=None)
