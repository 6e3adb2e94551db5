"""The receiving school's receipt, confirmed on the sending school's ledger."""

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit import services as audit
from audit.models import AuditAction
from schools.models import Membership
from transfer import crypto
from transfer.models import (
    Status,
    Transfer,
)
from transfer.services._common import status_check, team_school

RECEIPT_FORMAT = "cairn-cp-file-receipt"


_MAX_RECEIPT_BYTES = 64 * 1024


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
    team_school(actor)
    status_check(transfer, Status.PREPARED, Status.SENT)
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
    receipt_write(
        transfer,
        at=received_at,
        by=str(document.get("received_by", ""))[:300],
        receipt={**document, "signature": signature},
        actor=actor,
        request=request,
    )
    return transfer


def receipt_write(
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
