"""Recording a concern about one or more children, amending it, adding to it, and reading it."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from background.signals import announce_records_changed
from concerns.models import (
    Alert,
    BodyMark,
    BodyRegion,
    BodySide,
    Category,
    Concern,
    ConcernPupil,
    ConcernVersion,
    Note,
    Part,
)
from concerns.services.attachments import Upload, _attachment_store
from concerns.tasks import dsl_team_alert_email
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, Membership
from sources.themes import clean_themes

# -- Recording a concern ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChildPart:
    pupil: Pupil
    part: Part


@dataclass(frozen=True, slots=True)
class MarkInput:
    side: BodySide
    region: BodyRegion
    description: str
    x: Decimal | None = None
    y: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ConcernInput:
    children: Sequence[ChildPart]
    occurred_at: datetime
    facts: str
    child_words: str = ""
    themes: Sequence[str] = ()
    location: str = ""
    categories: Sequence[Category] = ()
    marks: Sequence[MarkInput] = ()
    attachments: Sequence[Upload] = ()
    urgent_told_dsl: bool = False
    told_dsl_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # The key of the form it was typed in (`Concern.form_key`); None for an import.
    form_key: uuid.UUID | None = None


def audit_per_child(
    *,
    actor: Membership | None,
    action: AuditAction,
    concern: Concern,
    pupil_ids: Iterable[uuid.UUID],
    request: HttpRequest | None = None,
    reason: str = "",
    details: dict[str, object] | None = None,
) -> None:
    """One event for each child, so every child's access log shows the record."""
    for pupil_id in pupil_ids:
        audit.record(
            actor=actor,
            action=action,
            target=concern,
            pupil_id=pupil_id,
            request=request,
            reason=reason,
            details=details,
            school_id=concern.school_id,
        )


def concern_record(
    *, actor: Membership, data: ConcernInput, request: HttpRequest | None = None
) -> Concern:
    """Record a concern about one or more children, alert the DSL team, and audit it."""
    with transaction.atomic():
        return concern_record_in_transaction(actor=actor, data=data, request=request)


def concern_record_in_transaction(
    *, actor: Membership, data: ConcernInput, request: HttpRequest | None = None
) -> Concern:
    """`concern_record` for a caller already in its own transaction (`concern_submit`), without
    a savepoint of its own: an error rolls back the caller's whole transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("concern_record_in_transaction needs its caller's transaction")
    if actor.school is None:
        raise ValidationError("Only members of a school's staff record concerns.")
    if not data.children:
        raise ValidationError("Choose the child the concern is about.")
    if not any(c.part == Part.SUBJECT for c in data.children):
        raise ValidationError("At least one child must be the child the concern is about.")
    if len({c.pupil.pk for c in data.children}) != len(data.children):
        raise ValidationError("Each child can be added once.")
    now = timezone.now()
    if data.occurred_at > now:
        raise ValidationError("When it happened cannot be in the future.")
    if not data.facts.strip():
        raise ValidationError("Write what you saw or heard.")
    concern = Concern.objects.create(
        school=actor.school,
        recorded_by=actor,
        author_name=actor.user.full_name,
        author_role=actor.get_role_display(),
        occurred_at=data.occurred_at,
        written_at=now,
        location=data.location.strip(),
        urgent_told_dsl=data.urgent_told_dsl,
        told_dsl_name=data.told_dsl_name.strip(),
        form_key=data.form_key,
    )
    ConcernPupil.objects.bulk_create(
        [ConcernPupil(concern=concern, pupil=c.pupil, part=c.part) for c in data.children]
    )
    version = ConcernVersion.objects.create(
        concern=concern,
        number=1,
        facts=data.facts.strip(),
        child_words=data.child_words.strip(),
        themes=clean_themes(data.themes),
        written_by=actor,
        written_at=now,
    )
    # A new version has no categories yet: added without first reading which it has (`set`).
    version.categories.add(*[c for c in data.categories if c.school_id == actor.school_id])
    BodyMark.objects.bulk_create(
        [
            BodyMark(
                concern=concern,
                side=m.side,
                region=m.region,
                x=m.x,
                y=m.y,
                description=m.description.strip(),
            )
            for m in data.marks
        ]
    )
    for upload in data.attachments:
        _attachment_store(actor=actor, concern=concern, upload=upload, now=now)
    recipients = list(
        Membership.objects.filter(
            school=actor.school, role__in=DSL_TEAM_ROLES, is_active=True
        ).select_related("user")
    )
    Alert.objects.bulk_create(
        [
            Alert(recipient=m, concern=concern, urgent=data.urgent_told_dsl, created_at=now)
            for m in recipients
        ]
    )
    # Queued in this transaction: the e-mail goes only if the concern is saved (docs/adr/0016).
    dsl_team_alert_email.enqueue(concern_id=str(concern.pk))
    announce_records_changed(pupil_ids=[c.pupil.pk for c in data.children])
    # Last: appending to the audit chain takes the chain's lock until this transaction commits
    # (audit.services.record), so everything else is written before it (docs/performance.md).
    audit_per_child(
        actor=actor,
        action=AuditAction.CONCERN_RECORDED,
        concern=concern,
        pupil_ids=[c.pupil.pk for c in data.children],
        request=request,
        details={"urgent": data.urgent_told_dsl},
    )
    return concern


def concern_pupil_ids(concern: Concern) -> list[uuid.UUID]:
    return list(concern.parts.values_list("pupil_id", flat=True))


@transaction.atomic
def concern_amend(
    *,
    actor: Membership,
    concern: Concern,
    facts: str,
    child_words: str,
    categories: Sequence[Category],
    reason: str,
    themes: Sequence[str] | None = None,
    request: HttpRequest | None = None,
) -> ConcernVersion:
    """A new version of the concern's text, with the reason. Earlier versions stay as written."""
    if not reason.strip():
        raise ValidationError("Say why the record is being amended.")
    if not facts.strip():
        raise ValidationError("The facts cannot be empty.")
    latest = concern.versions.aggregate(n=Max("number"))["n"] or 0
    if themes is None:  # not asked: the ticks stay as the latest version has them
        themes = concern.versions.get(number=latest).themes if latest else []
    version = ConcernVersion.objects.create(
        concern=concern,
        number=latest + 1,
        facts=facts.strip(),
        child_words=child_words.strip(),
        themes=clean_themes(themes),
        reason=reason.strip(),
        written_by=actor,
        written_at=timezone.now(),
    )
    version.categories.set([c for c in categories if c.school_id == concern.school_id])
    audit_per_child(
        actor=actor,
        action=AuditAction.CONCERN_AMENDED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
        reason=reason.strip(),
        details={"version": version.number},
    )
    announce_records_changed(pupil_ids=concern_pupil_ids(concern))
    return version


@transaction.atomic
def concern_add_note(
    *,
    actor: Membership,
    concern: Concern,
    text: str,
    attachments: Sequence[Upload] = (),
    request: HttpRequest | None = None,
) -> Note:
    """Further information added to a concern; the concern as submitted is unchanged."""
    if not text.strip():
        raise ValidationError("Write the further information.")
    now = timezone.now()
    note = Note.objects.create(concern=concern, text=text.strip(), written_by=actor, written_at=now)
    for upload in attachments:
        _attachment_store(actor=actor, concern=concern, upload=upload, now=now)
    audit_per_child(
        actor=actor,
        action=AuditAction.CONCERN_NOTE_ADDED,
        concern=concern,
        pupil_ids=concern_pupil_ids(concern),
        request=request,
    )
    return note


def concern_viewed(*, actor: Membership, concern: Concern, request: HttpRequest | None) -> None:
    """Audit a read of a concern (once per child in it), and mark the viewer's alert seen."""
    with transaction.atomic():
        audit_per_child(
            actor=actor,
            action=AuditAction.CONCERN_VIEWED,
            concern=concern,
            pupil_ids=concern_pupil_ids(concern),
            request=request,
        )
        Alert.objects.filter(recipient=actor, concern=concern, seen_at__isnull=True).update(
            seen_at=timezone.now()
        )
