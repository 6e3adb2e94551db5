"""The front sheet's body, kept between requests in this process while nothing changes (ADR 23).

A front sheet's body (everything under the page's heading bar: the "At a glance" lines, the
child, the household, the brothers and sisters, the panels) is rendered once and kept, in this
process's memory only, under a key that cannot go stale:

- the child and the viewer's membership and role (each person's own page: need-to-know is
  never crossed, and a role changed in the meantime is a different key);
- the newest write on the audit trail, its number and seal (`audit.selectors.latest_change`):
  every write Cairn makes records an event in its own transaction, so any change to anything
  a front sheet shows, at any school, moves it;
- the current minute: a page says how long ago the child's voice was last heard ("3 hours,
  5 minutes ago") and which actions are overdue today.

The access gate, the read's audit event and the events for brothers and sisters shown across
schools are made on every request, kept or not (`pupils.views.detail`). Only the newest
generation of pages is kept, at most `settings.CAIRN_FRONT_SHEET_CACHE` of them (0: none), and
a page is rendered once however many requests ask for it at the same moment.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from audit.selectors import latest_change
from pupils import selectors
from pupils.models import Pupil
from schools.models import Membership

Generation = tuple[str, int, str]  # the minute, the newest write's number and seal


@dataclass(frozen=True, slots=True)
class SheetBody:
    """A rendered front sheet body and the brothers and sisters it shows whose records the
    viewer may not open: (their id, whether they have records), each audited on every view."""

    html: SafeString
    shown_across_schools: tuple[tuple[UUID, bool], ...]


class BodyCache:
    """Rendered bodies by key, for one generation at a time, the least recently read dropped
    first past the size it is given. Safe to share between a process's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bodies: OrderedDict[Hashable, SheetBody] = OrderedDict()
        self._generation: Generation | None = None
        self._building: dict[Hashable, threading.Lock] = {}

    def get_or_build(
        self, key: Hashable, generation: Generation, build: Callable[[], SheetBody], *, size: int
    ) -> SheetBody:
        """The body kept under `key` for `generation`, or `build()`'s, kept. While one request
        builds a body, the others asking for the same key and generation wait for it."""
        with self._lock:
            kept = self._kept(key, generation)
            if kept is not None:
                return kept
            building = self._building.setdefault((key, generation), threading.Lock())
        with building:
            with self._lock:
                kept = self._kept(key, generation)
            if kept is not None:
                return kept
            try:
                body = build()
                with self._lock:
                    self._keep(key, generation, body, size=size)
            finally:
                with self._lock:
                    self._building.pop((key, generation), None)
        return body

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._generation = None

    def _kept(self, key: Hashable, generation: Generation) -> SheetBody | None:
        if generation != self._generation or key not in self._bodies:
            return None
        self._bodies.move_to_end(key)
        return self._bodies[key]

    def _keep(self, key: Hashable, generation: Generation, body: SheetBody, *, size: int) -> None:
        """Keep `body`, unless a newer generation is already kept (a write landed while it was
        built); a newer generation than the kept one replaces all of it."""
        if self._generation is not None and generation < self._generation:
            return
        if generation != self._generation:
            self._bodies.clear()
            self._generation = generation
        self._bodies[key] = body
        self._bodies.move_to_end(key)
        while len(self._bodies) > size:
            self._bodies.popitem(last=False)


_cache = BodyCache()


def front_sheet_body(*, request: HttpRequest, viewer: Membership, pupil: Pupil) -> SheetBody:
    """The body of `pupil`'s front sheet as `viewer` sees it: kept, or rendered now. The caller
    has passed the access gate. The generation is read before anything else, so a body is never
    older than its key: a write landing while it is built makes it newer, not staler."""
    size: int = settings.CAIRN_FRONT_SHEET_CACHE
    if size <= 0:
        return render_body(request=request, viewer=viewer, pupil=pupil)
    generation: Generation = (this_minute(), *latest_change())
    key = (pupil.pk, viewer.pk, viewer.role, viewer.school_id)
    return _cache.get_or_build(
        key, generation, lambda: render_body(request=request, viewer=viewer, pupil=pupil), size=size
    )


def this_minute() -> str:
    """The current minute (UTC), the finest step in which anything a front sheet says moves
    with time alone ("5 minutes ago"; an action overdue from today)."""
    return timezone.now().strftime("%Y-%m-%dT%H:%M")


def render_body(*, request: HttpRequest, viewer: Membership, pupil: Pupil) -> SheetBody:
    """Read and render the body: the front sheet's own reads, the panels and "At a glance"."""
    # Reads the page's parts share are made once: the voice check-in and findings (panel and
    # glance line), the child's plans (the social-care line and the casework panel).
    with selectors.one_page():
        sheet = selectors.front_sheet(viewer=viewer, pupil=pupil)
        panels = selectors.front_sheet_panels(viewer=viewer, pupil=pupil)
        glance = selectors.front_sheet_glance(viewer=viewer, pupil=pupil)
    html = render_to_string(
        "pupils/_front_sheet.html",
        {"pupil": pupil, "sheet": sheet, "panels": panels, "glance": glance},
        request=request,
    )
    shown = tuple((s.pupil_id, s.has_records) for s in sheet.siblings if not s.can_open)
    return SheetBody(html=SafeString(html), shown_across_schools=shown)


def forget_all() -> None:
    """Drop every kept body (tests start from none; nothing else needs it)."""
    _cache.clear()
