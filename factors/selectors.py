"""Reads: the factors known about a child, current and withdrawn.

Each takes `visible`, the factors the viewer may read (`factors.access.factors_visible_to`), so
that a school's team sees their school's factors and a trust lead those of the trust's schools.
"""

from django.db.models import QuerySet

from factors.models import KnownFactor
from pupils.models import Pupil


def current_factors(*, visible: QuerySet[KnownFactor], pupil: Pupil) -> QuerySet[KnownFactor]:
    """The child's factors not withdrawn, most recently known first."""
    return (
        visible.filter(pupil=pupil, withdrawal__isnull=True)
        .select_related("recorded_by__user", "school")
        .order_by("-known_from", "-recorded_at")
    )


def withdrawn_factors(*, visible: QuerySet[KnownFactor], pupil: Pupil) -> QuerySet[KnownFactor]:
    """The child's withdrawn factors, most recently withdrawn first, with who, when and why."""
    return (
        visible.filter(pupil=pupil, withdrawal__isnull=False)
        .select_related("recorded_by__user", "school", "withdrawal__withdrawn_by__user")
        .order_by("-withdrawal__withdrawn_at")
    )
