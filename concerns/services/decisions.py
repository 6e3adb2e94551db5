"""The DSL's decisions on a concern, referral outcomes, and the actions that follow."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditAction
from background.signals import announce_records_changed
from concerns.access import may_be_assigned
from concerns.models import (
    Action,
    ActionCompletion,
    AllegationRecord,
    Concern,
    Decision,
    Outcome,
    ReferralOutcome,
)
from concerns.services.concerns import audit_per_child, concern_pupil_ids
from schools.models import Membership

# -- Decisions, referrals and actions ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecisionInput:
    outcome: Outcome
    rationale: str
    review_date: date | None = None
    agency: str = ""
    referral_reference: str = ""
    referral_date: date | None = None
    outcome_expected_by: date | None = None
    adult_name: str = ""
    adult_role: str = ""


def _decision_check(data: DecisionInput) -> None:
    if not data.rationale.strip():
        raise ValidationError("Give the reasons for the decision.")
    if data.outcome == Outcome.MONITOR and data.review_date is None:
        raise ValidationError("Give a review date for monitoring.")
    if data.outcome == Outcome.SOCIAL_CARE and data.referral_date is None:
        raise ValidationError("Give the date of the referral to children's social care.")
    if data.outcome == Outcome.LADO and not (data.adult_name.strip() and data.adult_role.strip()):
        raise ValidationError("Name the adult and their role for the allegations register.")
    if data.outcome == Outcome.OTHER_AGENCY and not data.agency.strip():
        raise ValidationError("Name the agency.")


@transaction.atomic
def decision_record(
    *,
    actor: Membership,
    concern: Concern,
    data: DecisionInput,
    supersedes: Decision | None = None,
    change_reason: str = "",
    request: HttpRequest | None = None,
) -> Decision:
    """The DSL's decision on a concern with its rationale; a change supersedes, with a reason."""
    _decision_check(data)
    if supersedes is not None:
        if supersedes.concern_id != concern.pk:
            raise ValidationError("That decision belongs to another concern.")
        if Decision.objects.filter(supersedes=supersedes).exists():
            raise ValidationError("That decision has already been changed.")
        if not change_reason.strip():
            raise ValidationError("Say why the decision is being changed.")
    now = timezone.now()
    decision = Decision.objects.create(
        concern=concern,
        outcome=data.outcome,
        rationale=data.rationale.strip(),
        review_date=data.review_date,
        agency=data.agency.strip(),
        referral_reference=data.referral_reference.strip(),
        referral_date=data.referral_date,
        outcome_expected_by=data.outcome_expected_by,
        supersedes=supersedes,
        change_reason=change_reason.strip(),
        decided_by=actor,
        decided_by_name=actor.user.full_name,
        decided_at=now,
        written_at=now,
    )
    if data.outcome == Outcome.LADO:
        AllegationRecord.objects.create(
            school_id=concern.school_id,
            decision=decision,
            adult_name=data.adult_name.strip(),
            adult_role=data.adult_role.strip(),
            lado_reference=data.referral_reference.strip(),
            recorded_by=actor,
            recorded_at=now,
        )
    audit_per_child(
        actor=actor,
        action=AuditAction.DECISION_RECORDED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
        reason=change_reason.strip(),
        details={"outcome": str(data.outcome), "decision": str(decision.pk)},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(concern))
    return decision


@transaction.atomic
def referral_outcome_record(
    *,
    actor: Membership,
    decision: Decision,
    received_on: date,
    outcome: str,
    school_agrees: bool,
    next_steps: str = "",
    request: HttpRequest | None = None,
) -> ReferralOutcome:
    """What the agency decided and whether the school agrees; disagreeing needs next steps."""
    if not decision.is_referral:
        raise ValidationError("Only a referral has an outcome from another agency.")
    if not outcome.strip():
        raise ValidationError("Write the outcome.")
    if not school_agrees and not next_steps.strip():
        raise ValidationError("Say what the school will do next, as it does not agree.")
    result = ReferralOutcome.objects.create(
        decision=decision,
        received_on=received_on,
        outcome=outcome.strip(),
        school_agrees=school_agrees,
        next_steps=next_steps.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_per_child(
        actor=actor,
        action=AuditAction.REFERRAL_OUTCOME_RECORDED,
        concern=decision.concern,
        pupil_ids=concern_pupil_ids(decision.concern),
        request=request,
        details={"agrees": school_agrees},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(decision.concern))
    return result


@transaction.atomic
def action_assign(
    *,
    actor: Membership,
    concern: Concern,
    assignee: Membership,
    description: str,
    due_on: date,
    request: HttpRequest | None = None,
) -> Action:
    if assignee.school_id != concern.school_id or not assignee.is_active:
        raise ValidationError("Actions go to current staff of the concern's school.")
    if not may_be_assigned(membership=assignee, concern=concern):
        raise ValidationError(
            f"{assignee.user.full_name} ({assignee.get_role_display()}) cannot open this "
            "child's records, so cannot be given an action on this concern."
        )
    if not description.strip():
        raise ValidationError("Describe the action.")
    action = Action.objects.create(
        concern=concern,
        description=description.strip(),
        assigned_to=assignee,
        due_on=due_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_per_child(
        actor=actor,
        action=AuditAction.ACTION_ASSIGNED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
        details={"action": str(action.pk), "assignee": str(assignee.pk)},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(concern))
    return action


@transaction.atomic
def action_complete(
    *, actor: Membership, action: Action, note: str, request: HttpRequest | None = None
) -> ActionCompletion:
    if ActionCompletion.objects.filter(action=action).exists():
        raise ValidationError("This action is already done.")
    if not note.strip():
        raise ValidationError("Say what was done.")
    completion = ActionCompletion.objects.create(
        action=action, note=note.strip(), completed_by=actor, completed_at=timezone.now()
    )
    audit_per_child(
        actor=actor,
        action=AuditAction.ACTION_COMPLETED,
        concern=action.concern,
        pupil_ids=concern_pupil_ids(action.concern),
        request=request,
        details={"action": str(action.pk)},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(action.concern))
    return completion
