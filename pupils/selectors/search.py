"""Finding a child: the pupil search by name or UPN, year group and status."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from pupils.access import pupils_visible_to
from pupils.models import (
    Enrolment,
    Pupil,
    PupilStatus,
    StatusKind,
)
from pupils.names import match_score
from schools.models import Membership
from schools.reasons import list_reason


class SearchStatus:
    """The `status` filter of the pupil search: a roll status or a current status flag."""

    ON_ROLL = "on_roll"
    LEFT = "left"
    ANY = "any"
    CHOICES: tuple[tuple[str, str], ...] = (
        (ON_ROLL, "On roll now"),
        (LEFT, "Left the school"),
        (ANY, "On roll or left"),
        *((k.value, str(k.label)) for k in StatusKind),
    )


@dataclass(frozen=True, slots=True)
class PupilSearch:
    text: str = ""
    year_group: str = ""
    status: str = SearchStatus.ON_ROLL

    @classmethod
    def from_query(cls, query: Any) -> "PupilSearch":
        get = getattr(query, "get", None)
        if get is None:
            return cls()
        status = str(get("status", "") or SearchStatus.ON_ROLL)
        if status not in dict(SearchStatus.CHOICES):
            status = SearchStatus.ON_ROLL
        return cls(
            text=str(get("q", "")).strip()[:100],
            year_group=str(get("year", "")).strip().upper()[:3],
            status=status,
        )


def pupil_search(*, viewer: Membership, search: PupilSearch, limit: int = 50) -> list[Pupil]:
    """Children the viewer may open, matching a name or UPN, a year group and a status.

    Names are matched forgivingly (`pupils.names`: case, accents, punctuation and a slip of a
    letter or two), best matches first; a UPN or former UPN must be typed exactly. The same
    answer on SQLite and PostgreSQL. A trust lead must have said why they are finding children
    (the gate, `pupils.access`).
    """
    list_reason(viewer=viewer)
    pupils = pupils_visible_to(viewer=viewer)
    if search.year_group:
        pupils = pupils.filter(year_group=search.year_group)
    today = timezone.localdate()
    on_roll = Enrolment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    if viewer.school_id is not None:
        on_roll = on_roll.filter(school_id=viewer.school_id)
    if search.status == SearchStatus.ON_ROLL:
        pupils = pupils.filter(pk__in=on_roll.values("pupil_id"))
    elif search.status == SearchStatus.LEFT:
        pupils = pupils.exclude(pk__in=on_roll.values("pupil_id"))
    elif search.status != SearchStatus.ANY:
        pupils = pupils.filter(
            pk__in=PupilStatus.objects.filter(kind=search.status, ended_on__isnull=True).values(
                "pupil_id"
            )
        )
    pupils = pupils.distinct().order_by("legal_surname", "legal_forename")
    if not search.text:
        return list(pupils[:limit])
    words = search.text.split()
    by_upn = set(
        pupils.filter(
            Q(upn__in=[w.upper() for w in words])
            | Q(former_upns__upn__in=[w.upper() for w in words])
        ).values_list("pk", flat=True)
    )
    scored: list[tuple[int, str, str, UUID]] = []
    for pk, *names in pupils.values_list(
        "pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
    ):
        score = 0 if pk in by_upn else match_score(search.text, names)
        if score is not None:
            scored.append((score, names[1].casefold(), names[0].casefold(), pk))
    scored.sort()
    chosen = [pk for *_key, pk in scored[:limit]]
    found = {p.pk: p for p in Pupil.objects.filter(pk__in=chosen)}
    return [found[pk] for pk in chosen]
