"""manage.py verify_audit: check the sealed chain of the audit trail from the first event, and,
with --anchor, that it still holds the newest event an anchor kept outside the database names."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.selectors import Anchor, audit_anchor_problem, audit_chain_verify


def _anchors(value: str) -> list[Anchor]:
    """The anchors in FILE (one a line, as `audit_anchor --append-to` writes them) or the one
    anchor given as the value itself."""
    path = Path(value)
    lines = (
        [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if path.is_file()
        else [value]
    )
    if not lines:
        raise CommandError(f"{path}: the anchor file is empty.")
    try:
        return [Anchor.parse(line) for line in lines]
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = (
        "Verify the audit trail; report the first edited, deleted or inserted event, and with "
        "--anchor whether the newest events were removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="FILE-or-LINE",
            help="a file of anchors written by `audit_anchor --append-to`, or one anchor line",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = _anchors(options["anchor"]) if options["anchor"] else []
        report = audit_chain_verify()
        if report.first_break is not None:
            raise CommandError(
                f"Audit trail broken after checking {report.events_checked} event(s). "
                f"{report.first_break.message}"
            )
        for anchor in anchors:
            problem = audit_anchor_problem(anchor)
            if problem is not None:
                raise CommandError(f"Audit trail does not match its anchor. {problem}")
        checked = f" and {len(anchors)} anchor(s)" if anchors else ""
        self.stdout.write(
            f"Audit trail intact: {report.events_checked} event(s) verified{checked}."
        )
