"""Which children have concerns recorded (settings.PUPIL_RECORD_FLAG_SOURCES).

Used where a DSL sees that a sibling at another school of the trust has records, and whom to
contact: it says only that records exist, never what they hold.
"""

from collections.abc import Sequence
from uuid import UUID

from django.db.models import Count

from concerns.models import ConcernPupil


def concern_flags(pupil_ids: Sequence[UUID]) -> dict[UUID, list[str]]:
    counts = (
        ConcernPupil.objects.filter(pupil_id__in=list(pupil_ids))
        .values("pupil_id")
        .annotate(n=Count("concern_id", distinct=True))
    )
    return {
        row["pupil_id"]: [f"named in {row['n']} safeguarding concern{'s' if row['n'] != 1 else ''}"]
        for row in counts
    }
