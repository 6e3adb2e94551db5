"""A school's concern categories: the seeded list (KCSIE categories and specific issues) and
changes to it."""

import csv
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from audit import services as audit
from audit.models import AuditAction
from concerns.models import Category, CategoryGroup
from schools.models import Membership, School

CATEGORIES_CSV = Path(__file__).resolve().parent.parent / "data" / "categories.csv"

# -- Categories -------------------------------------------------------------------------------


# The schools this process has seen with categories committed: a school's list is never
# removed (categories are retired, not deleted), so each process asks once per school rather
# than on every concern form.
_SCHOOLS_WITH_CATEGORIES: set[uuid.UUID] = set()


def categories_ensure(*, school: School) -> None:
    """Give `school` the seeded category list (KCSIE categories and specific issues) if it has
    none yet. Idempotent; the school may then rename, add or retire categories as data."""
    if school.pk in _SCHOOLS_WITH_CATEGORIES:
        return
    if Category.objects.filter(school=school).exists():
        # Outside a transaction the rows seen are committed, so they cannot be rolled back.
        if not transaction.get_connection().in_atomic_block:
            _SCHOOLS_WITH_CATEGORIES.add(school.pk)
        return
    with CATEGORIES_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    Category.objects.bulk_create(
        [
            Category(
                school=school,
                code=row["code"],
                label=row["label"],
                group=row["group"],
                cp_code=row["cp_code"],
                signs=row["signs"],
                what_to_do=row["what_to_do"],
                source=row["kcsie_ref"],
                position=position,
            )
            for position, row in enumerate(rows)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def category_save(
    *,
    actor: Membership,
    category: Category | None,
    label: str,
    signs: str,
    what_to_do: str,
    is_active: bool,
    request: HttpRequest | None = None,
) -> Category:
    """Add a category to the school's list, or change one. Concerns keep the categories they
    were recorded with; a retired category is no longer offered."""
    if actor.school is None:
        raise ValidationError("Categories belong to a school.")
    if not label.strip():
        raise ValidationError("Give the category a name.")
    before: dict[str, object] = {}
    if category is None:
        position = Category.objects.filter(school=actor.school).count()
        code = slugify(label)[:40] or "category"
        if Category.objects.filter(school=actor.school, code=code).exists():
            code = f"{code[:31]}-{uuid.uuid4().hex[:8]}"
        category = Category(
            school=actor.school, code=code, group=CategoryGroup.ISSUE, position=position
        )
    else:
        if category.school_id != actor.school_id:
            raise ValidationError("That category belongs to another school.")
        before = {
            "label": category.label,
            "signs": category.signs,
            "what_to_do": category.what_to_do,
            "is_active": category.is_active,
        }
    category.label = label.strip()
    category.signs = signs.strip()
    category.what_to_do = what_to_do.strip()
    category.is_active = is_active
    category.save()
    audit.record(
        actor=actor,
        action=AuditAction.CONCERN_CATEGORY_CHANGED,
        target=category,
        request=request,
        details={"before": before, "label": category.label, "is_active": is_active},
    )
    return category
