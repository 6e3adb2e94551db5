"""Writes for analytics: the DSL's actions for governors, and audited exports."""

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from analytics.models import GovernorActions
from audit import services as audit
from audit.models import AuditAction
from schools.models import Membership


@transaction.atomic
def governor_actions_write(
    *,
    actor: Membership,
    start: date,
    end: date,
    text: str,
    request: HttpRequest | None = None,
) -> GovernorActions:
    """Add a new version of the actions for governors for the actor's school and the period."""
    assert actor.school_id is not None
    row = GovernorActions.objects.create(
        school_id=actor.school_id,
        period_start=start,
        period_end=end,
        text=text.strip(),
        written_by=actor,
        written_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.GOVERNOR_ACTIONS_WRITTEN,
        target=row,
        request=request,
        details={"start": start.isoformat(), "end": end.isoformat()},
    )
    return row


@transaction.atomic
def export_recorded(
    *,
    actor: Membership,
    action: AuditAction,
    what: str,
    start: date,
    end: date,
    request: HttpRequest | None = None,
) -> None:
    """Audit a dashboard export (a CSV table or the governors' PDF) before it is sent."""
    audit.record(
        actor=actor,
        action=action,
        request=request,
        details={"what": what, "start": start.isoformat(), "end": end.isoformat()},
    )
