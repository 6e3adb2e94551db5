"""Household links waiting for the safeguarding team's decision."""

from django.db.models import Q, QuerySet

from pupils.access import pupils_visible_to
from pupils.models import (
    HouseholdSuggestion,
    SuggestionStatus,
)
from schools.models import Membership

# --- Household suggestions ---------------------------------------------------------------------


def pending_suggestions_for(*, viewer: Membership) -> QuerySet[HouseholdSuggestion]:
    """Suggestions about a child the viewer may open (both children, for a DSL's decision)."""
    visible = pupils_visible_to(viewer=viewer).values("pk")
    return (
        HouseholdSuggestion.objects.filter(status=SuggestionStatus.PENDING)
        .filter(Q(pupil_a__in=visible) | Q(pupil_b__in=visible))
        .select_related("pupil_a", "pupil_b")
        .order_by("created_at")
    )
