"""Writes: recording a factor known about a child, and withdrawing one.

Each takes the acting membership, audits itself in the same transaction and, after the commit,
has the pattern detectors look at the child again (the trio detector reads recorded factors).
Nothing is updated in place or deleted: a withdrawal is a record of its own, with its reason.
"""

from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from factors.codes import validate_code
from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
from pupils.models import Enrolment, Pupil
from schools.models import DSL_TEAM_ROLES, Membership

NOTE_MAX_CHARS = 5_000


def _school_of(actor: Membership) -> UUID:
    """The actor's school, if they are of its safeguarding team; otherwise PermissionDenied."""
    if actor.school_id is None or actor.role not in DSL_TEAM_ROLES:
        raise PermissionDenied("Only a school's safeguarding team records known factors.")
    return actor.school_id


@transaction.atomic
def factor_record(
    *,
    actor: Membership,
    pupil: Pupil,
    code: str,
    source: FactorSource | str,
    known_from: date,
    note: str = "",
    request: HttpRequest | None = None,
) -> KnownFactor:
    """Record that a factor (a CIN assessment factor code, `factors.codes`) is known about the
    child from `known_from`, and where the school learned it.

    Refused: a code that is not recordable (unknown, or 21 "No factors identified"); a date in
    the future; a factor already current for the child at this school (withdraw it first if it
    was wrong); a child never on the actor's school's roll.
    """
    school_id = _school_of(actor)
    if not Enrolment.objects.filter(pupil=pupil, school_id=school_id).exists():
        raise PermissionDenied("The child has never been on this school's roll.")
    try:
        code = validate_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    try:
        source = FactorSource(source)
    except ValueError as error:
        raise ValidationError({"source": "Choose where the school learned of it."}) from error
    if known_from > timezone.localdate():
        raise ValidationError({"known_from": "The date must be today or in the past."})
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": f"The note must be {NOTE_MAX_CHARS:,} characters or fewer."})
    current = (
        KnownFactor.objects.filter(
            pupil=pupil, school_id=school_id, code=code, withdrawal__isnull=True
        )
        .order_by("known_from")
        .first()
    )
    if current is not None:
        raise ValidationError(
            {
                "code": f"{code} is already recorded for this child, known from "
                f"{current.known_from.day} {current.known_from:%B %Y}. Withdraw it first if "
                "it needs correcting."
            }
        )
    factor = KnownFactor.objects.create(
        school_id=school_id,
        pupil=pupil,
        code=code,
        source=source,
        known_from=known_from,
        note=note,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.FACTOR_RECORDED,
        target=factor,
        pupil_id=pupil.pk,
        request=request,
        details={"code": code, "source": str(source), "known_from": known_from.isoformat()},
    )
    announce_records_changed(pupil_ids=[pupil.pk])
    return factor


@transaction.atomic
def factor_withdraw(
    *,
    actor: Membership,
    factor: KnownFactor,
    reason: str,
    request: HttpRequest | None = None,
) -> KnownFactorWithdrawal:
    """Withdraw a factor recorded in error or no longer so, saying why. The factor stays on the
    child's record, marked withdrawn; a factor is withdrawn once, by its own school's team."""
    school_id = _school_of(actor)
    # Lock the factor so that two withdrawals at once cannot both pass the check below.
    locked = KnownFactor.objects.select_for_update().get(pk=factor.pk)
    if locked.school_id != school_id:
        raise PermissionDenied("Only the school that recorded a factor can withdraw it.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the factor is withdrawn."})
    if KnownFactorWithdrawal.objects.filter(factor=locked).exists():
        raise ValidationError("This factor has already been withdrawn.")
    withdrawal = KnownFactorWithdrawal.objects.create(
        factor=locked, reason=reason, withdrawn_by=actor, withdrawn_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action=AuditAction.FACTOR_WITHDRAWN,
        target=locked,
        pupil_id=locked.pupil_id,
        request=request,
        details={"code": locked.code, "reason": reason},
    )
    announce_records_changed(pupil_ids=[locked.pupil_id])
    return withdrawal
