"""Writes: the child leaving the school's roll, and agreed absences with their expected return.

Leaving while concerns are open is when the child protection file must follow the child: within
5 school days of an in-year move, with confirmation of receipt; for a destination unknown,
children missing education procedures (records-and-access.md §7 [V KCSIE Annex C; P egfl]).
The leaving record keeps how many concerns were open so the page can prompt both.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit import services as audit
from audit.models import AuditAction
from casework.models import AbsenceReturn, AgreedAbsence, Leaving, LeavingReason
from casework.selectors import open_concern_count
from casework.services._common import (
    Imported,
    choice,
    long_date,
    not_before,
    not_future,
    on_roll,
    optional,
    provenance,
    required,
    team_school,
)
from pupils.models import Enrolment, EnrolmentEndReason, Pupil
from pupils.services import enrolment_end
from schools.models import Membership

END_REASON_OF_LEAVING = {
    LeavingReason.MOVED_SCHOOL: EnrolmentEndReason.MOVED_SCHOOL,
    LeavingReason.ELECTIVE_HOME_EDUCATION: EnrolmentEndReason.ELECTIVE_HOME_EDUCATION,
    LeavingReason.MOVED_AWAY: EnrolmentEndReason.MOVED_AWAY,
    LeavingReason.CHILD_MISSING_EDUCATION: EnrolmentEndReason.CHILD_MISSING_EDUCATION,
    LeavingReason.OTHER: EnrolmentEndReason.OTHER,
}


@transaction.atomic
def leaving_record(
    *,
    actor: Membership,
    pupil: Pupil,
    left_on: date,
    reason: LeavingReason | str,
    destination: str = "",
    note: str = "",
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> Leaving:
    """Record that the child left the school's roll on `left_on`, why, and where to; end the
    enrolment through `pupils.services.enrolment_end`.

    Refused: no current enrolment at the school; a date before the child joined or in the future;
    "moved to a named school" without the school's name; "another reason" without saying it.
    """
    school_id = team_school(actor)
    reason = choice(LeavingReason, reason, "reason", "Choose why the child left.")
    enrolment = Enrolment.objects.filter(
        pupil=pupil, school_id=school_id, end_date__isnull=True
    ).first()
    if enrolment is None:
        raise ValidationError({"left_on": f"{pupil.display_name} is not on the school's roll."})
    not_future(left_on, "left_on", "The date the child left")
    not_before(
        left_on,
        enrolment.start_date,
        "left_on",
        f"The child joined on {long_date(enrolment.start_date)}; they cannot leave before that.",
    )
    destination = optional(destination, "destination", limit=200)
    if reason == LeavingReason.MOVED_SCHOOL and not destination:
        raise ValidationError({"destination": "Enter the name of the school the child moved to."})
    note = optional(note, "note")
    if reason == LeavingReason.OTHER and not note:
        raise ValidationError({"note": "Say why the child left."})
    leaving = Leaving.objects.create(
        enrolment=enrolment,
        school_id=school_id,
        pupil=pupil,
        left_on=left_on,
        reason=reason,
        destination=destination,
        note=note,
        open_concerns=open_concern_count(school_id=school_id, pupil=pupil),
        recorded_by=actor,
        **provenance(imported),
    )
    enrolment_end(
        actor=actor,
        enrolment=enrolment,
        end_date=left_on,
        end_reason=END_REASON_OF_LEAVING[reason],
        request=request,
        details={
            "leaving": str(leaving.pk),
            "destination": destination,
            "open_concerns": leaving.open_concerns,
        },
    )
    return leaving


@transaction.atomic
def absence_record(
    *,
    actor: Membership,
    pupil: Pupil,
    starts_on: date,
    expected_back_on: date,
    reason: str,
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> AgreedAbsence:
    """Record an absence the school agreed and the date the child is expected back."""
    school_id = team_school(actor)
    on_roll(pupil, school_id, starts_on, "starts_on")
    not_before(
        expected_back_on,
        starts_on,
        "expected_back_on",
        "The child cannot be expected back before the absence starts.",
    )
    absence = AgreedAbsence.objects.create(
        school_id=school_id,
        pupil=pupil,
        starts_on=starts_on,
        expected_back_on=expected_back_on,
        reason=required(reason, "reason", "Say why the absence was agreed."),
        recorded_by=actor,
        **provenance(imported),
    )
    audit.record(
        actor=actor,
        action=AuditAction.AGREED_ABSENCE_RECORDED,
        target=absence,
        pupil_id=pupil.pk,
        request=request,
        details={"from": starts_on.isoformat(), "expected_back": expected_back_on.isoformat()},
    )
    return absence


@transaction.atomic
def absence_return_record(
    *,
    actor: Membership,
    absence: AgreedAbsence,
    returned_on: date,
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> AbsenceReturn:
    """Record the day the child came back from an agreed absence."""
    school_id = team_school(actor)
    locked = AgreedAbsence.objects.select_for_update().get(pk=absence.pk)
    if locked.school_id != school_id:
        raise ValidationError("Only the school that agreed the absence records the return.")
    if AbsenceReturn.objects.filter(absence=locked).exists():
        raise ValidationError("The child's return is already recorded.")
    not_future(returned_on, "returned_on", "The date the child came back")
    not_before(
        returned_on,
        locked.starts_on,
        "returned_on",
        f"The absence started on {long_date(locked.starts_on)}; the return cannot be before.",
    )
    returned = AbsenceReturn.objects.create(
        absence=locked,
        returned_on=returned_on,
        recorded_by=actor,
        **provenance(imported, with_ref=False),
    )
    audit.record(
        actor=actor,
        action=AuditAction.AGREED_ABSENCE_RECORDED,
        target=locked,
        pupil_id=locked.pupil_id,
        request=request,
        details={"returned_on": returned_on.isoformat()},
    )
    return returned
