"""Receiving a child protection file: open and check it, match the child, write every record and
file; or take it straight from another school of the same trust."""

import hashlib
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from pupils.access import children_within_reach
from pupils.models import Pupil
from schools.models import Membership, School
from transfer import bundle as bundles
from transfer import crypto, storage
from transfer.models import (
    MatchedBy,
    ReceivedTransfer,
    Status,
    Transfer,
    TransferredAttachment,
    TransferredRecord,
)
from transfer.services._common import team_school, who
from transfer.services.receipts import RECEIPT_FORMAT, receipt_write
from transfer.services.sending import bundle_bytes

_SERVED_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)


def _match(*, actor: Membership, upn: str, pupil_id: UUID | None) -> tuple[Pupil, str]:
    reach = children_within_reach(viewer=actor)
    if pupil_id is not None:
        pupil = reach.filter(pk=pupil_id).first()
        if pupil is None:
            raise ValidationError({"pupil": "Choose a child on your school's roll."})
        return pupil, MatchedBy.HAND
    pupil = reach.filter(upn=upn).first() if upn else None
    if pupil is None:
        raise ValidationError(
            {
                "pupil": "No child on your school's roll has the UPN in this file. Check the child "
                "is on your roll, or choose the child by hand."
            }
        )
    return pupil, MatchedBy.UPN


def _refused(actor: Membership, request: HttpRequest | None, reason: str) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.TRANSFER_IMPORT_REFUSED,
        request=request,
        details={"reason": reason},
    )


def bundle_import(
    *,
    actor: Membership,
    sealed: bytes,
    passphrase: str,
    pupil_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> ReceivedTransfer:
    """Open a sealed file sent to the actor's school and add the child's file to their record.
    Refused, with nothing written: not a transfer file, sealed to another school, a wrong
    passphrase, changed or incomplete, failing a hash, a child not matched, already imported."""
    school = team_school(actor)
    try:
        header = crypto.read_header(sealed)
        meant = header.get("to_school") or {}
        if not isinstance(meant, dict) or meant.get("urn") != school.urn:
            raise ValidationError(
                {
                    "bundle": f"This file was sealed for {meant.get('name', 'another school')} "
                    f"(URN {meant.get('urn', 'not given')}), not for {school.name}."
                }
            )
        opened = crypto.open_sealed(sealed, passphrase=passphrase)
        unpacked = bundles.unpack(opened.contents)
    except (crypto.SealError, bundles.BundleError) as error:
        _refused(actor, request, str(error))
        raise ValidationError({"bundle": str(error)}) from error
    except ValidationError as error:
        _refused(actor, request, "; ".join(error.messages))
        raise
    return _receive(
        actor=actor,
        school=school,
        unpacked=unpacked,
        bundle_sha256=hashlib.sha256(sealed).hexdigest(),
        receipt_key=opened.receipt_key,
        pupil_id=pupil_id,
        request=request,
    )


def _receive(
    *,
    actor: Membership,
    school: School,
    unpacked: bundles.Unpacked,
    bundle_sha256: str,
    receipt_key: bytes | None,
    pupil_id: UUID | None,
    request: HttpRequest | None,
) -> ReceivedTransfer:
    document = unpacked.document
    if document["to_school"].get("urn") != school.urn:
        reason = f"This file was made for {document['to_school']['name']}, not {school.name}."
        _refused(actor, request, reason)
        raise ValidationError({"bundle": reason})
    try:
        pupil, matched_by = _match(actor=actor, upn=document["child"]["upn"], pupil_id=pupil_id)
    except ValidationError as error:
        _refused(actor, request, "; ".join(error.messages))
        raise
    if ReceivedTransfer.objects.filter(
        school=school, sender_transfer_id=document["transfer_id"]
    ).exists():
        reason = "This file has been imported already."
        _refused(actor, request, reason)
        raise ValidationError({"bundle": reason})
    written: list[str] = []
    try:
        with transaction.atomic():
            received = _write(
                actor=actor,
                school=school,
                pupil=pupil,
                matched_by=matched_by,
                unpacked=unpacked,
                bundle_sha256=bundle_sha256,
                receipt_key=receipt_key,
                written=written,
                request=request,
            )
    except BaseException:
        storage.discard(storage.RECEIVED, written)
        raise
    return received


def _write(
    *,
    actor: Membership,
    school: School,
    pupil: Pupil,
    matched_by: str,
    unpacked: bundles.Unpacked,
    bundle_sha256: str,
    receipt_key: bytes | None,
    written: list[str],
    request: HttpRequest | None,
) -> ReceivedTransfer:
    document = unpacked.document
    sender = document["from_school"]
    now = timezone.now()
    received = ReceivedTransfer.objects.create(
        school=school,
        pupil=pupil,
        from_school_name=str(sender["name"])[:200],
        from_school_urn=str(sender.get("urn", ""))[:6],
        sender_transfer_id=document["transfer_id"][:64],
        bundle_sha256=bundle_sha256,
        upn_in_file=str(document["child"]["upn"])[:13],
        matched_by=matched_by,
        imported_by=actor,
        imported_at=now,
    )
    records: dict[str, TransferredRecord] = {}
    rows = []
    for item in document["records"]:
        rows.append(
            TransferredRecord(
                received=received,
                school=school,
                pupil=pupil,
                original_id=item["id"][:200],
                kind=item["kind"][:40],
                kind_label=item["kind_label"][:100],
                occurred_at=datetime.fromisoformat(item["occurred_at"]),
                recorded_at=(
                    datetime.fromisoformat(item["recorded_at"]) if item.get("recorded_at") else None
                ),
                title=item["title"],
                summary=str(item.get("summary", "")),
                author=str(item.get("author", ""))[:300],
                categories=[str(c) for c in item.get("categories", [])],
                significant=bool(item.get("significant", False)),
            )
        )
    for record in TransferredRecord.objects.bulk_create(rows, batch_size=500):
        records.setdefault(record.original_id, record)
    attachments = []
    pdf_name = storage.store(storage.RECEIVED, unpacked.pdf)
    written.append(pdf_name)
    attachments.append(
        TransferredAttachment(
            received=received,
            original_name=f"Child protection file from {received.from_school_name}.pdf",
            content_type="application/pdf",
            size=len(unpacked.pdf),
            sha256=hashlib.sha256(unpacked.pdf).hexdigest(),
            stored_name=pdf_name,
        )
    )
    for row in document["attachments"]:
        data = unpacked.attachments[row["path"]]
        name = storage.store(storage.RECEIVED, data)
        written.append(name)
        attachments.append(
            TransferredAttachment(
                received=received,
                record=records.get(str(row.get("record_id", ""))),
                original_name=str(row["original_name"])[:255],
                content_type=(
                    row["content_type"]
                    if row["content_type"] in _SERVED_TYPES
                    else "application/octet-stream"
                ),
                size=len(data),
                sha256=row["sha256"],
                stored_name=name,
            )
        )
    TransferredAttachment.objects.bulk_create(attachments, batch_size=200)
    receipt: dict[str, Any] = {
        "format": RECEIPT_FORMAT,
        "version": 1,
        "transfer_id": document["transfer_id"],
        "bundle_sha256": bundle_sha256,
        "from_school": sender,
        "to_school": {"urn": school.urn, "name": school.name},
        "records": len(rows),
        "attachments": len(document["attachments"]),
        "received_by": f"{who(actor)}, {school.name}",
        "received_at": now.isoformat(),
    }
    if receipt_key is not None:
        receipt["signature"] = crypto.sign(receipt, receipt_key)
    received.records, received.attachments = len(rows), len(document["attachments"])
    received.receipt = receipt
    received.save(update_fields=["records", "attachments", "receipt"])
    audit.record(
        actor=actor,
        action=AuditAction.TRANSFER_IMPORTED,
        target=received,
        pupil_id=pupil.pk,
        request=request,
        details={
            "from_school": received.from_school_name,
            "records": received.records,
            "attachments": received.attachments,
            "matched_by": matched_by,
        },
    )
    # The file's concerns and decisions are facts for the detectors (transfer.facts): the
    # child's findings are refreshed with the history, in the same transaction as the import.
    announce_records_changed(pupil_ids=[pupil.pk])
    return received


def direct_import(
    *,
    actor: Membership,
    transfer: Transfer,
    pupil_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> ReceivedTransfer:
    """Take in a file sent directly by a school of the same trust; receipt is confirmed on the
    sender's ledger at once, by the receiving DSL."""
    school = team_school(actor)
    if transfer.to_school_id != school.pk or transfer.status != Status.SENT:
        raise ValidationError({"bundle": "This file is not waiting for your school."})
    try:
        unpacked = bundles.unpack(bundle_bytes(transfer))
    except (bundles.BundleError, OSError) as error:
        reason = str(error) if isinstance(error, bundles.BundleError) else "The file is missing."
        _refused(actor, request, reason)
        raise ValidationError({"bundle": reason}) from error
    with transaction.atomic():
        received = _receive(
            actor=actor,
            school=school,
            unpacked=unpacked,
            bundle_sha256=transfer.bundle_sha256,
            receipt_key=None,
            pupil_id=pupil_id,
            request=request,
        )
        receipt_write(
            transfer,
            at=received.imported_at,
            by=f"{who(actor)}, {school.name}",
            receipt=received.receipt,
            actor=actor,
            request=request,
        )
    return received
