"""Reads: the team's learning, and the totals governors see (no child-identifying text)."""

from collections import Counter
from collections.abc import Iterable
from datetime import date
from uuid import UUID

from learning.models import ReflectiveReview, Theme, WentWell
from learning.terms import term_label, term_start


def reflective_review_due(*, school_id: UUID, today: date) -> str | None:
    """The term whose reflective review is not yet recorded (None: it is)."""
    start = term_start(today)
    if ReflectiveReview.objects.filter(school_id=school_id, term_start=start).exists():
        return None
    return term_label(start)


def went_well_by_theme(
    *, school_ids: Iterable[UUID], start: date, end: date
) -> list[tuple[str, int]]:
    """How many notes of what went well named each theme in the period: totals only."""
    counts: Counter[str] = Counter()
    notes = WentWell.objects.filter(
        school_id__in=list(school_ids),
        recorded_at__date__gte=start,
        recorded_at__date__lte=end,
    )
    total = 0
    for themes in notes.values_list("themes", flat=True):
        total += 1
        counts.update(t for t in themes if t in Theme.values)
    rows = [(Theme(t).label, counts[t]) for t in Theme.values if counts.get(t)]
    return [("Notes of what went well", total), *rows]
