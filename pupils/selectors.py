"""Reads about pupils."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from pupils.access import pupils_visible_to
from pupils.models import Pupil
from schools.models import Membership


@dataclass(frozen=True, slots=True)
class PupilSearch:
    text: str = ""
    year_group: str = ""

    @classmethod
    def from_query(cls, query: "dict[str, str] | object") -> "PupilSearch":
        get = getattr(query, "get", None)
        if get is None:
            return cls()
        return cls(
            text=str(get("q", "")).strip()[:100], year_group=str(get("year", "")).strip()[:3]
        )


def pupil_search(*, viewer: Membership, search: PupilSearch, limit: int = 50) -> QuerySet[Pupil]:
    """Children the viewer may open, matching a name or UPN and a year group."""
    pupils = pupils_visible_to(viewer=viewer)
    for word in search.text.split():
        pupils = pupils.filter(
            Q(legal_forename__icontains=word)
            | Q(legal_surname__icontains=word)
            | Q(preferred_forename__icontains=word)
            | Q(preferred_surname__icontains=word)
            | Q(upn__iexact=word)
        )
    if search.year_group:
        pupils = pupils.filter(year_group=search.year_group)
    return pupils.order_by("legal_surname", "legal_forename")[:limit]
