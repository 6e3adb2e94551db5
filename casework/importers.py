"""Casework in `import_history` (settings.HISTORY_IMPORT_KINDS; docs/import-format.md).

Each kind reads its fields from a line, and writes through the same service a DSL's form uses,
so an imported record meets the same rules (dates in order, reasons present, the child on the
roll on the day) and is audited. The record keeps its `source_ref` and the date it was written in
the old system; a `source_ref` the school already holds is skipped, so a file can run twice.
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework import services
from casework.models import (
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    DayNote,
    EngagementEvent,
    Escalation,
    HouseholdChild,
    Leaving,
    Meeting,
    MeetingReport,
    Plan,
    StageOutcomeKind,
)
from casework.services._common import Imported
from casework.services.meetings import report_path
from concerns.importers.common import BadLine, LineError, parse_datetime
from concerns.models import Decision
from pupils.models import Pupil
from schools.models import Membership

MAX_TEXT = 50_000


def _text(raw: dict[str, Any], line: int, name: str, *, limit: int = MAX_TEXT) -> str:
    value = raw.get(name)
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise BadLine(LineError(line, name, "must be text"))
    if len(value) > limit:
        raise BadLine(LineError(line, name, f"is longer than {limit} characters"))
    return value.strip()


def _date(raw: dict[str, Any], line: int, name: str) -> date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadLine(LineError(line, name, "is not a date (YYYY-MM-DD)")) from exc


def _int(raw: dict[str, Any], line: int, name: str) -> int:
    value = raw.get(name, 0)
    if value in (None, ""):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise BadLine(LineError(line, name, "must be a whole number of minutes")) from exc


def _list(raw: dict[str, Any], line: int, name: str) -> list[str]:
    value = raw.get(name, [])
    if isinstance(value, str):  # CSV: codes separated by ";"
        return [v.strip() for v in value.split(";") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadLine(LineError(line, name, "must be a list of codes"))
    return value


def _author(obj: Any, member: Membership, names: Any) -> dict[str, str]:
    """The author as the old system had it (kept when imported), else the Cairn member."""
    if names is not None:
        author: dict[str, str] = names.of(obj, member)
        return author
    return {"name": member.user.full_name, "role": member.get_role_display()}


class _Names:
    """The export's author names (AuthorNames), for the parts of a record a dump writes."""

    current: Any = None


def _by(obj: Any, member: Membership) -> dict[str, str]:
    """Who wrote a part of a record (an answer, an ending, a sighting), as the file has it."""
    return _author(obj, member, _Names.current)


def _person(item: dict[str, Any], line: int, name: str, where: str = "") -> tuple[str, str] | None:
    """A person (`{name, role}`) on a part of a record, if the line gives one."""
    value = item.get(name)
    if value in (None, ""):
        return None
    label = f"{where}.{name}" if where else name
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise BadLine(LineError(line, label, "must be an object with name and role"))
    role = value.get("role") or ""
    if not isinstance(role, str):
        raise BadLine(LineError(line, f"{label}.role", "must be text"))
    return value["name"].strip()[:200], role.strip()[:100]


# Parts written later than the record, each kept with its own author (ImportOrigin).
SUB_TARGETS = (
    "casework.agencyresponse",
    "casework.planending",
    "casework.childsighting",
    "casework.absencereturn",
    "casework.escalationstage",
    "casework.escalationoutcome",
)


def _keep_parts(saved: Any, fields: dict[str, Any], record: Any, authors: Any) -> None:
    """Keep the author of each part of a record written later, in the order the line has them."""
    default = (record.author_name, record.author_role)
    pairs: list[tuple[Any, Any]] = []
    if isinstance(saved, AgencyContact):
        answers = saved.responses.order_by("recorded_at", "pk")
        pairs = list(zip(answers, [r["author"] for r in fields["responses"]], strict=False))
    elif isinstance(saved, Plan) and (ending := saved.ending_or_none) is not None:
        pairs = [(ending, fields["ended_by"])]
    elif isinstance(saved, HouseholdChild):
        seen = saved.sightings.order_by("recorded_at", "pk")
        pairs = list(zip(seen, [x["author"] for x in fields["sightings"]] or [None], strict=False))
    elif isinstance(saved, AgreedAbsence) and (back := saved.return_or_none) is not None:
        pairs = [(back, fields["returned_by"])]
    for part, person in pairs:
        authors.keep(part, *(person or default))


@dataclass(frozen=True)
class _Kind:
    """One casework kind: its name in the file, its model (for `source_ref`), and how to read
    and write a line."""

    kind: str
    model: Any
    read: Callable[[dict[str, Any], int], dict[str, Any]]
    save: Callable[..., object]
    columns: tuple[str, ...] = ()  # the CSV columns this kind adds
    # For export_history: the day a record happened, and its own fields as the file has them.
    day: Callable[[Any], date] = lambda obj: obj.recorded_at.date()
    dump: Callable[[Any], tuple[str, dict[str, Any]]] = lambda _obj: ("", {})

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        ref = _text(raw, line, "source_ref", limit=200)
        if not ref:
            raise BadLine(LineError(line, "source_ref", "is required for this kind"))
        if self.model.objects.filter(school_id=school_id, source_ref=ref).exists():
            return None
        return {"source_ref": ref, **self.read(raw, line)}

    @property
    def targets(self) -> tuple[str, ...]:
        return (f"{self.model._meta.app_label}.{self.model._meta.model_name}", *SUB_TARGETS)

    def export(self, school_id: UUID, *, names: Any = None) -> Iterator[dict[str, Any]]:
        """The school's records of this kind as lines of the import format."""
        rows = (
            self.model.objects.filter(school_id=school_id)
            .select_related("pupil", "recorded_by__user")
            .order_by("recorded_at", "pk")
        )
        _Names.current = names
        for obj in rows:
            text, fields = self.dump(obj)
            start = timezone.make_aware(datetime.combine(self.day(obj), time(0, 0)))
            yield {
                "kind": self.kind,
                "upn": obj.pupil.upn,
                "occurred_at": start.isoformat(),
                "written_at": timezone.localtime(max(obj.recorded_at, start)).isoformat(),
                "author": _author(obj, obj.recorded_by, names),
                "text": text,
                "source_ref": obj.source_ref or f"cairn-{obj.pk}",
                **{k: v for k, v in fields.items() if v not in ("", None, [])},
            }

    def write(
        self, record: Any, *, actor: Membership, source_system: str, authors: Any = None
    ) -> None:
        fields = dict(record.fields)
        imported = Imported(source_ref=fields.pop("source_ref"), written_at=record.written_at)
        people = {k: fields.pop(k) for k in ("ended_by", "returned_by") if k in fields}
        saved = self.save(
            actor=actor,
            pupil=record.pupil,
            on=record.occurred_at.date(),
            text=record.text,
            imported=imported,
            **fields,
        )
        if authors is not None:
            authors.keep(saved, record.author_name, record.author_role)
            _keep_parts(saved, {**record.fields, **people}, record, authors)
            if isinstance(saved, Meeting):  # its reports' files go if the import is refused
                authors.files.extend(report_path(r) for r in saved.reports.all())


def _agrees(raw: dict[str, Any], line: int, name: str) -> bool | None:
    agrees = raw.get("school_agrees")
    if isinstance(agrees, str):
        agrees = {"yes": True, "no": False, "true": True, "false": False, "": None}.get(
            agrees.lower(), "bad"
        )
    if agrees not in (True, False, None):
        raise BadLine(LineError(line, name, "must be true or false"))
    return agrees


def _moment(raw: dict[str, Any], line: int, name: str, *, where: str = "") -> datetime | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(str(value))
    except ValueError as exc:
        raise BadLine(LineError(line, f"{where}.{name}" if where else name, str(exc))) from exc
    if moment > timezone.now():
        raise BadLine(LineError(line, f"{where}.{name}" if where else name, "is in the future"))
    return moment


def _read_responses(raw: dict[str, Any], line: int) -> list[dict[str, Any]]:
    """The answers to a contact, oldest first: `responses` (a list), or the one answer in the
    flat `response_*` fields."""
    items = raw.get("responses")
    if items in (None, "", []):
        if not _text(raw, line, "response_kind", limit=12):
            return []
        items, prefix = [raw], "response_"
    else:
        if isinstance(items, str):  # CSV: a JSON list in one cell
            try:
                items = json.loads(items)
            except ValueError as exc:
                raise BadLine(LineError(line, "responses", "must be a JSON list")) from exc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise BadLine(LineError(line, "responses", "must be a list of objects"))
        prefix = ""
    read = []
    for number, item in enumerate(items, start=1):
        where = f"responses[{number}]." if not prefix else ""
        kind = _text(item, line, f"{prefix}kind", limit=12)
        if not kind:
            raise BadLine(LineError(line, f"{where}kind", "is required"))
        on_name = f"{prefix}on" if prefix else "received_on"
        if _date(item, line, on_name) is None:
            message = "is required with response_kind" if prefix else "is required"
            raise BadLine(LineError(line, f"{where}{on_name}", message))
        read.append(
            {
                "kind": kind,
                "received_on": _date(item, line, f"{prefix}on" if prefix else "received_on"),
                "details": _text(item, line, f"{prefix}details"),
                "answer_expected_by": _date(item, line, "answer_expected_by")
                if not prefix
                else None,
                "school_agrees": _agrees(item, line, f"{where}school_agrees"),
                "agreement_reason": _text(item, line, "agreement_reason"),
                "written_at": _moment(item, line, f"{prefix}written_at"),
                "author": _person(item, line, "author", where[:-1]) if not prefix else None,
            }
        )
    return read


def _read_contact(raw: dict[str, Any], line: int) -> dict[str, Any]:
    _agrees(raw, line, "school_agrees")
    return {
        "agency": _text(raw, line, "agency", limit=20),
        "purpose": _text(raw, line, "purpose", limit=10),
        "agency_name": _text(raw, line, "agency_name", limit=200),
        "person_contacted": _text(raw, line, "person_contacted", limit=200),
        "answer_expected_by": _date(raw, line, "answer_expected_by"),
        "responses": _read_responses(raw, line),
        "referral_ref": _text(raw, line, "referral_concern_ref", limit=200),
        "referral_decided_at": _moment(raw, line, "referral_decided_at"),
    }


def _save_contact(
    *,
    actor: Membership,
    pupil: Pupil,
    on: date,
    text: str,
    imported: Imported,
    responses: list[dict[str, Any]],
    referral_ref: str,
    referral_decided_at: datetime | None,
    **fields: Any,
) -> Any:
    referral = None
    if referral_ref:  # the referral decision on a concern this contact made
        if referral_decided_at is None:
            raise ValidationError({"referral_decided_at": "is required with referral_concern_ref"})
        assert actor.school_id is not None
        referral = Decision.objects.filter(
            concern__school_id=actor.school_id,
            concern__source_ref=referral_ref,
            decided_at=referral_decided_at,
        ).first()
        if referral is None:
            raise ValidationError(
                {"referral_concern_ref": "no decision on that concern at referral_decided_at"}
            )
    contact = services.contact_record(
        actor=actor,
        pupil=pupil,
        contacted_on=on,
        summary=text,
        referral=referral,
        imported=imported,
        **fields,
    )
    for answer in responses:
        if answer["received_on"] is None:
            raise ValidationError({"response_on": "is required with an answer"})
        written = answer["written_at"] or imported.written_at
        services.response_record(
            actor=actor,
            contact=contact,
            kind=answer["kind"],
            received_on=answer["received_on"],
            details=answer["details"],
            answer_expected_by=answer["answer_expected_by"] or fields.get("answer_expected_by"),
            school_agrees=answer["school_agrees"],
            agreement_reason=answer["agreement_reason"],
            imported=Imported(source_ref=imported.source_ref, written_at=written),
        )
    return contact


def _read_plan(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {
        "kind": _text(raw, line, "plan_kind", limit=15),
        "cp_category": _text(raw, line, "cp_category", limit=3),
        "lead_professional": _text(raw, line, "lead_professional", limit=200),
        "local_authority": _text(raw, line, "local_authority", limit=200),
        "ended_on": _date(raw, line, "ended_on"),
        "end_reason": _text(raw, line, "end_reason", limit=15),
        "end_note": _text(raw, line, "end_note"),
        "ended_written_at": _moment(raw, line, "ended_written_at"),
        "ended_by": _person(raw, line, "ended_by"),
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
        name = _text(item, line, "name", limit=200)
        if not name:
            raise BadLine(LineError(line, f"{where}.name", "is required"))
        try:
            content = base64.b64decode(str(item.get("content", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadLine(LineError(line, f"{where}.content", "is not base64")) from exc
        if not content:
            raise BadLine(LineError(line, f"{where}.content", "is required (the file, in base64)"))
        upload = SimpleUploadedFile(name, content)
        reports.append((upload, _moment(item, line, "uploaded_at", where=where)))
    return {
        "kind": _text(raw, line, "meeting_kind", limit=15),
        "agencies_present": _list(raw, line, "agencies_present"),
        "others_present": _text(raw, line, "others_present"),
        "actions_for_school": _text(raw, line, "actions_for_school"),
        "preparation_minutes": _int(raw, line, "preparation_minutes"),
        "meeting_minutes": _int(raw, line, "meeting_minutes"),
        "reports": reports,
        "contact_ref": _text(raw, line, "contact_ref", limit=200),
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
        reports=[upload for upload, _when in reports],
        **fields,
    )
    # Each report keeps when it was added in the old system (set in the transaction that
    # creates it, so no record held before is changed).
    saved = list(meeting.reports.order_by("uploaded_at", "pk"))
    for report, (_upload, when) in zip(saved, reports, strict=True):
        if when is not None:
            MeetingReport.objects.filter(pk=report.pk).update(uploaded_at=when)
    return meeting


def _read_engagement(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {
        "kind": _text(raw, line, "engagement_kind", limit=12),
        "adult": _text(raw, line, "adult", limit=200),
        "appointment_kind": _text(raw, line, "appointment_kind", limit=10),
        "explained_event": _text(raw, line, "explained_event", limit=10),
        "checked": _text(raw, line, "checked", limit=15),
    }


def _save_engagement(*, on: date, text: str, **fields: Any) -> Any:
    return services.engagement_record(occurred_on=on, details=text, **fields)


def _read_note(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {"tone": _text(raw, line, "tone", limit=10)}


def _save_note(*, on: date, **fields: Any) -> Any:
    return services.day_note_record(noted_on=on, **fields)


def _read_household_child(raw: dict[str, Any], line: int) -> dict[str, Any]:
    born = _date(raw, line, "date_of_birth")
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
                "seen_on": _date(item, line, "seen_on"),
                "seen_by": _text(item, line, "seen_by", limit=200),
                "written_at": _moment(item, line, "written_at"),
                "author": _person(item, line, "author", "sightings"),
            }
        )
    return {
        "name": _text(raw, line, "name", limit=200),
        "date_of_birth": born,
        "setting_kind": _text(raw, line, "setting_kind", limit=15),
        "setting_name": _text(raw, line, "setting_name", limit=200),
        "seen_by": _text(raw, line, "seen_by", limit=200),
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


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _when(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _dump_contact(c: AgencyContact) -> tuple[str, dict[str, Any]]:
    answers = c.responses.order_by("recorded_at", "received_on", "pk")
    return c.summary, {
        "agency": c.agency,
        "purpose": c.purpose,
        "agency_name": c.agency_name,
        "person_contacted": c.person_contacted,
        "answer_expected_by": _iso(c.answer_expected_by),
        "referral_concern_ref": (
            c.referral.concern.source_ref or f"cairn-{c.referral.concern_id}"
            if c.referral
            else None
        ),
        "referral_decided_at": _when(c.referral.decided_at) if c.referral else None,
        "responses": [
            {
                k: v
                for k, v in {
                    "kind": r.kind,
                    "received_on": _iso(r.received_on),
                    "details": r.details,
                    "answer_expected_by": _iso(r.answer_expected_by),
                    "school_agrees": r.school_agrees,
                    "agreement_reason": r.agreement_reason,
                    "written_at": _when(r.recorded_at),
                    "author": _by(r, r.recorded_by),
                }.items()
                if v not in ("", None)
            }
            for r in answers
        ],
    }


def _dump_plan(p: Plan) -> tuple[str, dict[str, Any]]:
    ending = p.ending_or_none
    return p.note, {
        "plan_kind": p.kind,
        "cp_category": p.cp_category,
        "lead_professional": p.lead_professional,
        "local_authority": p.local_authority,
        "ended_on": _iso(ending.ended_on) if ending else None,
        "end_reason": ending.reason if ending else None,
        "end_note": ending.note if ending else None,
        "ended_written_at": _when(ending.recorded_at) if ending else None,
        "ended_by": _by(ending, ending.recorded_by) if ending else None,
    }


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
                "uploaded_at": _when(r.uploaded_at),
            }
            for r in m.reports.order_by("uploaded_at", "pk")
        ],
    }


def _dump_engagement(e: EngagementEvent) -> tuple[str, dict[str, Any]]:
    return e.details, {
        "engagement_kind": e.kind,
        "adult": e.adult,
        "appointment_kind": e.appointment_kind,
        "explained_event": e.explained_event,
        "checked": e.checked,
    }


def _dump_note(n: DayNote) -> tuple[str, dict[str, Any]]:
    return n.text, {"tone": n.tone}


def _last_seen(h: HouseholdChild) -> Any:
    return h.sightings.order_by("-seen_on", "-recorded_at").first()


def _dump_household_child(h: HouseholdChild) -> tuple[str, dict[str, Any]]:
    seen = h.sightings.order_by("recorded_at", "pk")
    return h.note, {
        "name": h.name,
        "date_of_birth": _iso(h.date_of_birth),
        "setting_kind": h.setting_kind,
        "setting_name": h.setting_name,
        "sightings": [
            {
                "seen_on": _iso(x.seen_on),
                "seen_by": x.seen_by,
                "written_at": _when(x.recorded_at),
                "author": _by(x, x.recorded_by),
            }
            for x in seen
        ],
    }


def _read_leaving(raw: dict[str, Any], line: int) -> dict[str, Any]:
    return {
        "reason": _text(raw, line, "leaving_reason", limit=15),
        "destination": _text(raw, line, "destination", limit=200),
    }


def _save_leaving(*, on: date, text: str, **fields: Any) -> Any:
    return services.leaving_record(left_on=on, note=text, **fields)


def _dump_leaving(left: Leaving) -> tuple[str, dict[str, Any]]:
    return left.note, {"leaving_reason": left.reason, "destination": left.destination}


def _read_absence(raw: dict[str, Any], line: int) -> dict[str, Any]:
    back = _date(raw, line, "expected_back_on")
    if back is None:
        raise BadLine(LineError(line, "expected_back_on", "is required"))
    return {
        "expected_back_on": back,
        "returned_on": _date(raw, line, "returned_on"),
        "returned_written_at": _moment(raw, line, "returned_written_at"),
        "returned_by": _person(raw, line, "returned_by"),
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
        "expected_back_on": _iso(a.expected_back_on),
        "returned_on": _iso(back.returned_on) if back else None,
        "returned_written_at": _when(back.recorded_at) if back else None,
        "returned_by": _by(back, back.recorded_by) if back else None,
    }


AGENCY_CONTACT = _Kind(
    "agency_contact",
    AgencyContact,
    _read_contact,
    _save_contact,
    day=lambda c: c.contacted_on,
    dump=_dump_contact,
    columns=(
        "agency",
        "purpose",
        "agency_name",
        "answer_expected_by",
        "response_kind",
        "response_on",
        "response_details",
        "response_written_at",
        "school_agrees",
        "agreement_reason",
        "person_contacted",
        "responses",
        "referral_concern_ref",
        "referral_decided_at",
    ),
)
PLAN = _Kind(
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
MEETING = _Kind(
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
ENGAGEMENT = _Kind(
    "engagement",
    EngagementEvent,
    _read_engagement,
    _save_engagement,
    day=lambda e: e.occurred_on,
    dump=_dump_engagement,
    columns=("engagement_kind", "adult", "appointment_kind", "explained_event", "checked"),
)
DAY_NOTE = _Kind(
    "day_note",
    DayNote,
    _read_note,
    _save_note,
    day=lambda n: n.noted_on,
    dump=_dump_note,
    columns=("tone",),
)
HOUSEHOLD_CHILD = _Kind(
    "household_child",
    HouseholdChild,
    _read_household_child,
    _save_household_child,
    day=lambda h: s.seen_on if (s := _last_seen(h)) else h.recorded_at.date(),
    dump=_dump_household_child,
    columns=("name", "date_of_birth", "setting_kind", "setting_name", "seen_by", "sightings"),
)
AGREED_ABSENCE = _Kind(
    "agreed_absence",
    AgreedAbsence,
    _read_absence,
    _save_absence,
    day=lambda a: a.starts_on,
    dump=_dump_absence,
    columns=("expected_back_on", "returned_on", "returned_written_at", "returned_by"),
)
LEAVING = _Kind(
    "leaving",
    Leaving,
    _read_leaving,
    _save_leaving,
    day=lambda left: left.left_on,
    dump=_dump_leaving,
    columns=("leaving_reason", "destination"),
)


def _escalation_cause(raw: dict[str, Any], line: int) -> tuple[str, str]:
    """What an imported escalation was opened from: the answer to a contact (`response_ref`) or
    a pattern finding (`finding_ref`, its id), at least one."""
    response_ref = _text(raw, line, "response_ref", limit=200)
    finding_ref = _text(raw, line, "finding_ref", limit=36)
    if not response_ref and not finding_ref:
        raise BadLine(
            LineError(
                line, "response_ref", "is required (or finding_ref, for one opened from a finding)"
            )
        )
    if finding_ref:
        try:
            finding_ref = str(UUID(finding_ref))
        except ValueError as exc:
            raise BadLine(LineError(line, "finding_ref", "must be a finding's id")) from exc
    return response_ref, finding_ref


class _EscalationKind:
    """An escalation with its stages as the old system held them (names, whom, dates, what was
    said, outcomes), opened from the answer to a contact given by its `source_ref`. Stages are
    kept as they were, not re-derived from this school's procedure."""

    kind = "escalation"
    columns = ("response_ref", "finding_ref", "stages")

    def check(
        self, line: int, raw: dict[str, Any], *, pupil: Pupil, school_id: UUID
    ) -> dict[str, Any] | None:
        ref = _text(raw, line, "source_ref", limit=200)
        if not ref:
            raise BadLine(LineError(line, "source_ref", "is required for this kind"))
        if Escalation.objects.filter(school_id=school_id, source_ref=ref).exists():
            return None
        response_ref, finding_ref = _escalation_cause(raw, line)
        stages = raw.get("stages")
        if isinstance(stages, str):  # CSV: the stages as a JSON list in one cell
            try:
                stages = json.loads(stages)
            except ValueError as exc:
                raise BadLine(LineError(line, "stages", "must be a JSON list")) from exc
        if not isinstance(stages, list) or not stages or len(stages) > 8:
            raise BadLine(LineError(line, "stages", "must list from 1 to 8 stages"))
        read = []
        for number, stage in enumerate(stages, start=1):
            where = f"stages[{number}]"
            if not isinstance(stage, dict):
                raise BadLine(LineError(line, where, "must be an object"))
            started, due = _date(stage, line, "started_on"), _date(stage, line, "due_on")
            if started is None or due is None or due < started:
                raise BadLine(LineError(line, where, "needs started_on and a due_on not before it"))
            outcome = _text(stage, line, "outcome", limit=10)
            decided = _date(stage, line, "decided_on")
            if outcome and outcome not in StageOutcomeKind.values:
                raise BadLine(LineError(line, f"{where}.outcome", "is not an outcome"))
            if outcome and (decided is None or decided < started):
                raise BadLine(
                    LineError(line, f"{where}.decided_on", "is required, not before the stage")
                )
            if (outcome == StageOutcomeKind.NEXT) != (number < len(stages)):
                raise BadLine(
                    LineError(
                        line, f"{where}.outcome", "only a stage followed by another is 'next'"
                    )
                )
            read.append(
                {
                    "name": _text(stage, line, "name", limit=120) or f"Stage {number}",
                    "contact": _text(stage, line, "contact", limit=200),
                    "started_on": started,
                    "due_on": due,
                    "what_was_said": _text(stage, line, "what_was_said"),
                    "outcome": outcome,
                    "decided_on": decided,
                    "outcome_said": _text(stage, line, "outcome_said"),
                    "written_at": _moment(stage, line, "written_at", where=where),
                    "decided_written_at": _moment(stage, line, "decided_written_at", where=where),
                    "author": _person(stage, line, "author", where),
                    "decided_by": _person(stage, line, "decided_by", where),
                }
            )
        return {
            "source_ref": ref,
            "response_ref": response_ref,
            "finding_ref": finding_ref,
            "stages": read,
        }

    def write(
        self, record: Any, *, actor: Membership, source_system: str, authors: Any = None
    ) -> None:
        fields = record.fields
        assert actor.school_id is not None
        answer = None
        if fields["response_ref"]:
            answer = (
                AgencyResponse.objects.filter(
                    contact__school_id=actor.school_id,
                    contact__pupil=record.pupil,
                    contact__source_ref=fields["response_ref"],
                )
                .order_by("-received_on", "-recorded_at")
                .first()
            )
            if answer is None:
                raise ValidationError(
                    {"response_ref": "no answer to a contact with that source_ref"}
                )
        saved = services.escalation_import(
            actor=actor,
            pupil=record.pupil,
            response=answer,
            finding_id=UUID(fields["finding_ref"]) if fields["finding_ref"] else None,
            reason=record.text,
            opened_on=record.occurred_at.date(),
            stages=[
                services.PastStage(
                    **{k: v for k, v in stage.items() if k not in ("author", "decided_by")}
                )
                for stage in fields["stages"]
            ],
            imported=Imported(source_ref=fields["source_ref"], written_at=record.written_at),
        )
        if authors is not None:
            authors.keep(saved, record.author_name, record.author_role)
            default = (record.author_name, record.author_role)
            stages = saved.stages.order_by("position")
            for stage, read in zip(stages, fields["stages"], strict=True):
                authors.keep(stage, *(read["author"] or default))
                outcome = getattr(stage, "outcome", None)
                if outcome is not None:
                    authors.keep(outcome, *(read["decided_by"] or read["author"] or default))

    targets = ("casework.escalation", *SUB_TARGETS)

    def export(self, school_id: UUID, *, names: Any = None) -> Iterator[dict[str, Any]]:
        rows = (
            Escalation.objects.filter(school_id=school_id)
            .select_related("pupil", "opened_by__user", "response__contact")
            .prefetch_related("stages__outcome")
            .order_by("opened_at", "pk")
        )
        for e in rows:
            contact = e.response.contact if e.response is not None else None
            start = timezone.make_aware(datetime.combine(e.opened_on, time(0, 0)))
            stages = []
            for s in e.stages.order_by("position"):
                outcome = getattr(s, "outcome", None)
                stages.append(
                    {
                        "name": s.name,
                        "contact": s.contact,
                        "started_on": _iso(s.started_on),
                        "due_on": _iso(s.due_on),
                        "what_was_said": s.what_was_said,
                        "outcome": outcome.kind if outcome else "",
                        "decided_on": _iso(outcome.decided_on) if outcome else None,
                        "outcome_said": outcome.what_was_said if outcome else "",
                        "written_at": _when(s.recorded_at),
                        "decided_written_at": _when(outcome.recorded_at) if outcome else None,
                        "author": _author(s, s.recorded_by, names),
                        "decided_by": _author(outcome, outcome.recorded_by, names)
                        if outcome
                        else None,
                    }
                )
            yield {
                "kind": self.kind,
                "upn": e.pupil.upn,
                "occurred_at": start.isoformat(),
                "written_at": timezone.localtime(max(e.opened_at, start)).isoformat(),
                "author": _author(e, e.opened_by, names),
                "text": e.reason,
                "source_ref": e.source_ref or f"cairn-{e.pk}",
                "response_ref": (contact.source_ref or f"cairn-{contact.pk}") if contact else "",
                # A finding is not carried (the detectors raise it again); its id is kept, so the
                # escalation still says it was opened from one.
                "finding_ref": str(e.finding_id) if e.finding_id else "",
                "stages": stages,
            }


ESCALATION = _EscalationKind()
