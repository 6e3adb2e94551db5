"""The family around the child: parents' engagement, notes of the child's day, and the household's
other children, in the history import and export."""

import json
from datetime import date
from typing import Any

from casework import services
from casework.importers.common import (
    Kind,
    by_fields,
    field_date,
    field_moment,
    field_person,
    field_text,
    iso,
    when_iso,
)
from casework.models import (
    DayNote,
    EngagementEvent,
    HouseholdChild,
)
from casework.services._common import Imported
from concerns.importers.common import BadLine, LineError
from schools.models import Membership


def _read_engagement(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {
        "kind": field_text(raw, line, "engagement_kind", limit=12),
        "adult": field_text(raw, line, "adult", limit=200),
        "appointment_kind": field_text(raw, line, "appointment_kind", limit=10),
        "explained_event": field_text(raw, line, "explained_event", limit=10),
        "checked": field_text(raw, line, "checked", limit=15),
    }


def _save_engagement(*, on: date, text: str, **fields: Any) -> Any:
    return services.engagement_record(occurred_on=on, details=text, **fields)


def _dump_engagement(e: EngagementEvent) -> tuple[str, dict[str, Any]]:
    return e.details, {
        "engagement_kind": e.kind,
        "adult": e.adult,
        "appointment_kind": e.appointment_kind,
        "explained_event": e.explained_event,
        "checked": e.checked,
    }


def _read_note(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {"tone": field_text(raw, line, "tone", limit=10)}


def _save_note(*, on: date, **fields: Any) -> Any:
    return services.day_note_record(noted_on=on, **fields)


def _dump_note(n: DayNote) -> tuple[str, dict[str, Any]]:
    return n.text, {"tone": n.tone}


def _read_household_child(raw: dict[str, Any], line: int) -> dict[str, Any]:
    born = field_date(raw, line, "date_of_birth")
    if born is None:
        raise BadLine(LineError(line, "date_of_birth", "is required"))
    sightings = []
    items = raw.get("sightings") or []
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except ValueError as exc:
            raise BadLine(LineError(line, "sightings", "must be a JSON list")) from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadLine(LineError(line, "sightings", "must be a list of objects"))
    for item in items:
        sightings.append(
            {
                "seen_on": field_date(item, line, "seen_on"),
                "seen_by": field_text(item, line, "seen_by", limit=200),
                "written_at": field_moment(item, line, "written_at"),
                "author": field_person(item, line, "author", "sightings"),
            }
        )
    return {
        "name": field_text(raw, line, "name", limit=200),
        "date_of_birth": born,
        "setting_kind": field_text(raw, line, "setting_kind", limit=15),
        "setting_name": field_text(raw, line, "setting_name", limit=200),
        "seen_by": field_text(raw, line, "seen_by", limit=200),
        "sightings": sightings,
    }


def _save_household_child(
    *,
    actor: Membership,
    on: date,
    text: str,
    seen_by: str,
    imported: Imported,
    sightings: list[dict[str, Any]],
    **fields: Any,
) -> Any:
    if sightings:  # every time the child was seen, each as it was written
        child = services.household_child_record(actor=actor, note=text, imported=imported, **fields)
        for seen in sightings:
            services.sighting_record(
                actor=actor,
                child=child,
                seen_on=seen["seen_on"],
                seen_by=seen["seen_by"],
                imported=Imported(
                    source_ref=imported.source_ref,
                    written_at=seen["written_at"] or imported.written_at,
                ),
            )
        return child
    return services.household_child_record(
        actor=actor,
        note=text,
        seen_on=on if seen_by else None,
        seen_by=seen_by,
        imported=imported,
        **fields,
    )


def _last_seen(h: HouseholdChild) -> Any:
    return h.sightings.order_by("-seen_on", "-recorded_at").first()


def _dump_household_child(h: HouseholdChild) -> tuple[str, dict[str, Any]]:
    seen = h.sightings.order_by("recorded_at", "pk")
    return h.note, {
        "name": h.name,
        "date_of_birth": iso(h.date_of_birth),
        "setting_kind": h.setting_kind,
        "setting_name": h.setting_name,
        "sightings": [
            {
                "seen_on": iso(x.seen_on),
                "seen_by": x.seen_by,
                "written_at": when_iso(x.recorded_at),
                "author": by_fields(x, x.recorded_by),
            }
            for x in seen
        ],
    }


ENGAGEMENT = Kind(
    "engagement",
    EngagementEvent,
    _read_engagement,
    _save_engagement,
    day=lambda e: e.occurred_on,
    dump=_dump_engagement,
    columns=("engagement_kind", "adult", "appointment_kind", "explained_event", "checked"),
)


DAY_NOTE = Kind(
    "day_note",
    DayNote,
    _read_note,
    _save_note,
    day=lambda n: n.noted_on,
    dump=_dump_note,
    columns=("tone",),
)


HOUSEHOLD_CHILD = Kind(
    "household_child",
    HouseholdChild,
    _read_household_child,
    _save_household_child,
    day=lambda h: s.seen_on if (s := _last_seen(h)) else h.recorded_at.date(),
    dump=_dump_household_child,
    columns=("name", "date_of_birth", "setting_kind", "setting_name", "seen_by", "sightings"),
)
