"""Leaving the roll and agreed absences, in the history import and export."""

from datetime import date, datetime
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
    AgreedAbsence,
    Leaving,
)
from casework.services._common import Imported
from concerns.importers.common import BadLine, LineError
from schools.models import Membership


def _read_leaving(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {
        "reason": field_text(raw, line, "leaving_reason", limit=15),
        "destination": field_text(raw, line, "destination", limit=200),
    }


def _save_leaving(*, on: date, text: str, **fields: Any) -> Any:
    return services.leaving_record(left_on=on, note=text, **fields)


def _dump_leaving(left: Leaving) -> tuple[str, dict[str, Any]]:
    return left.note, {"leaving_reason": left.reason, "destination": left.destination}


def _read_absence(raw: dict[str, Any], line: int) -> dict[str, Any]:
    back = field_date(raw, line, "expected_back_on")
    if back is None:
        raise BadLine(LineError(line, "expected_back_on", "is required"))
    return {
        "expected_back_on": back,
        "returned_on": field_date(raw, line, "returned_on"),
        "returned_written_at": field_moment(raw, line, "returned_written_at"),
        "returned_by": field_person(raw, line, "returned_by"),
    }


def _save_absence(
    *,
    actor: Membership,
    on: date,
    text: str,
    imported: Imported,
    returned_on: date | None,
    returned_written_at: datetime | None,
    **fields: Any,
) -> Any:
    absence = services.absence_record(
        actor=actor, starts_on=on, reason=text, imported=imported, **fields
    )
    if returned_on is not None:
        services.absence_return_record(
            actor=actor,
            absence=absence,
            returned_on=returned_on,
            imported=Imported(
                source_ref=imported.source_ref,
                written_at=returned_written_at or imported.written_at,
            ),
        )
    return absence


def _dump_absence(a: AgreedAbsence) -> tuple[str, dict[str, Any]]:
    back = a.return_or_none
    return a.reason, {
        "expected_back_on": iso(a.expected_back_on),
        "returned_on": iso(back.returned_on) if back else None,
        "returned_written_at": when_iso(back.recorded_at) if back else None,
        "returned_by": by_fields(back, back.recorded_by) if back else None,
    }


LEAVING = Kind(
    "leaving",
    Leaving,
    _read_leaving,
    _save_leaving,
    day=lambda left: left.left_on,
    dump=_dump_leaving,
    columns=("leaving_reason", "destination"),
)


AGREED_ABSENCE = Kind(
    "agreed_absence",
    AgreedAbsence,
    _read_absence,
    _save_absence,
    day=lambda a: a.starts_on,
    dump=_dump_absence,
    columns=("expected_back_on", "returned_on", "returned_written_at", "returned_by"),
)
