"""Records received from another school, on the child's chronology
(settings.CHRONOLOGY_SOURCES): each keeps its original author and dates and is marked
"transferred from <school>"."""

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from uuid import UUID

from django.urls import reverse
from django.utils import timezone

from schools.models import Membership, Role
from sources.chronology import Entry, Window
from transfer.access import transferred_records_visible_to


def _bound(day: object, end: bool) -> datetime:
    moment = datetime.combine(day, time.max if end else time.min)  # type: ignore[arg-type]
    return timezone.make_aware(moment)


def transferred_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    records = transferred_records_visible_to(viewer=viewer).filter(pupil_id__in=pupil_ids)
    if window.start:
        records = records.filter(occurred_at__gte=_bound(window.start, end=False))
    if window.end:
        records = records.filter(occurred_at__lte=_bound(window.end, end=True))
    team = viewer.role in {Role.DSL, Role.DEPUTY_DSL}
    for record in records.select_related("received"):
        school = record.received.from_school_name
        yield Entry(
            kind="transferred",
            kind_label=f"Transferred from {school}",
            source_id=str(record.pk),
            pupil_id=record.pupil_id,
            occurred_at=record.occurred_at,
            recorded_at=record.recorded_at,
            title=f"{record.kind_label}: {record.title}",
            summary=record.summary,
            author=record.author,
            url=reverse("transfer:received", args=[record.received_id]) if team else None,
            significant=record.significant,
            categories=tuple(record.categories),
        )
