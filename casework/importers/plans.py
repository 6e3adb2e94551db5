"""Plans (child in need, child protection, early help) and multi-agency meetings, in the history
import and export."""

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import services
from casework.importers.common import (
    Kind,
    by_fields,
    field_date,
    field_int,
    field_list,
    field_moment,
    field_person,
    field_text,
    iso,
    when_iso,
)
from casework.models import (
    AgencyContact,
    Meeting,
    MeetingReport,
    Plan,
)
from casework.services._common import Imported
from casework.services.meetings import report_path
from concerns.importers.common import BadLine, LineError
from schools.models import Membership


def _read_plan(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {
        "kind": field_text(raw, line, "plan_kind", limit=15),
        "cp_category": field_text(raw, line, "cp_category", limit=3),
        "lead_professional": field_text(raw, line, "lead_professional", limit=200),
        "local_authority": field_text(raw, line, "local_authority", limit=200),
        "ended_on": field_date(raw, line, "ended_on"),
        "end_reason": field_text(raw, line, "end_reason", limit=15),
        "end_note": field_text(raw, line, "end_note"),
        "ended_written_at": field_moment(raw, line, "ended_written_at"),
        "ended_by": field_person(raw, line, "ended_by"),
    }


def _save_plan(
    *,
    actor: Membership,
    on: date,
    text: str,
    imported: Imported,
    ended_on: date | None,
    end_reason: str,
    end_note: str,
    ended_written_at: datetime | None,
    **fields: Any,
) -> Any:
    if ended_on is None:
        if end_reason:
            raise ValidationError({"ended_on": "is required with end_reason"})
        return services.plan_record(
            actor=actor, started_on=on, note=text, imported=imported, **fields
        )
    if ended_written_at is None:  # the plan as it was written with its end (one form)
        return services.plan_record(
            actor=actor,
            started_on=on,
            note=text,
            imported=imported,
            ended_on=ended_on,
            end_reason=end_reason,
            **fields,
        )
    plan = services.plan_record(actor=actor, started_on=on, note=text, imported=imported, **fields)
    services.plan_end(
        actor=actor,
        plan=plan,
        ended_on=ended_on,
        reason=end_reason,
        note=end_note,
        imported=Imported(source_ref=imported.source_ref, written_at=ended_written_at),
    )
    return plan


def _dump_plan(p: Plan) -> tuple[str, dict[str, Any]]:
    ending = p.ending_or_none
    return p.note, {
        "plan_kind": p.kind,
        "cp_category": p.cp_category,
        "lead_professional": p.lead_professional,
        "local_authority": p.local_authority,
        "ended_on": iso(ending.ended_on) if ending else None,
        "end_reason": ending.reason if ending else None,
        "end_note": ending.note if ending else None,
        "ended_written_at": when_iso(ending.recorded_at) if ending else None,
        "ended_by": by_fields(ending, ending.recorded_by) if ending else None,
    }


def _read_meeting(raw: dict[str, Any], line: int) -> dict[str, Any]:
    reports = []
    items = raw.get("reports") or []
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except ValueError as exc:
            raise BadLine(LineError(line, "reports", "must be a JSON list")) from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadLine(LineError(line, "reports", "must be a list of objects"))
    for number, item in enumerate(items, start=1):
        where = f"reports[{number}]"
        name = field_text(item, line, "name", limit=200)
        if not name:
            raise BadLine(LineError(line, f"{where}.name", "is required"))
        try:
            content = base64.b64decode(str(item.get("content", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadLine(LineError(line, f"{where}.content", "is not base64")) from exc
        if not content:
            raise BadLine(LineError(line, f"{where}.content", "is required (the file, in base64)"))
        upload = SimpleUploadedFile(name, content)
        reports.append((upload, field_moment(item, line, "uploaded_at", where=where)))
    return {
        "kind": field_text(raw, line, "meeting_kind", limit=15),
        "agencies_present": field_list(raw, line, "agencies_present"),
        "others_present": field_text(raw, line, "others_present"),
        "actions_for_school": field_text(raw, line, "actions_for_school"),
        "preparation_minutes": field_int(raw, line, "preparation_minutes"),
        "meeting_minutes": field_int(raw, line, "meeting_minutes"),
        "reports": reports,
        "contact_ref": field_text(raw, line, "contact_ref", limit=200),
    }


def _save_meeting(
    *, on: date, text: str, reports: list[Any], contact_ref: str, **fields: Any
) -> Any:
    contact = None
    if contact_ref:  # the contact the meeting followed
        contact = AgencyContact.objects.filter(
            school_id=fields["actor"].school_id, pupil=fields["pupil"], source_ref=contact_ref
        ).first()
        if contact is None:
            raise ValidationError(
                {"contact_ref": "no contact about this child with that source_ref"}
            )
    meeting = services.meeting_record(
        held_on=on,
        decisions=text,
        contact=contact,
        reports=[upload for upload, when_iso in reports],
        **fields,
    )
    # Each report keeps when it was added in the old system (set in the transaction that
    # creates it, so no record held before is changed).
    saved = list(meeting.reports.order_by("uploaded_at", "pk"))
    for report, (_upload, when) in zip(saved, reports, strict=True):
        if when is not None:
            MeetingReport.objects.filter(pk=report.pk).update(uploaded_at=when)
    return meeting


def _dump_meeting(m: Meeting) -> tuple[str, dict[str, Any]]:
    return m.decisions, {
        "meeting_kind": m.kind,
        "agencies_present": list(m.agencies_present),
        "others_present": m.others_present,
        "contact_ref": (m.contact.source_ref or f"cairn-{m.contact_id}") if m.contact else None,
        "actions_for_school": m.actions_for_school,
        "preparation_minutes": m.preparation_minutes,
        "meeting_minutes": m.meeting_minutes,
        "reports": [
            {
                "name": r.original_name,
                "content": base64.b64encode(report_path(r).read_bytes()).decode("ascii"),
                "uploaded_at": when_iso(r.uploaded_at),
            }
            for r in m.reports.order_by("uploaded_at", "pk")
        ],
    }


PLAN = Kind(
    "plan",
    Plan,
    _read_plan,
    _save_plan,
    day=lambda p: p.started_on,
    dump=_dump_plan,
    columns=(
        "plan_kind",
        "cp_category",
        "lead_professional",
        "local_authority",
        "ended_on",
        "end_reason",
        "end_note",
        "ended_written_at",
        "ended_by",
    ),
)


MEETING = Kind(
    "meeting",
    Meeting,
    _read_meeting,
    _save_meeting,
    day=lambda m: m.held_on,
    dump=_dump_meeting,
    columns=(
        "meeting_kind",
        "agencies_present",
        "actions_for_school",
        "preparation_minutes",
        "meeting_minutes",
        "others_present",
        "reports",
        "contact_ref",
    ),
)
