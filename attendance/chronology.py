"""Attendance events on a child's chronology (a source: see sources/chronology.py).

Events (`attendance.md` §6 candidate detectors, shown with the marks that make them up):
- a run of unexplained absence as long as the LA-notification trigger (§4: ten continuous
  school days [V 2006 regs; U 2024] → `CAIRN_ATTENDANCE_LA_NOTIFY_DAYS`);
- crossing into persistent (≥ 10%) or severe (≥ 50%) absence over the academic year (§3 [V]),
  once `CAIRN_ATTENDANCE_CROSSING_MIN_SESSIONS` sessions were possible;
- the first unexplained absence after an anchor date supplied by another record (a concern):
  `CAIRN_ATTENDANCE_ANCHOR_SOURCES` lists functions returning {pupil_id: [(date, label)]}.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from attendance.measures import Period
from attendance.selectors import (
    attendance_schools_for,
    crossing_days,
    files_for,
    first_unexplained_after,
    unexplained_runs,
)
from pupils.access import pupils_visible_to
from schools.models import Membership
from sources.chronology import Entry, Window


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def attendance_entries(
    *, viewer: Membership, pupil_ids: Sequence[UUID], window: Window
) -> Iterable[Entry]:
    """Attendance events for the children the viewer may see, within the window."""
    visible = list(
        pupils_visible_to(viewer=viewer).filter(pk__in=list(pupil_ids)).values_list("pk", flat=True)
    )
    if not visible:
        return []
    files = files_for(attendance_schools_for(viewer=viewer))
    today = timezone.localdate()
    start = window.start or date(today.year - 6, 9, 1)
    end = window.end or today
    entries: list[Entry] = []
    for pupil_id, school_id, first, last, days in unexplained_runs(
        files=files,
        period=Period(start, end, ""),
        pupil_ids=visible,
        min_days=settings.CAIRN_ATTENDANCE_LA_NOTIFY_DAYS,
    ):
        entries.append(
            Entry(
                kind="attendance",
                kind_label="Attendance",
                source_id=f"run:{school_id}:{pupil_id}:{first}",
                pupil_id=pupil_id,
                occurred_at=_at(last),
                recorded_at=None,
                title=f"{days} school days of unexplained absence",
                summary=(
                    f"Absent without a known reason every session from {first:%-d %B %Y} to "
                    f"{last:%-d %B %Y}. The school must tell the local authority after "
                    f"{settings.CAIRN_ATTENDANCE_LA_NOTIFY_DAYS} continuous school days."
                ),
                url=reverse("attendance:pupil", args=[pupil_id]),
                significant=True,
                categories=("attendance", "unexplained-run"),
            )
        )
    year_start = start.year if start.month >= 9 else start.year - 1
    while date(year_start, 9, 1) <= end:
        year = Period(max(start, date(year_start, 9, 1)), min(end, date(year_start + 1, 8, 31)), "")
        for pupil_id, school_id, kind, day, absent, possible in crossing_days(
            files=files,
            period=year,
            pupil_ids=visible,
            min_sessions=settings.CAIRN_ATTENDANCE_CROSSING_MIN_SESSIONS,
        ):
            label = "severe" if kind == "severe" else "persistent"
            entries.append(
                Entry(
                    kind="attendance",
                    kind_label="Attendance",
                    source_id=f"{kind}:{school_id}:{pupil_id}:{year_start}",
                    pupil_id=pupil_id,
                    occurred_at=_at(day),
                    recorded_at=None,
                    title=f"Crossed into {label} absence",
                    summary=(
                        f"By {day:%-d %B %Y} the child had missed {absent} of {possible} "
                        f"possible sessions this school year."
                    ),
                    url=reverse("attendance:pupil", args=[pupil_id]),
                    significant=kind == "severe",
                    categories=("attendance", kind),
                )
            )
        year_start += 1
    anchors: dict[UUID, list[date]] = {}
    labels: dict[tuple[UUID, date], str] = {}
    for dotted in settings.CAIRN_ATTENDANCE_ANCHOR_SOURCES:
        for pupil_id, dated in import_string(dotted)(viewer=viewer, pupil_ids=visible).items():
            for day, label in dated:
                anchors.setdefault(pupil_id, []).append(day)
                labels[(pupil_id, day)] = label
    for pupil_id, school_id, anchor, day in first_unexplained_after(files=files, anchors=anchors):
        if not start <= day <= end:
            continue
        entries.append(
            Entry(
                kind="attendance",
                kind_label="Attendance",
                source_id=f"after:{school_id}:{pupil_id}:{anchor}",
                pupil_id=pupil_id,
                occurred_at=_at(day),
                recorded_at=None,
                title="First unexplained absence after " + labels[(pupil_id, anchor)],
                summary=f"Unexplained absence on {day:%-d %B %Y}, after {anchor:%-d %B %Y}.",
                url=reverse("attendance:pupil", args=[pupil_id]),
                significant=True,
                categories=("attendance", "after-anchor"),
            )
        )
    return entries
