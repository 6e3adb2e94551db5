"""Writes: the school's escalation procedure (a school setting), opening an escalation, and the
outcome of each stage.

Professional challenge: KCSIE asks schools to follow local escalation if the child's situation
does not improve; partnerships set the stages and their timescales (records-and-access.md §11
"Escalation tracking" [P Croydon, Hertfordshire, West Yorkshire procedures]).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from casework.models import (
    AgencyResponse,
    Escalation,
    EscalationOutcome,
    EscalationStage,
    EscalationStageSetting,
    StageOutcomeKind,
)
from casework.services._common import (
    Imported,
    choice,
    long_date,
    not_before,
    not_future,
    on_roll,
    optional,
    required,
    team_school,
)
from pupils.models import Pupil
from schools.models import Membership


@dataclass(frozen=True, slots=True)
class StageRule:
    name: str
    contact: str
    days_allowed: int


# Sensible defaults until a school enters its partnership's procedure: four stages, as most
# local procedures have them (practitioner, manager, senior manager, the partnership) [P].
DEFAULT_STAGES = (
    StageRule("Practitioner to practitioner", "The worker who made the decision", 5),
    StageRule("Manager", "Their team manager", 5),
    StageRule("Senior manager", "The service manager or head of service", 10),
    StageRule("Safeguarding partnership", "The local safeguarding children partnership", 10),
)
MAX_STAGES = 8


def stages_for(school_id: UUID) -> list[StageRule]:
    """The school's escalation stages, in order (the defaults where it has set none)."""
    rows = EscalationStageSetting.objects.filter(school_id=school_id).order_by("position")
    rules = [StageRule(r.name, r.contact, r.days_allowed) for r in rows]
    return rules or list(DEFAULT_STAGES)


@transaction.atomic
def escalation_stages_set(
    *, actor: Membership, stages: list[StageRule], request: HttpRequest | None = None
) -> list[StageRule]:
    """Replace the school's escalation stages (a setting, not a child's record: escalations
    already open keep the stages they were opened with)."""
    school_id = team_school(actor)
    if not stages:
        raise ValidationError("Enter at least one stage.")
    if len(stages) > MAX_STAGES:
        raise ValidationError(f"Enter {MAX_STAGES} stages or fewer.")
    for number, stage in enumerate(stages, start=1):
        if not stage.name.strip():
            raise ValidationError(f"Stage {number}: enter its name.")
        if not 1 <= stage.days_allowed <= 365:
            raise ValidationError(f"Stage {number}: enter the days allowed, from 1 to 365.")
    before = [s.name for s in stages_for(school_id)]
    EscalationStageSetting.objects.filter(school_id=school_id).delete()
    EscalationStageSetting.objects.bulk_create(
        EscalationStageSetting(
            school_id=school_id,
            position=position,
            name=stage.name.strip()[:120],
            contact=stage.contact.strip()[:200],
            days_allowed=stage.days_allowed,
        )
        for position, stage in enumerate(stages, start=1)
    )
    audit.record(
        actor=actor,
        action=AuditAction.ESCALATION_SETTINGS_CHANGED,
        request=request,
        details={"before": before, "after": [s.name for s in stages]},
    )
    return stages_for(school_id)


def _open_stage(
    *, escalation: Escalation, position: int, started_on: date, said: str, actor: Membership
) -> EscalationStage:
    rules = stages_for(escalation.school_id)
    rule = rules[position - 1]
    return EscalationStage.objects.create(
        escalation=escalation,
        position=position,
        name=rule.name,
        contact=rule.contact,
        started_on=started_on,
        due_on=started_on + timedelta(days=rule.days_allowed),
        what_was_said=said,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def escalation_open(
    *,
    actor: Membership,
    pupil: Pupil,
    reason: str,
    opened_on: date,
    response: AgencyResponse | None = None,
    finding_id: UUID | None = None,
    what_was_said: str = "",
    request: HttpRequest | None = None,
) -> Escalation:
    """Open an escalation at the first stage of the school's procedure, from an answer the
    school disagrees with or from a pattern finding.

    Refused: no answer and no finding; an answer the school agreed with or of another child; a
    date before the answer or in the future, or when the child was not on the roll; no reason.
    """
    school_id = team_school(actor)
    if response is None and finding_id is None:
        raise ValidationError("Open an escalation from an answer or from a finding.")
    if response is not None:
        if response.contact.pupil_id != pupil.pk or response.contact.school_id != school_id:
            raise ValidationError("Choose an answer about this child.")
        if response.school_agrees is not False:
            raise ValidationError(
                "The school agreed with this answer. Record that it does not agree, with the "
                "reason, before escalating."
            )
        not_before(
            opened_on,
            response.received_on,
            "opened_on",
            f"The escalation cannot open before the answer ({long_date(response.received_on)}).",
        )
    not_future(opened_on, "opened_on", "The date")
    on_roll(pupil, school_id, opened_on, "opened_on")
    reason = required(reason, "reason", "Say why the school is challenging the decision.")
    escalation = Escalation.objects.create(
        school_id=school_id,
        pupil=pupil,
        response=response,
        finding_id=finding_id,
        reason=reason,
        opened_on=opened_on,
        opened_by=actor,
        opened_at=timezone.now(),
    )
    stage = _open_stage(
        escalation=escalation,
        position=1,
        started_on=opened_on,
        said=optional(what_was_said, "what_was_said"),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ESCALATION_OPENED,
        target=escalation,
        pupil_id=pupil.pk,
        request=request,
        details={"stage": stage.name, "due_on": stage.due_on.isoformat()},
    )
    return escalation


@transaction.atomic
def stage_outcome_record(
    *,
    actor: Membership,
    stage: EscalationStage,
    kind: StageOutcomeKind | str,
    decided_on: date,
    what_was_said: str,
    request: HttpRequest | None = None,
) -> EscalationOutcome:
    """Record what came of a stage. "Go to the next stage" opens the next one on the same day,
    due after that stage's days; at the last stage the school resolves or closes instead."""
    school_id = team_school(actor)
    locked = (
        EscalationStage.objects.select_for_update().select_related("escalation").get(pk=stage.pk)
    )
    escalation = locked.escalation
    if escalation.school_id != school_id:
        raise ValidationError("Only the school that escalated records the outcome.")
    if EscalationOutcome.objects.filter(stage=locked).exists():
        raise ValidationError("This stage already has its outcome.")
    kind = choice(StageOutcomeKind, kind, "kind", "Choose the outcome of this stage.")
    not_future(decided_on, "decided_on", "The date")
    not_before(
        decided_on,
        locked.started_on,
        "decided_on",
        f"The outcome cannot come before the stage started ({long_date(locked.started_on)}).",
    )
    said = required(what_was_said, "what_was_said", "Say what was said and agreed.")
    last = locked.position >= len(stages_for(escalation.school_id))
    if kind == StageOutcomeKind.NEXT and last:
        raise ValidationError(
            {"kind": "This is the last stage of the procedure: record it as resolved or closed."}
        )
    outcome = EscalationOutcome.objects.create(
        stage=locked,
        kind=kind,
        decided_on=decided_on,
        what_was_said=said,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    details: dict[str, object] = {"stage": locked.name, "outcome": str(kind)}
    if kind == StageOutcomeKind.NEXT:
        following = _open_stage(
            escalation=escalation,
            position=locked.position + 1,
            started_on=decided_on,
            said="",
            actor=actor,
        )
        details["next_stage"] = following.name
        details["due_on"] = following.due_on.isoformat()
    audit.record(
        actor=actor,
        action=AuditAction.ESCALATION_STAGE_RECORDED,
        target=escalation,
        pupil_id=escalation.pupil_id,
        request=request,
        details=details,
    )
    return outcome


@dataclass(frozen=True, slots=True)
class PastStage:
    """A stage as another system held it (import_history): kept, not re-derived."""

    name: str
    contact: str
    started_on: date
    due_on: date
    what_was_said: str = ""
    outcome: str = ""
    decided_on: date | None = None
    outcome_said: str = ""
    written_at: datetime | None = None  # when the stage was written (default: the escalation)
    decided_written_at: datetime | None = None  # when its outcome was written


@transaction.atomic
def escalation_import(
    *,
    actor: Membership,
    pupil: Pupil,
    response: AgencyResponse | None,
    reason: str,
    opened_on: date,
    stages: list[PastStage],
    imported: Imported,
    finding_id: UUID | None = None,
) -> Escalation:
    """An escalation from another system, with its stages and outcomes as they were. The same
    rules as `escalation_open` (an answer the school disagreed with, not before it, the child on
    the roll, or a pattern finding it was opened from), and each stage's dates in order."""
    school_id = team_school(actor)
    if response is None and finding_id is None:
        raise ValidationError(
            {"response_ref": "Name the answer or the finding it was opened from."}
        )
    if response is not None:
        if response.contact.pupil_id != pupil.pk or response.contact.school_id != school_id:
            raise ValidationError({"response_ref": "Choose an answer about this child."})
        if response.school_agrees is not False:
            raise ValidationError({"response_ref": "The school agreed with this answer."})
        not_before(
            opened_on,
            response.received_on,
            "occurred_at",
            f"The escalation cannot open before the answer ({long_date(response.received_on)}).",
        )
    not_future(opened_on, "occurred_at", "The date")
    on_roll(pupil, school_id, opened_on, "occurred_at")
    escalation = Escalation.objects.create(
        school_id=school_id,
        pupil=pupil,
        response=response,
        finding_id=finding_id,
        reason=required(reason, "text", "Say why the school challenged the decision."),
        opened_on=opened_on,
        opened_by=actor,
        opened_at=imported.written_at,
        source_ref=imported.source_ref,
    )
    for position, past in enumerate(stages, start=1):
        if past.started_on < opened_on:
            raise ValidationError({"stages": f"Stage {position} starts before the escalation."})
        stage = EscalationStage.objects.create(
            escalation=escalation,
            position=position,
            name=past.name,
            contact=past.contact,
            started_on=past.started_on,
            due_on=past.due_on,
            what_was_said=past.what_was_said,
            recorded_by=actor,
            recorded_at=past.written_at or imported.written_at,
        )
        if past.outcome:
            if past.decided_on is None or past.decided_on < past.started_on:
                raise ValidationError(
                    {"stages": f"Stage {position}: its outcome needs a date, not before it."}
                )
            EscalationOutcome.objects.create(
                stage=stage,
                kind=past.outcome,
                decided_on=past.decided_on,
                what_was_said=past.outcome_said or "Recorded in the old system.",
                recorded_by=actor,
                recorded_at=past.decided_written_at or past.written_at or imported.written_at,
            )
    audit.record(
        actor=actor,
        action=AuditAction.ESCALATION_OPENED,
        target=escalation,
        pupil_id=pupil.pk,
        details={"stages": len(stages), "imported": imported.source_ref},
    )
    return escalation
