"""Two categories every school gains: health needs not met, and missed medical appointments
(issue 17; neglect-indicators.md §2 and §4). Schools with no list yet get them from the CSV when
their list is first made (`categories_ensure`). Re-runnable: a school that has the code keeps
its own wording."""

import csv
from pathlib import Path

from django.db import migrations

CODES = ("untreated_health", "missed_appointments")


def _rows():
    path = Path(__file__).resolve().parent.parent / "data" / "categories.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["code"] in CODES]


def add_categories(apps, schema_editor):
    Category = apps.get_model("concerns", "Category")
    rows = _rows()
    school_ids = Category.objects.values_list("school_id", flat=True).distinct()
    for school_id in school_ids.iterator(chunk_size=500):
        held = set(Category.objects.filter(school_id=school_id).values_list("code", flat=True))
        last = Category.objects.filter(school_id=school_id).order_by("-position").first()
        position = (last.position if last else 0) + 1
        for row in rows:
            if row["code"] in held:
                continue
            Category.objects.create(
                school_id=school_id,
                code=row["code"],
                label=row["label"],
                group=row["group"],
                cp_code=row["cp_code"],
                signs=row["signs"],
                what_to_do=row["what_to_do"],
                source=row["kcsie_ref"],
                position=position,
            )
            position += 1


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_concerns_decisions_actions")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
