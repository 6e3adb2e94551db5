"""manage.py import_attendance FILE: registers from a CSV or a Common Transfer File."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from attendance.importers.common import AttendanceImportError
from attendance.services import attendance_import
from audit.bounds import upload_refusal
from schools.models import School


class Command(BaseCommand):
    help = (
        "Import attendance registers from a CSV (one row per pupil-week or per pupil-session) "
        "or a CTF, all or nothing. Formats: docs/import-attendance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--school", metavar="URN", help="the school for rows with no urn column"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the whole file, write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        refusal = upload_refusal("attendance", path.stat().st_size)
        if refusal:
            raise CommandError(f"{path.name}: {refusal}")
        school = None
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                raise CommandError(f"no school with URN {options['school']}")
        bar = tqdm(
            total=path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc=path.name,
            disable=options["no_progress"],
            file=self.stderr,
        )

        def advance(size: int) -> None:
            bar.update(size)

        try:
            result = attendance_import(
                actor=None,
                path=path,
                school=school,
                dry_run=options["dry_run"],
                progress=advance,
            )
        except AttendanceImportError as exc:
            bar.close()
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path.name} refused, nothing imported: {len(exc.problems)} problem(s)"
            ) from None
        bar.close()
        for warning in result.batch.warnings[:20]:
            self.stdout.write(f"warning: {warning}")
        self.stdout.write(result.summary)
