"""The school's term dates, which set when a transfer falls due (KCSIE: within five school days
of a new term)."""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from schools.models import Membership
from transfer.clock import Term
from transfer.models import (
    TermDates,
)
from transfer.services._common import team_school


def terms_for(school_id: UUID) -> list[Term]:
    return [
        Term(starts_on=t.starts_on, ends_on=t.ends_on)
        for t in TermDates.objects.filter(school_id=school_id)
    ]


@transaction.atomic
def term_dates_add(
    *,
    actor: Membership,
    name: str,
    starts_on: date,
    ends_on: date,
    request: HttpRequest | None = None,
) -> TermDates:
    school = team_school(actor)
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
