"""Contacts with other agencies and what they answered, in the history import and export."""

import json
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError

from casework import services
from casework.importers.common import (
    Kind,
    by_fields,
    field_agrees,
    field_date,
    field_moment,
    field_person,
    field_text,
    iso,
    when_iso,
)
from casework.models import (
    AgencyContact,
)
from casework.services._common import Imported
from concerns.importers.common import BadLine, LineError
from concerns.models import Decision
from pupils.models import Pupil
from schools.models import Membership


def _read_responses(raw: dict[str, Any], line: int) -> list[dict[str, Any]]:
    """The answers to a contact, oldest first: `responses` (a list), or the one answer in the
    flat `response_*` fields."""
    items = raw.get("responses")
    if items in (None, "", []):
        if not field_text(raw, line, "response_kind", limit=12):
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
        kind = field_text(item, line, f"{prefix}kind", limit=12)
        if not kind:
            raise BadLine(LineError(line, f"{where}kind", "is required"))
        on_name = f"{prefix}on" if prefix else "received_on"
        if field_date(item, line, on_name) is None:
            message = "is required with response_kind" if prefix else "is required"
            raise BadLine(LineError(line, f"{where}{on_name}", message))
        read.append(
            {
                "kind": kind,
                "received_on": field_date(item, line, f"{prefix}on" if prefix else "received_on"),
                "details": field_text(item, line, f"{prefix}details"),
                "answer_expected_by": field_date(item, line, "answer_expected_by")
                if not prefix
                else None,
                "school_agrees": field_agrees(item, line, f"{where}school_agrees"),
                "agreement_reason": field_text(item, line, "agreement_reason"),
                "written_at": field_moment(item, line, f"{prefix}written_at"),
                "author": field_person(item, line, "author", where[:-1]) if not prefix else None,
            }
        )
    return read


def _read_contact(raw: dict[str, Any], line: int) -> dict[str, Any]:
    field_agrees(raw, line, "school_agrees")
    return {
        "agency": field_text(raw, line, "agency", limit=20),
        "purpose": field_text(raw, line, "purpose", limit=10),
        "agency_name": field_text(raw, line, "agency_name", limit=200),
        "person_contacted": field_text(raw, line, "person_contacted", limit=200),
        "answer_expected_by": field_date(raw, line, "answer_expected_by"),
        "responses": _read_responses(raw, line),
        "referral_ref": field_text(raw, line, "referral_concern_ref", limit=200),
        "referral_decided_at": field_moment(raw, line, "referral_decided_at"),
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


def _dump_contact(c: AgencyContact) -> tuple[str, dict[str, Any]]:
    answers = c.responses.order_by("recorded_at", "received_on", "pk")
    return c.summary, {
        "agency": c.agency,
        "purpose": c.purpose,
        "agency_name": c.agency_name,
        "person_contacted": c.person_contacted,
        "answer_expected_by": iso(c.answer_expected_by),
        "referral_concern_ref": (
            c.referral.concern.source_ref or f"cairn-{c.referral.concern_id}"
            if c.referral
            else None
        ),
        "referral_decided_at": when_iso(c.referral.decided_at) if c.referral else None,
        "responses": [
            {
                k: v
                for k, v in {
                    "kind": r.kind,
                    "received_on": iso(r.received_on),
                    "details": r.details,
                    "answer_expected_by": iso(r.answer_expected_by),
                    "school_agrees": r.school_agrees,
                    "agreement_reason": r.agreement_reason,
                    "written_at": when_iso(r.recorded_at),
                    "author": by_fields(r, r.recorded_by),
                }.items()
                if v not in ("", None)
            }
            for r in answers
        ],
    }


AGENCY_CONTACT = Kind(
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
