"""Sending a child protection file: start the transfer, prepare the sealed file, record it sent."""

import hashlib
from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from pupils.models import Pupil
from schools.models import Membership, School
from transfer import bundle as bundles
from transfer import crypto, storage
from transfer.clock import due_on
from transfer.models import (
    Method,
    Status,
    Transfer,
)
from transfer.services._common import status_check, team_school, trust_school
from transfer.services.terms import terms_for


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
    school = team_school(actor)
    to_school = trust_school(actor, to_school)
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
    school = team_school(actor)
    status_check(transfer, Status.STARTED)
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
    team_school(actor)
    status_check(transfer, Status.PREPARED)
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
