"""Print every detector's explanation and settings: the same text the finding pages show."""

import textwrap
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from patterns.registry import Detector, all_detectors


def describe(entry: Detector) -> str:
    """One detector as text: summary, why, evidence, what it does not mean, and its settings."""
    wrap = textwrap.TextWrapper(width=96, initial_indent="    ", subsequent_indent="    ")
    lines = [f"{entry.slug} (version {entry.version}, about a {entry.subject.value})"]
    lines.append(wrap.fill(entry.summary))
    for label in ("Why", "Evidence", "Does not mean"):
        lines.append(wrap.fill(f"{label}: {entry.section(label)}"))
    lines.append("    Settings (default — meaning — source of the default):")
    defaults = entry.defaults()
    for field in entry.setting_fields():
        value = getattr(defaults, field.name)
        shown = ", ".join(sorted(value)) if isinstance(value, frozenset) else str(value)
        text = f"{field.name} = {shown} — {field.metadata['doc']} — {field.metadata['source']}"
        lines.append(
            textwrap.fill(text, width=96, initial_indent="      ", subsequent_indent="        ")
        )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print every pattern detector's explanation (its docstring) and its settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", help="Only this detector.")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = [d for d in all_detectors() if options["slug"] in (None, d.slug)]
        for entry in entries:
            self.stdout.write(describe(entry) + "\n")
        self.stdout.write(f"{len(entries)} detectors.")
