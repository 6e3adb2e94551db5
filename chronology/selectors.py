"""Merging every source's entries into one timeline, newest first, for the children asked."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.utils import timezone

from chronology.entries import Entry, Window, chronology_sources
from pupils.access import pupils_visible_to
from pupils.models import Pupil
from schools.models import Membership


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ChronologyFilters:
    """What the reader asked for: kinds of record, a period, words, significant events only."""

    kinds: frozenset[str] = frozenset()
    window: Window = field(default_factory=Window)
    text: str = ""
    significant_only: bool = False

    @classmethod
    def from_query(cls, query: Mapping[str, str] | object) -> "ChronologyFilters":
        getlist = getattr(query, "getlist", None)
        get = getattr(query, "get", None)
        assert get is not None
        kinds = frozenset(k for k in (getlist("kind") if getlist else []) if k)
        return cls(
            kinds=kinds,
            window=Window(start=_date(get("start")), end=_date(get("end"))),
            text=(get("q") or "").strip()[:200],
            significant_only=get("significant") == "1",
        )

    def keeps(self, entry: Entry) -> bool:
        if self.kinds and entry.kind not in self.kinds:
            return False
        if self.significant_only and not entry.significant:
            return False
        if self.text:
            haystack = " ".join(
                (entry.title, entry.summary, entry.author, " ".join(entry.categories))
            ).lower()
            return all(word in haystack for word in self.text.lower().split())
        return True


@dataclass(frozen=True, slots=True)
class Chronology:
    pupils: Sequence[Pupil]
    entries: Sequence[Entry]
    kinds: Sequence[tuple[str, str]]  # every kind present before filtering: (slug, label)
    total: int


def visible_pupils(*, viewer: Membership, pupil_ids: Iterable[UUID]) -> list[Pupil]:
    """The children among `pupil_ids` the viewer may read; others are dropped without a word."""
    return list(pupils_visible_to(viewer=viewer).filter(pk__in=list(pupil_ids)))


def chronology_for(
    *, viewer: Membership, pupils: Sequence[Pupil], filters: ChronologyFilters
) -> Chronology:
    """Every source's entries for `pupils`, as the viewer may see them, newest first.

    The caller has already checked the viewer may read each child (`access_pupil` or
    `visible_pupils`); entries for any other child are dropped here as a second line of defence.
    """
    allowed = {p.pk for p in pupils}
    ids = sorted(allowed)
    merged: list[Entry] = []
    for source in chronology_sources():
        merged.extend(
            e
            for e in source(viewer=viewer, pupil_ids=ids, window=filters.window)
            if e.pupil_id in allowed
        )
    kinds = sorted({(e.kind, e.kind_label) for e in merged}, key=lambda k: k[1])
    kept = [e for e in merged if filters.keeps(e)]
    kept.sort(key=lambda e: (e.occurred_at, e.recorded_at or e.occurred_at), reverse=True)
    return Chronology(pupils=pupils, entries=kept, kinds=kinds, total=len(merged))


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y, %H:%M}"


def display_rows(chronology: Chronology, *, show_child: bool) -> list[dict[str, object]]:
    """The entries as plain dictionaries of display text, for the page template.

    A 1,000-entry chronology is rendered on every open; plain dictionaries with the dates
    already formatted keep the template's work to simple lookups.
    """
    names = {p.pk: p.display_name for p in chronology.pupils} if show_child else {}
    rows: list[dict[str, object]] = []
    for entry in chronology.entries:
        written = ""
        if entry.recorded_at is not None and entry.recorded_at != entry.occurred_at:
            local = timezone.localtime(entry.recorded_at)
            written = f"{local.day} {local:%b %Y}"
        rows.append(
            {
                "when": _when(entry.occurred_at),
                "kind_label": entry.kind_label,
                "significant": entry.significant,
                "child": names.get(entry.pupil_id, ""),
                "title": entry.title,
                "url": entry.url or "",
                "categories": ", ".join(entry.categories),
                "summary": entry.summary,
                "author": entry.author,
                "written": written,
            }
        )
    return rows
