"""Registers for tests: write a CSV and import it through the real importer."""

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from attendance.services import ImportResult, attendance_import
from schools.models import School

_counter = itertools.count()


def write_csv(tmp_path: Path, text: str, name: str = "") -> Path:
    path = tmp_path / (name or f"registers-{next(_counter)}.csv")
    path.write_text(text, encoding="utf-8")
    return path


def import_text(tmp_path: Path, text: str, *, school: School | None = None, **kw) -> ImportResult:
    return attendance_import(actor=None, path=write_csv(tmp_path, text), school=school, **kw)


def weeks_csv(pupil: Any, school: School, first_monday: date, weeks: list[str]) -> str:
    """A week-format CSV for one pupil: one string of ten marks per consecutive week."""
    lines = ["urn,upn,week_start,marks"]
    for n, marks in enumerate(weeks):
        lines.append(f"{school.urn},{pupil.upn},{first_monday + timedelta(weeks=n)},{marks}")
    return "\n".join(lines) + "\n"
