"""Writes: the transfer ledger (start, prepare, send, receipt confirmed), importing a received
file, and the school's term dates. Each takes the acting membership and audits in the same
transaction. Refusals are ValidationErrors with a plain reason; nothing is written with them."""

import hashlib
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from pupils.access import children_within_reach
from pupils.models import Pupil
from schools.models import Membership, School
from transfer import bundle as bundles
from transfer import crypto, storage
from transfer.clock import Term, due_on
from transfer.models import (
    MatchedBy,
    Method,
    ReceivedTransfer,
    Status,
    TermDates,
    Transfer,
    TransferredAttachment,
    TransferredRecord,
)

RECEIPT_FORMAT = "cairn-cp-file-receipt"
# Types a received file is served as; anything else is served as plain bytes to download.
_SERVED_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
_MAX_RECEIPT_BYTES = 64 * 1024


def _team_school(actor: Membership) -> School:
    if not actor.is_dsl_team or actor.school is None:
        raise ValidationError("Only the safeguarding team at a school transfers files.")
    return actor.school


def _who(actor: Membership) -> str:
    return f"{actor.user.full_name} ({actor.get_role_display()})"


def terms_for(school_id: UUID) -> list[Term]:
    return [
        Term(starts_on=t.starts_on, ends_on=t.ends_on)
        for t in TermDates.objects.filter(school_id=school_id)
    ]


# --- Term dates ----------------------------------------------------------------------------------


@transaction.atomic
def term_dates_add(
    *,
    actor: Membership,
    name: str,
    starts_on: date,
    ends_on: date,
    request: HttpRequest | None = None,
) -> TermDates:
    school = _team_school(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the term's name, for example Autumn term 2026."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The term cannot end before it starts."})
    overlapping = TermDates.objects.filter(
        school=school, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlapping is not None:
        raise ValidationError({"starts_on": f"These dates overlap {overlapping}."})
    term = TermDates.objects.create(
        school=school,
        name=name[:100],
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TERM_DATES_CHANGED,
        target=term,
        request=request,
        details={"name": term.name, "starts_on": str(starts_on), "ends_on": str(ends_on)},
    )
    return term


# --- Sending -------------------------------------------------------------------------------------


def _trust_school(actor: Membership, school: School | None) -> School | None:
    if school is None:
        return None
    own = actor.school
    if own is None or own.trust_id is None or school.trust_id != own.trust_id or school == own:
        raise ValidationError({"to_school": "Choose another school of your trust."})
    return school


@transaction.atomic
def transfer_start(
    *,
    actor: Membership,
    pupil: Pupil,
    left_on: date,
    to_school_name: str = "",
    to_school_urn: str = "",
    to_school: School | None = None,
    leaving_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> Transfer:
    """Start the transfer of the child's file; the five-school-day clock runs from `left_on`."""
    school = _team_school(actor)
    to_school = _trust_school(actor, to_school)
    if to_school is not None:
        to_school_name, to_school_urn = to_school.name, to_school.urn
    to_school_name = to_school_name.strip()[:200] or "School not known yet"
    to_school_urn = to_school_urn.strip()
    if to_school_urn and not (to_school_urn.isdigit() and len(to_school_urn) == 6):
        raise ValidationError({"to_school_urn": "A URN is 6 digits, for example 100000."})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": "The date the child left cannot be in the future."})
    transfer = Transfer.objects.create(
        school=school,
        pupil=pupil,
        leaving_id=leaving_id,
        to_school_name=to_school_name,
        to_school_urn=to_school_urn,
        to_school=to_school,
        left_on=left_on,
        due_on=due_on(left_on, terms_for(school.pk)),
        started_by=actor,
        started_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRANSFER_STARTED,
        target=transfer,
        pupil_id=pupil.pk,
        request=request,
        details={
            "to_school": to_school_name,
            "due_on": str(transfer.due_on),
            "from_leaving": leaving_id is not None,
        },
    )
    return transfer


def _step(transfer: Transfer, *allowed: str) -> None:
    if transfer.status not in allowed:
        raise ValidationError(
            f"This transfer is already {transfer.get_status_display().lower()}; "
            "that step cannot be taken now."
        )


def transfer_prepare(
    *,
    actor: Membership,
    transfer: Transfer,
    to_school_name: str = "",
    to_school_urn: str = "",
    request: HttpRequest | None = None,
) -> tuple[Transfer, str]:
    """Make the bundle and seal it to the receiving school; return the one-time passphrase
    (shown once, never stored). A direct transfer within the trust is sent at once. The bundle
    reads the child's whole file: audited as a read of the child's record."""
    school = _team_school(actor)
    _step(transfer, Status.STARTED)
    if not transfer.direct:
        to_school_name = (to_school_name or transfer.to_school_name).strip()[:200]
        to_school_urn = (to_school_urn or transfer.to_school_urn).strip()
        if not (to_school_urn.isdigit() and len(to_school_urn) == 6):
            raise ValidationError(
                {
                    "to_school_urn": "Enter the receiving school's URN (6 digits): the file is "
                    "sealed to that school."
                }
            )
        if not to_school_name or to_school_name == "School not known yet":
            raise ValidationError({"to_school_name": "Enter the receiving school's name."})
        transfer.to_school_name, transfer.to_school_urn = to_school_name, to_school_urn
    built = bundles.build(
        viewer=actor,
        pupil=transfer.pupil,
        transfer_id=str(transfer.pk),
        sender=bundles.Party(urn=school.urn, name=school.name),
        receiver=bundles.Party(urn=transfer.to_school_urn, name=transfer.to_school_name),
        left_on=transfer.left_on.isoformat(),
    )
    passphrase = ""
    if transfer.direct:
        kept = built.contents
        transfer.receipt_key = ""
    else:
        passphrase = crypto.new_passphrase()
        kept, receipt_key = crypto.seal(
            built.contents,
            passphrase=passphrase,
            header={
                "to_school": {"urn": transfer.to_school_urn, "name": transfer.to_school_name},
                "from_school": {"urn": school.urn, "name": school.name},
            },
        )
        transfer.receipt_key = receipt_key.hex()
    stored = storage.store(storage.SEALED, kept)
    try:
        with transaction.atomic():
            now = timezone.now()
            transfer.status = Status.PREPARED
            transfer.prepared_by, transfer.prepared_at = actor, now
            transfer.bundle_stored_as = stored
            transfer.bundle_sha256 = hashlib.sha256(kept).hexdigest()
            transfer.bundle_size = len(kept)
            transfer.records, transfer.attachments = built.records, built.attachments
            if transfer.direct:
                transfer.status = Status.SENT
                transfer.sent_by, transfer.sent_at, transfer.method = actor, now, Method.DIRECT
            transfer.save()
            audit.record(
                actor=actor,
                action=AuditAction.TRANSFER_PREPARED,
                target=transfer,
                pupil_id=transfer.pupil_id,
                request=request,
                details={
                    "records": built.records,
                    "attachments": built.attachments,
                    "sha256": transfer.bundle_sha256,
                    "to_school": transfer.to_school_name,
                    "direct": transfer.direct,
                },
            )
            if transfer.direct:
                audit.record(
                    actor=actor,
                    action=AuditAction.TRANSFER_SENT,
                    target=transfer,
                    pupil_id=transfer.pupil_id,
                    request=request,
                    details={"method": Method.DIRECT, "to_school": transfer.to_school_name},
                )
    except BaseException:
        storage.discard(storage.SEALED, [stored])
        raise
    return transfer, passphrase


def bundle_bytes(transfer: Transfer) -> bytes:
    return storage.path_of(storage.SEALED, transfer.bundle_stored_as).read_bytes()


@transaction.atomic
def transfer_sent(
    *,
    actor: Membership,
    transfer: Transfer,
    method: str,
    request: HttpRequest | None = None,
) -> Transfer:
    _team_school(actor)
    _step(transfer, Status.PREPARED)
    if method not in {Method.SECURE_LINK, Method.ENCRYPTED_EMAIL, Method.PORTAL}:
        raise ValidationError({"method": "Choose how the file was sent."})
    transfer.status = Status.SENT
    transfer.sent_by, transfer.sent_at, transfer.method = actor, timezone.now(), method
    transfer.save(update_fields=["status", "sent_by", "sent_at", "method"])
    audit.record(
        actor=actor,
        action=AuditAction.TRANSFER_SENT,
        target=transfer,
        pupil_id=transfer.pupil_id,
        request=request,
        details={"method": method, "to_school": transfer.to_school_name},
    )
    return transfer


def _receipt_fields(raw: bytes) -> tuple[dict[str, Any], str]:
    if len(raw) > _MAX_RECEIPT_BYTES:
        raise ValidationError({"receipt": "That file is too large to be a receipt."})
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise ValidationError({"receipt": "That file is not a Cairn transfer receipt."}) from error
    if not isinstance(document, dict) or document.get("format") != RECEIPT_FORMAT:
        raise ValidationError({"receipt": "That file is not a Cairn transfer receipt."})
    signature = document.pop("signature", "")
    if not isinstance(signature, str):
        raise ValidationError({"receipt": "The receipt has no signature."})
    return document, signature


@transaction.atomic
def receipt_confirm(
    *,
    actor: Membership,
    transfer: Transfer,
    receipt: bytes,
    request: HttpRequest | None = None,
) -> Transfer:
    """Check the receipt the receiving school sent back (signed with a key only the passphrase
    gives) and record who confirmed receipt and when."""
    _team_school(actor)
    _step(transfer, Status.PREPARED, Status.SENT)
    document, signature = _receipt_fields(receipt)
    if document.get("transfer_id") != str(transfer.pk):
        raise ValidationError({"receipt": "This receipt is for another transfer."})
    if document.get("bundle_sha256") != transfer.bundle_sha256:
        raise ValidationError({"receipt": "This receipt is for a different copy of the file."})
    if not transfer.receipt_key or not crypto.verify(
        document, signature, bytes.fromhex(transfer.receipt_key)
    ):
        raise ValidationError(
            {
                "receipt": "The receipt's signature does not check: it was not made by whoever "
                "opened this file, or it has been changed."
            }
        )
    try:
        received_at = datetime.fromisoformat(str(document.get("received_at")))
    except ValueError as error:
        raise ValidationError({"receipt": "The receipt's date cannot be read."}) from error
    _confirm(
        transfer,
        at=received_at,
        by=str(document.get("received_by", ""))[:300],
        receipt={**document, "signature": signature},
        actor=actor,
        request=request,
    )
    return transfer


def _confirm(
    transfer: Transfer,
    *,
    at: datetime,
    by: str,
    receipt: dict[str, Any],
    actor: Membership,
    request: HttpRequest | None,
) -> None:
    if transfer.status == Status.PREPARED:
        transfer.sent_by, transfer.sent_at = actor, at
    transfer.status = Status.CONFIRMED
    transfer.confirmed_at, transfer.confirmed_by, transfer.receipt = at, by, receipt
    transfer.save()
    audit.record(
        actor=actor,
        action=AuditAction.TRANSFER_RECEIPT_CONFIRMED,
        target=transfer,
        pupil_id=transfer.pupil_id,
        request=request,
        details={"confirmed_by": by, "confirmed_at": at.isoformat()},
    )


# --- Receiving -----------------------------------------------------------------------------------


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
    school = _team_school(actor)
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
        "received_by": f"{_who(actor)}, {school.name}",
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
    school = _team_school(actor)
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
        _confirm(
            transfer,
            at=received.imported_at,
            by=f"{_who(actor)}, {school.name}",
            receipt=received.receipt,
            actor=actor,
            request=request,
        )
    return received
