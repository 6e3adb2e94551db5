"""What a record app offers the apps above it, as plain types (ADR 17, one-way app layers).

The record apps (pupils, concerns, attendance, voice, factors, ...) sit below the apps that read
across them (chronology, patterns, analytics) and never import them. Where a record app hands
something upward it uses a type from this package, which sits between `pupils` and the record
apps, so both sides agree on the shape without the lower one knowing the higher.

This module: one line of a child's chronology. The chronology has no tables of its own. Each app
that holds dated records about a child offers a *source*: a function listed in
`settings.CHRONOLOGY_SOURCES` that returns the entries the viewer may see for some children over
a period (`chronology.entries.chronology_sources` loads them; the chronology merges them, newest
first).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from schools.models import Membership


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated record about one child, as the chronology shows it."""

    kind: str  # a short slug naming the source, e.g. "concern", "decision", "attendance"
    kind_label: str  # shown to people, e.g. "Concern", "Attendance"
    source_id: str  # the record's own id (with `kind`, unique)
    pupil_id: UUID
    occurred_at: datetime  # when it happened: the chronology's order
    recorded_at: datetime | None  # when it was written (None for derived events)
    title: str
    summary: str = ""
    author: str = ""  # the person who wrote it; may be redacted on export
    url: str | None = None  # where to read the whole record, if the viewer may
    significant: bool = False
    categories: tuple[str, ...] = field(default_factory=tuple)
    # Staff names that appear in `title` (an action's assignee): removed with the author when an
    # export is asked for without staff names.
    staff_in_title: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Window:
    """The period asked for; either end may be open.

    `as_of`: the chronology as it stood at the end of that day (issue 18). The chronology leaves
    out every entry written, or about a moment, after that day; a source whose records are
    versioned (a concern, a voice entry) shows each record in the words of its version written
    by then (`cut` is the moment to compare `written_at` with).
    """

    start: date | None = None
    end: date | None = None
    as_of: date | None = None

    def cut(self) -> datetime | None:
        """The first moment after `as_of` (local midnight), or None for "as it stands now"."""
        if self.as_of is None:
            return None
        from django.utils import timezone

        return timezone.make_aware(datetime.combine(self.as_of + timedelta(days=1), time.min))


class Source(Protocol):
    def __call__(
        self, *, viewer: "Membership", pupil_ids: Sequence[UUID], window: Window
    ) -> Iterable[Entry]: ...
