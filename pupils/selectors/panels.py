"""What other apps add to the front sheet: panels, the "At a glance" lines and the pupil list's
flags (settings.PUPIL_FRONT_SHEET_PANELS, PUPIL_FRONT_SHEET_GLANCE, PUPIL_LIST_FLAGS)."""

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string

from pupils.models import Pupil
from schools.models import Membership

# --- Reads shared within one page ---------------------------------------------------------------

# The reads made while one front sheet is put together, by key; None outside `one_page`.
_page_reads: ContextVar[dict[Hashable, Any] | None] = ContextVar("front_sheet_reads", default=None)


@contextmanager
def one_page() -> Iterator[None]:
    """While one page's reads are made (the front sheet's panels and "At a glance" lines; the
    chronology's sources): a read made through `read_once` is made once and its answer handed
    to everything on the page that asks for it (the child's voice check-in and findings are on
    both panel and line; the visible concern parts feed three chronology sources). Nothing is
    written in between, and the answers are forgotten when the block ends, so nothing is kept
    from one page to the next."""
    token = _page_reads.set({})
    try:
        yield
    finally:
        _page_reads.reset(token)


def read_once[T](key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or its answer already read for this page under `key` (inside `one_page`).
    The key names the read and everything it depends on (the viewer, the child). Outside
    `one_page` (another page, a test), it simply reads."""
    reads = _page_reads.get()
    if reads is None:
        return read()
    if key not in reads:
        reads[key] = read()
    return cast(T, reads[key])


# --- Front sheet panels from other apps ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Panel:
    """A section another app adds to the front sheet: a template and its context."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@cache
def _panel_sources() -> tuple[Callable[..., Panel | None], ...]:
    return tuple(import_string(p) for p in getattr(settings, "PUPIL_FRONT_SHEET_PANELS", []))


def front_sheet_panels(*, viewer: Membership, pupil: Pupil) -> list[Panel]:
    """Panels from the apps listed in settings.PUPIL_FRONT_SHEET_PANELS, in that order. Each is
    a function `(*, viewer, pupil) -> Panel | None`; it checks its own access."""
    return [p for source in _panel_sources() if (p := source(viewer=viewer, pupil=pupil))]


# --- The front sheet at a glance ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GlanceItem:
    """One thing under a line of the summary: words, where to open it, and a tag ("Overdue")."""

    text: str
    href: str = ""
    tag: str = ""
    tag_colour: str = ""  # a GOV.UK tag colour: "red", "orange", "yellow", "grey"…


@dataclass(frozen=True, slots=True)
class GlanceRow:
    """A line of the front sheet's "At a glance" summary list, from the app that owns it:
    a key ("Open concerns"), a line in words and the items under it, newest or most urgent
    first. `order` places the line among the others (lower first)."""

    key: str
    value: str
    items: tuple[GlanceItem, ...] = ()
    order: int = 50
    row_id: str = ""


@dataclass(frozen=True, slots=True)
class ListFlag:
    """A tag beside a child in the pupil list ("Child protection plan", "2 open concerns")."""

    text: str
    colour: str = ""  # a GOV.UK tag colour, or "" for the default


@cache
def _list_flag_sources() -> tuple[Callable[..., dict[UUID, list[ListFlag]]], ...]:
    return tuple(import_string(p) for p in getattr(settings, "PUPIL_LIST_FLAGS", []))


def list_flags(*, viewer: Membership, pupil_ids: Sequence[UUID]) -> dict[UUID, list[ListFlag]]:
    """Flags for each listed child from the apps in settings.PUPIL_LIST_FLAGS: each is a function
    `(*, viewer, pupil_ids) -> {pupil_id: [ListFlag]}` that checks its own access and answers in
    a fixed number of queries whatever the number of children (no query per child)."""
    flags: dict[UUID, list[ListFlag]] = {pk: [] for pk in pupil_ids}
    if not pupil_ids:
        return flags
    for source in _list_flag_sources():
        for pupil_id, found in source(viewer=viewer, pupil_ids=list(pupil_ids)).items():
            flags.setdefault(pupil_id, []).extend(found)
    return flags


@cache
def _glance_sources() -> tuple[Callable[..., list[GlanceRow]], ...]:
    return tuple(import_string(p) for p in getattr(settings, "PUPIL_FRONT_SHEET_GLANCE", []))


def front_sheet_glance(*, viewer: Membership, pupil: Pupil) -> list[GlanceRow]:
    """The lines of "At a glance" from the apps in settings.PUPIL_FRONT_SHEET_GLANCE: each is a
    function `(*, viewer, pupil) -> list[GlanceRow]` that checks its own access (a line the
    viewer may not read is left out, never shown empty)."""
    rows = [row for source in _glance_sources() for row in source(viewer=viewer, pupil=pupil)]
    return sorted(rows, key=lambda row: row.order)
