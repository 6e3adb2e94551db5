"""Writes about households. Each takes a keyword-only `actor` and audits in its transaction.

`actor` None means the command line or an import run by the system; the audit trail says so.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain, combinations
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, StringAgg, TextField, Value
from django.db.models.functions import Cast, Lower
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from pupils.models import (
    Enrolment,
    Household,
    HouseholdMember,
    HouseholdSuggestion,
    Pupil,
    PupilAddress,
    Relationship,
    SuggestionReason,
    SuggestionStatus,
)
from schools.models import Membership, School


def _scope_filter(school: School, prefix: str = "") -> Q:
    """Children of the trust's schools (or of the school, where it stands alone)."""
    if school.trust_id is not None:
        return Q(**{f"{prefix}enrolments__school__trust_id": school.trust_id})
    return Q(**{f"{prefix}enrolments__school_id": school.pk})


def _chunks[T](items: list[T], size: int = 500) -> Iterator[list[T]]:
    """Slices small enough for any database's limit on query parameters (SQLite: 32,766)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pairs(groups: Iterable[list[UUID]]) -> set[tuple[UUID, UUID]]:
    limit = int(getattr(settings, "CAIRN_HOUSEHOLD_SUGGESTION_MAX_GROUP", 8))
    pairs: set[tuple[UUID, UUID]] = set()
    for members in groups:
        unique = sorted(set(members), key=str)
        # A very large group is a block of flats or a children's home, not a household.
        if 1 < len(unique) <= limit:
            pairs.update((a, b) for a, b in combinations(unique, 2))
    return pairs


Evidence = dict[tuple[UUID, UUID], tuple[SuggestionReason, str]]


# Pairs proposed at a time: the suggestions for a whole trust are never held at once.
EVIDENCE_BATCH = 2000


def _members(ids: str) -> list[UUID]:
    """The children of one shared key, from the database's comma-separated list of keys."""
    return [UUID(pupil_id) for pupil_id in ids.split(",")]


def _children_of_each() -> StringAgg:
    return StringAgg(Cast("pupil_id", TextField()), Value(","), distinct=True)


def _address_evidence(in_scope: QuerySet[Pupil, Any]) -> Iterator[Evidence]:
    """Pairs of children whose current addresses match (same postcode and first line).

    One read: the database groups the current addresses and lists the children of each address
    two or more children share."""
    shared = (
        PupilAddress.objects.filter(to_date__isnull=True, pupil__in=in_scope)
        .values("address__match_key")
        .annotate(n=Count("pupil", distinct=True), children=_children_of_each())
        .filter(n__gt=1)
        .values_list("address__match_key", "children")
    )
    evidence: Evidence = {}
    for key, children in shared:
        text = f"Same current address ({key.split('|')[0]})"
        for pair in _pairs([_members(children)]):
            evidence[pair] = (SuggestionReason.SHARED_ADDRESS, text)
        if len(evidence) >= EVIDENCE_BATCH:
            yield evidence
            evidence = {}
    yield evidence


def _contact_evidence(in_scope: QuerySet[Pupil, Any]) -> Iterator[Evidence]:
    """Pairs of children who list one person with parental responsibility: the same name and
    the same phone number or email. One read for each, grouped by the database, which lists
    the children of each name and number (or email) shared."""
    pr = Relationship.objects.filter(
        valid_to__isnull=True, parental_responsibility=True, pupil__in=in_scope
    ).annotate(fore=Lower("person__forename"), sur=Lower("person__surname"))
    for contact_field in ("person__phone_key", "person__email"):
        how = "phone number" if contact_field.endswith("phone_key") else "email"
        shared = (
            pr.exclude(**{contact_field: ""})
            .values_list("fore", "sur", contact_field)
            .annotate(n=Count("pupil", distinct=True), children=_children_of_each())
            .filter(n__gt=1)
            .values_list("fore", "sur", "children")
        )
        evidence: Evidence = {}
        for fore, sur, children in shared:
            text = (
                f"Both list {fore.title()} {sur.title()} with parental responsibility "
                f"(same name and {how})"
            )
            for pair in _pairs([_members(children)]):
                evidence.setdefault(pair, (SuggestionReason.SHARED_PR_CONTACT, text))
            if len(evidence) >= EVIDENCE_BATCH:
                yield evidence
                evidence = {}
        yield evidence


def _propose(evidence: Evidence) -> int:
    """Write the pairs not already in one household and never proposed before."""
    if not evidence:
        return 0
    ids = sorted({pid for pair in evidence for pid in pair}, key=str)
    households: dict[UUID, UUID] = {}
    known: set[tuple[UUID, UUID]] = set()
    for batch in _chunks(ids, 5000):
        households.update(
            HouseholdMember.objects.filter(pupil_id__in=batch, left_on__isnull=True).values_list(
                "pupil_id", "household_id"
            )
        )
        known.update(
            HouseholdSuggestion.objects.filter(pupil_a_id__in=batch).values_list(
                "pupil_a_id", "pupil_b_id"
            )
        )
    new = []
    for pair, (reason, text) in sorted(evidence.items(), key=lambda item: str(item[0])):
        a, b = sorted(pair, key=str)
        if (a, b) in known or (households.get(a) and households.get(a) == households.get(b)):
            continue
        new.append(HouseholdSuggestion(pupil_a_id=a, pupil_b_id=b, reason=reason, evidence=text))
    HouseholdSuggestion.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def household_suggestions_refresh(*, actor: Membership | None, school: School) -> int:
    """Propose as one household the children of the school's trust who share a current address
    or a current contact with parental responsibility (same name and the same phone or email).

    Nothing is merged: each pair waits for a DSL to confirm or reject it. Pairs already in one
    household, or already proposed (whatever the decision), are not proposed again.
    Why: DSLs of siblings' settings should work together; the household is built from MIS
    contacts and addresses (Cairn domain reference, records-and-access.md §11 [P]; interop.md §1).
    Returns the number of new suggestions.
    """
    in_scope = Pupil.objects.filter(_scope_filter(school)).values("pk")
    created = 0
    # Address pairs first: a pair found both ways is proposed once, for its address.
    for evidence in chain(_address_evidence(in_scope), _contact_evidence(in_scope)):
        created += _propose(evidence)
    if created:
        audit.record(
            actor=actor,
            action=AuditAction.HOUSEHOLD_SUGGESTIONS_MADE,
            school_id=school.pk,
            details={"new_suggestions": created},
        )
    return created


def _household_for(pupil: Pupil) -> Household | None:
    member = (
        HouseholdMember.objects.filter(pupil=pupil, left_on__isnull=True)
        .select_related("household")
        .first()
    )
    return member.household if member is not None else None


@transaction.atomic
def household_suggestion_decide(
    *, actor: Membership, suggestion: HouseholdSuggestion, confirm: bool, reason: str = ""
) -> Household | None:
    """The DSL's decision on a suggestion. Confirming puts both children in one household (the
    first child's, if they have one; a household that held the second child is joined to it,
    each move dated today). Rejecting records that they are not one household. Audited on each
    child's record."""
    today = timezone.localdate()
    suggestion = HouseholdSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValueError("This suggestion has been decided already.")
    suggestion.status = SuggestionStatus.CONFIRMED if confirm else SuggestionStatus.REJECTED
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.decision_reason = reason
    suggestion.save()
    household: Household | None = None
    if confirm:
        a, b = suggestion.pupil_a, suggestion.pupil_b
        household = _household_for(a)
        other = _household_for(b)
        if household is None and other is not None:
            household, other = other, None
            a, b = b, a
        if household is None:
            school = actor.school
            assert school is not None
            household = Household.objects.create(
                trust=school.trust,
                school=None if school.trust_id else school,
                name=f"{a.legal_surname} household"
                if a.legal_surname == b.legal_surname
                else f"{a.legal_surname} and {b.legal_surname} household",
                created_by=actor,
            )
            HouseholdMember.objects.create(
                household=household, pupil=a, joined_on=today, recorded_by=actor
            )
        movers = (
            [b] if other is None else [m.pupil for m in other.members.filter(left_on__isnull=True)]
        )
        for pupil in movers:
            if other is not None or _household_for(pupil) != household:
                HouseholdMember.objects.filter(pupil=pupil, left_on__isnull=True).update(
                    left_on=today
                )
                HouseholdMember.objects.create(
                    household=household, pupil=pupil, joined_on=today, recorded_by=actor
                )
    action = (
        AuditAction.HOUSEHOLD_SUGGESTION_CONFIRMED
        if confirm
        else AuditAction.HOUSEHOLD_SUGGESTION_REJECTED
    )
    for pupil_id in (suggestion.pupil_a_id, suggestion.pupil_b_id):
        audit.record(
            actor=actor,
            action=action,
            target=suggestion,
            pupil_id=pupil_id,
            reason=reason,
            details={"household": str(household.pk) if household else ""},
        )
    return household


@transaction.atomic
def enrolment_end(
    *,
    actor: Membership,
    enrolment: Enrolment,
    end_date: date,
    end_reason: str,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> Enrolment:
    """End a period on a school's roll on `end_date`, for `end_reason` (EnrolmentEndReason).
    Called by the app that records why and where the child went (casework); refuses an
    enrolment already ended or a date before it started."""
    from django.core.exceptions import ValidationError

    from pupils.models import EnrolmentEndReason

    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.end_date is not None:
        raise ValidationError({"left_on": "The child has already left this school's roll."})
    if end_date < locked.start_date:
        raise ValidationError(
            {
                "left_on": f"The child joined on {locked.start_date:%-d %B %Y}; they cannot leave "
                "before that."
            }
        )
    locked.end_date = end_date
    locked.end_reason = EnrolmentEndReason(end_reason)
    locked.save(update_fields=["end_date", "end_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.ENROLMENT_ENDED,
        target=locked,
        pupil_id=locked.pupil_id,
        request=request,
        details={"end_date": end_date.isoformat(), "end_reason": end_reason, **(details or {})},
    )
    return locked
