"""manage.py import_history FILE: bring history in from another safeguarding system."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audit.bounds import quoted, upload_refusal
from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_csv, read_json_lines
from schools.models import DSL_TEAM_ROLES, Membership

SOURCE_SYSTEM_MAX = 100  # Concern.source_system's length


class Command(BaseCommand):
    help = (
        "Import a school's safeguarding history from another system or another Cairn (JSON Lines "
        "or CSV; every kind in docs/import-format.md). All or nothing; --dry-run checks without "
        "writing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", required=True, help="the school's URN")
        parser.add_argument(
            "--as", dest="actor", required=True, help="email of the DSL running the import"
        )
        parser.add_argument("--source-system", default="", help="the system the history comes from")
        parser.add_argument(
            "--format", choices=["auto", "jsonl", "csv"], default="auto", dest="fmt"
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        refusal = upload_refusal("history", path.stat().st_size)
        if refusal:
            raise CommandError(f"{path.name}: {refusal}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
        actor = (
            Membership.objects.filter(
                school__urn=options["school"],
                user__email__iexact=options["actor"],
                role__in=DSL_TEAM_ROLES,
                is_active=True,
            )
            .select_related("school", "user")
            .first()
        )
        if actor is None:
            raise CommandError(
                f"{options['actor']} is not a DSL or deputy DSL at the school with URN "
                f"{options['school']}"
            )
        fmt = options["fmt"]
        if fmt == "auto":
            fmt = "csv" if path.suffix.lower() == ".csv" else "jsonl"
        lines = read_csv(text) if fmt == "csv" else read_json_lines(text)
        source_system = options["source_system"] or path.stem
        if len(source_system) > SOURCE_SYSTEM_MAX:
            raise CommandError(
                f"--source-system: {quoted(source_system, 60)} is longer than the "
                f"{SOURCE_SYSTEM_MAX} characters Cairn keeps."
            )
        with tqdm(
            total=text.count("\n") or 1,
            desc="Writing",
            unit="record",
            disable=options["verbosity"] < 1,
            file=self.stderr,
        ) as bar:
            try:
                result = import_history(
                    actor=actor,
                    lines=lines,
                    source_system=source_system,
                    dry_run=options["dry_run"],
                    progress=bar.update,
                )
            except ImportFailed as exc:
                for error in exc.errors[:200]:
                    self.stderr.write(f"{path.name}: {error}")
                more = len(exc.errors) - 200
                if more > 0:
                    self.stderr.write(f"... and {more} more")
                raise CommandError(
                    f"Nothing imported: {len(exc.errors)} problem(s) in {path.name}."
                ) from exc
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.created.items())) or "nothing new"
        verb = "Would import" if result.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {kinds} from {path.name} ({source_system}); "
            f"{result.skipped} already held, skipped."
        )
