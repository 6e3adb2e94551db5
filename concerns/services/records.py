"""Behaviour incidents and Operation Encompass notifications on a child's timeline."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from concerns.models import BehaviourIncident, ChildPresent, EncompassNotification, Source
from concerns.services.concerns import ChildPart, ConcernInput, MarkInput
from concerns.services.decisions import DecisionInput
from pupils.models import Pupil
from schools.models import Membership

# -- Behaviour and Operation Encompass --------------------------------------------------------


@transaction.atomic
def behaviour_record(
    *,
    actor: Membership,
    pupil: Pupil,
    occurred_at: datetime,
    incident_type: str,
    description: str = "",
    action_taken: str = "",
    request: HttpRequest | None = None,
) -> BehaviourIncident:
    if actor.school_id is None:
        raise ValidationError("Only members of a school record behaviour.")
    now = timezone.now()
    if occurred_at > now:
        raise ValidationError("When it happened cannot be in the future.")
    incident = BehaviourIncident.objects.create(
        school_id=actor.school_id,
        pupil=pupil,
        occurred_at=occurred_at,
        incident_type=incident_type.strip(),
        description=description.strip(),
        action_taken=action_taken.strip(),
        author_name=actor.user.full_name,
        recorded_by=actor,
        recorded_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.BEHAVIOUR_RECORDED,
        target=incident,
        pupil_id=pupil.pk,
        request=request,
    )
    announce_records_changed(pupil_ids=[pupil.pk])
    return incident


@dataclass(frozen=True, slots=True)
class EncompassInput:
    pupils: Sequence[Pupil]
    police_reference: str
    occurred_at: datetime
    received_at: datetime
    child_present: ChildPresent
    welfare_check_on: date
    voice_of_child: str = ""
    details: str = ""


@transaction.atomic
def encompass_record(
    *, actor: Membership, data: EncompassInput, request: HttpRequest | None = None
) -> EncompassNotification:
    """Record an Operation Encompass notification for the child and the household's others."""
    if not actor.is_dsl_team or actor.school_id is None:
        raise ValidationError("Only the safeguarding team records police notifications.")
    if not data.pupils:
        raise ValidationError("Choose the child the notification is about.")
    if not data.police_reference.strip():
        raise ValidationError("Give the police reference.")
    notification = EncompassNotification.objects.create(
        school_id=actor.school_id,
        police_reference=data.police_reference.strip(),
        occurred_at=data.occurred_at,
        received_at=data.received_at,
        child_present=data.child_present,
        welfare_check_on=data.welfare_check_on,
        voice_of_child=data.voice_of_child.strip(),
        details=data.details.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    notification.pupils.set(data.pupils)
    for pupil in data.pupils:
        audit.record(
            actor=actor,
            action=AuditAction.ENCOMPASS_RECORDED,
            target=notification,
            pupil_id=pupil.pk,
            request=request,
        )
    announce_records_changed(pupil_ids=[p.pk for p in data.pupils])
    return notification


__all__ = [
    "ChildPart",
    "ConcernInput",
    "DecisionInput",
    "EncompassInput",
    "MarkInput",
    "Source",
]
