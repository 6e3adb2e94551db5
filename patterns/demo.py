"""Demo findings: after the other seeders, the detectors run over the demo trust's records, so the
demo DSL's inbox and the pupil pages show findings that rest on real (synthetic) records."""

from django.utils import timezone

from patterns.db_loader import DatabaseFacts
from patterns.runs import run_in_chunks
from patterns.services import findings_refresh
from schools.demo import DemoWorld


def seed(world: DemoWorld) -> None:
    school_ids = {str(school.pk) for school in world.schools.values()}
    source = DatabaseFacts(as_of=world.today, school_ids=school_ids)
    result = run_in_chunks(
        source.source(),
        as_of=world.today,
        pupil_ids=source.pupil_ids(),
        school_ids=school_ids,
        progress=False,
    )
    summary = findings_refresh(actor=None, result=result, now=timezone.now())
    world.summary.append(
        f"{len(result.raised)} findings about {len(result.pupil_ids)} children ({summary.line()})"
    )
