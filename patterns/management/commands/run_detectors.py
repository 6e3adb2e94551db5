"""Run the pattern detectors for a school, the trust, or some children, as of a date."""

import json
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from patterns.db_loader import DatabaseFacts
from patterns.engine import RunResult
from patterns.loaders import FactFileError, store_from_jsonl
from patterns.models import Finding
from patterns.registry import SubjectKind
from patterns.runs import CHUNK, run_in_chunks
from patterns.services import findings_refresh
from pupils.models import Pupil
from schools.models import School


class Command(BaseCommand):
    help = (
        "Run the pattern detectors as of a date and refresh the findings. Facts come from the "
        "database (every school, or --school URN), or from a JSON Lines file (--facts). Findings "
        "are stored only for a run as of today; a past --as-of is a look back, printed only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", action="append", metavar="URN", help="Only this school.")
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD; default today.")
        parser.add_argument("--pupil", action="append", help="Only these children (ids).")
        parser.add_argument("--facts", type=Path, help="A JSON Lines file of facts.")
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what was found; store nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        as_of: date = options["as_of"] or today
        if as_of > today:
            raise CommandError("--as-of cannot be in the future.")
        school_ids = self._school_ids(options["school"])
        upns: dict[str, str]
        if options["facts"] is not None:
            try:
                store = store_from_jsonl(options["facts"])
            except (OSError, FactFileError) as error:
                raise CommandError(str(error)) from error
            source = store.source()
            pupil_ids = sorted(options["pupil"] or store.pupils)
            upns = {pid: p.upn for pid, p in store.pupils.items()}
            all_schools: Collection[str] | None = None
        else:
            database = DatabaseFacts(as_of=as_of, school_ids=school_ids)
            source = database.source()
            pupil_ids = sorted(options["pupil"] or database.pupil_ids())
            upns = {}
            all_schools = [str(pk) for pk in School.objects.values_list("pk", flat=True)]
        result = run_in_chunks(
            source,
            as_of=as_of,
            pupil_ids=pupil_ids,
            school_ids=school_ids,
            progress=not options["json"] and len(pupil_ids) > CHUNK,
            all_school_ids=all_schools,
        )
        if options["facts"] is None:
            subjects = {r.subject_id for r in result.raised if r.subject_kind is SubjectKind.PUPIL}
            upns = {
                str(pk): upn
                for pk, upn in Pupil.objects.filter(pk__in=subjects).values_list("pk", "upn")
            }
        # A past date is a look back ("what did we know then"): printed, never stored.
        store_it = not options["dry_run"] and as_of == today
        summary = "not stored (dry run or a past date)"
        if store_it:
            try:
                summary = findings_refresh(actor=None, result=result).line()
            except ValueError as error:
                raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(result, upns), indent=2))
        else:
            for r in sorted(result.raised, key=lambda r: (r.detector, r.subject_id)):
                who = upns.get(r.subject_id, "") if r.subject_kind is SubjectKind.PUPIL else ""
                subject = f"child {who}" if who else f"{r.subject_kind.value} {r.subject_id}"
                self.stdout.write(f"{r.detector} [{r.severity.value}] {subject}: {r.detail}")
        line = (
            f"{len(result.raised)} findings about {len(result.pupil_ids)} children and "
            f"{len(result.household_ids)} households as of {as_of}; {summary}."
        )
        self.stderr.write(line) if options["json"] else self.stdout.write(line)

    def _school_ids(self, urns: list[str] | None) -> set[str] | None:
        if not urns:
            return None
        schools = {s.urn: str(s.pk) for s in School.objects.filter(urn__in=urns)}
        for urn in urns:
            if urn not in schools:
                raise CommandError(f"No school with URN {urn}.")
        return set(schools.values())

    def _as_json(self, result: RunResult, upns: dict[str, str]) -> dict[str, Any]:
        stored = {
            f.inputs_hash: f.first_raised_at
            for f in Finding.objects.filter(inputs_hash__in=[r.inputs_hash for r in result.raised])
        }
        findings = []
        for r in sorted(result.raised, key=lambda r: (r.detector, r.subject_id)):
            first = stored.get(r.inputs_hash)
            is_pupil = r.subject_kind is SubjectKind.PUPIL
            findings.append(
                {
                    "detector": r.detector,
                    "detector_version": r.version,
                    "subject": r.subject_kind.value,
                    "upn": upns.get(r.subject_id) if is_pupil else None,
                    "pupil_id": r.subject_id if is_pupil else None,
                    "household_id": None if is_pupil else r.subject_id,
                    "school_ids": sorted(r.school_ids),
                    "severity": r.severity.value,
                    "detail": r.detail,
                    "evidence": [ref.as_dict() for ref in sorted(set(r.evidence))],
                    "inputs_hash": r.inputs_hash,
                    "first_raised": (
                        timezone.localdate(first).isoformat() if first else result.as_of.isoformat()
                    ),
                }
            )
        return {"as_of": result.as_of.isoformat(), "findings": findings}
