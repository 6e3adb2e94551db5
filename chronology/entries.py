"""The shape of one line of a child's chronology, and how apps contribute lines.

The chronology has no tables of its own. Each app that holds dated records about a child offers
a *source*: a function listed in `settings.CHRONOLOGY_SOURCES` that returns the entries the
viewer may see for some children over a period. The chronology merges them, newest first.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string

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
    """The period asked for; either end may be open."""

    start: date | None = None
    end: date | None = None


class Source(Protocol):
    def __call__(
        self, *, viewer: "Membership", pupil_ids: Sequence[UUID], window: Window
    ) -> Iterable[Entry]: ...


@cache
def chronology_sources() -> tuple[Source, ...]:
    """Every source named in settings.CHRONOLOGY_SOURCES, imported once."""
    return tuple(import_string(path) for path in settings.CHRONOLOGY_SOURCES)
