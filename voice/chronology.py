"""The child's voice on the chronology (a source listed in settings.CHRONOLOGY_SOURCES)."""

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from uuid import UUID

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from schools.models import Membership
from sources.chronology import Entry, Window
from voice.access import voice_entries_visible_to
from voice.models import VoiceEntry
from voice.selectors import entries_with_current_version

SUMMARY_CHARS = 240


def _summary(words: str) -> str:
    words = " ".join(words.split())
    if len(words) <= SUMMARY_CHARS:
        return f"“{words}”"
    return f"“{words[: SUMMARY_CHARS - 1].rstrip()}…”"


def voice_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Each voice entry `viewer` may read about these children, dated when the child was heard.

    The summary is the start of the child's own words, from the entry's current version.
    """
    entries = entries_with_current_version(
        voice_entries_visible_to(viewer=viewer).filter(pupil_id__in=list(pupil_ids)),
        written_before=window.cut(),
    ).select_related("recorded_by__user")
    tz = timezone.get_current_timezone()
    if window.start is not None:
        entries = entries.filter(Q(occurred_at__gte=datetime.combine(window.start, time.min, tz)))
    if window.end is not None:
        entries = entries.filter(Q(occurred_at__lte=datetime.combine(window.end, time.max, tz)))
    for entry in entries.order_by(F("occurred_at").desc()):
        yield _entry(entry)


def _entry(entry: VoiceEntry) -> Entry:
    amended = getattr(entry, "version_count", 1) > 1
    return Entry(
        kind="voice",
        kind_label="Child's voice",
        source_id=str(entry.pk),
        pupil_id=entry.pupil_id,
        occurred_at=entry.occurred_at,  # type: ignore[attr-defined]
        recorded_at=entry.created_at,
        title="The child's voice" + (" (amended)" if amended else ""),
        summary=_summary(entry.words),  # type: ignore[attr-defined]
        author=entry.recorded_by.user.full_name,
        url=reverse("voice:entry", args=[entry.pk]),
    )
