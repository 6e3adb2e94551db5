"""manage.py export_history: a school's history in the import format (docs/import-format.md)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concerns.exporters.history import export_history
from schools.models import DSL_TEAM_ROLES, Membership


class Command(BaseCommand):
    help = (
        "Write a school's safeguarding history as JSON Lines in the format import_history reads "
        "(docs/import-format.md). Each child in the file has the export in their access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's URN")
        parser.add_argument(
            "--as", dest="actor", required=True, help="email of the DSL running the export"
        )
        parser.add_argument("--output", type=Path, help="file to write (default: standard out)")
        parser.add_argument("--dry-run", action="store_true", help="count the lines, write none")

    def handle(self, *args: Any, **options: Any) -> None:
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
        lines = export_history(actor=actor)
        if not options["dry_run"]:
            text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
            output: Path | None = options["output"]
            if output is None:
                sys.stdout.write(text)
            else:
                output.write_text(text, encoding="utf-8")
        kinds: dict[str, int] = {}
        for line in lines:
            kinds[line["kind"]] = kinds.get(line["kind"], 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "nothing"
        self.stderr.write(f"Exported {summary} ({'dry run' if options['dry_run'] else 'written'}).")
