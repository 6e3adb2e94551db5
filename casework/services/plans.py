"""Writes: a plan the child is or was on, and its ending. A past plan (from before the child
came, or from the old system) is recorded with its end in one step; it stays visible."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit import services as audit
from audit.models import AuditAction
from casework.models import CpCategory, Plan, PlanEnding, PlanEndReason, PlanKind
from casework.services._common import (
    Imported,
    choice,
    ever_on_roll,
    long_date,
    not_before,
    not_future,
    optional,
    provenance,
    team_school,
)
from pupils.models import Pupil
from schools.models import Membership


@transaction.atomic
def plan_record(
    *,
    actor: Membership,
    pupil: Pupil,
    kind: PlanKind | str,
    started_on: date,
    cp_category: CpCategory | str = "",
    lead_professional: str = "",
    local_authority: str = "",
    note: str = "",
    ended_on: date | None = None,
    end_reason: PlanEndReason | str = "",
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> Plan:
    """Record a plan from `started_on` (and, for a past plan, its end and the reason).

    Refused: a child protection plan without its category, or a category on another plan; a
    start in the future; an end before the start or without a reason; a second open plan of the
    same kind (end the first). The child must be or have been on the school's roll; the plan
    itself may predate that (a plan from a previous school or local authority).
    """
    school_id = team_school(actor)
    ever_on_roll(pupil, school_id)
    kind = choice(PlanKind, kind, "kind", "Choose the kind of plan.")
    if kind == PlanKind.CHILD_PROTECTION:
        cp_category = choice(
            CpCategory, cp_category, "cp_category", "Choose the category of the plan."
        )
    elif cp_category:
        raise ValidationError(
            {"cp_category": "A category is recorded for a child protection plan only."}
        )
    not_future(started_on, "started_on", "The start date")
    if ended_on is None and end_reason:
        raise ValidationError({"ended_on": "Enter the date the plan ended."})
    if ended_on is None:
        open_same = Plan.objects.filter(
            pupil=pupil, school_id=school_id, kind=kind, ending__isnull=True
        ).first()
        if open_same is not None:
            raise ValidationError(
                {
                    "kind": f"A {open_same.get_kind_display().lower()} is already open, from "
                    f"{long_date(open_same.started_on)}. End it first."
                }
            )
    plan = Plan.objects.create(
        school_id=school_id,
        pupil=pupil,
        kind=kind,
        cp_category=cp_category,
        started_on=started_on,
        lead_professional=optional(lead_professional, "lead_professional", limit=200),
        local_authority=optional(local_authority, "local_authority", limit=200),
        note=optional(note, "note"),
        recorded_by=actor,
        **provenance(imported),
    )
    audit.record(
        actor=actor,
        action=AuditAction.PLAN_RECORDED,
        target=plan,
        pupil_id=pupil.pk,
        request=request,
        details={"kind": str(kind), "cp_category": str(cp_category), "from": str(started_on)},
    )
    if ended_on is not None:
        plan_end(
            actor=actor,
            plan=plan,
            ended_on=ended_on,
            reason=end_reason,
            imported=imported,
            request=request,
        )
    return plan


@transaction.atomic
def plan_end(
    *,
    actor: Membership,
    plan: Plan,
    ended_on: date,
    reason: PlanEndReason | str,
    note: str = "",
    imported: Imported | None = None,
    request: HttpRequest | None = None,
) -> PlanEnding:
    """End a plan on a date, for a reason. A plan ends once; it cannot end before it started."""
    school_id = team_school(actor)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.school_id != school_id:
        raise ValidationError("Only the school that recorded a plan records its end.")
    if PlanEnding.objects.filter(plan=locked).exists():
        raise ValidationError("This plan has already ended.")
    reason = choice(PlanEndReason, reason, "end_reason", "Choose why the plan ended.")
    not_future(ended_on, "ended_on", "The end date")
    not_before(
        ended_on,
        locked.started_on,
        "ended_on",
        f"A plan cannot end before it started ({long_date(locked.started_on)}).",
    )
    ending = PlanEnding.objects.create(
        plan=locked,
        ended_on=ended_on,
        reason=reason,
        note=optional(note, "note"),
        recorded_by=actor,
        **provenance(imported, with_ref=False),
    )
    audit.record(
        actor=actor,
        action=AuditAction.PLAN_ENDED,
        target=locked,
        pupil_id=locked.pupil_id,
        request=request,
        details={"ended_on": ended_on.isoformat(), "reason": str(reason)},
    )
    return ending
