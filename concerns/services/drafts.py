"""Drafts of a concern being typed (issue 22, item 8): saved as the author types, opened only by
the author, deleted with the concern they became. Each save, opening and deletion is audited,
naming the child once one is chosen; the audit trail never holds what was typed."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from concerns.models import Concern, ConcernDraft
from concerns.services.concerns import ConcernInput, concern_record
from pupils.models import Pupil
from schools.models import Membership

# Everything typed into a draft, together: far more than a concern's longest fields allow.
DRAFT_MAX_CHARACTERS = 40_000


def _draft_audit(
    *,
    actor: Membership,
    action: AuditAction,
    draft: ConcernDraft,
    request: HttpRequest | None,
    details: dict[str, object] | None = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=draft,
        pupil_id=draft.pupil_id,
        request=request,
        details=details,
        school_id=draft.school_id,
    )


@transaction.atomic
def draft_save(
    *,
    actor: Membership,
    fields: dict[str, str | list[str]],
    pupil: Pupil | None,
    request: HttpRequest | None = None,
) -> ConcernDraft:
    """Keep what `actor` has typed so far as their draft (replacing their earlier one)."""
    assert actor.school_id is not None, "only a school's staff record concerns"
    draft, _ = ConcernDraft.objects.update_or_create(
        author=actor,
        defaults={
            "school_id": actor.school_id,
            "pupil": pupil,
            "fields": fields,
            "saved_at": timezone.now(),
        },
    )
    _draft_audit(
        actor=actor,
        action=AuditAction.CONCERN_DRAFT_SAVED,
        draft=draft,
        request=request,
        details={"fields": len([v for v in fields.values() if v])},
    )
    return draft


def draft_opened(
    *, actor: Membership, draft: ConcernDraft, request: HttpRequest | None = None
) -> None:
    """Audit the showing of a draft to its author (what they typed, back in the form)."""
    with transaction.atomic():
        _draft_audit(
            actor=actor, action=AuditAction.CONCERN_DRAFT_OPENED, draft=draft, request=request
        )


@transaction.atomic
def draft_delete(
    *,
    actor: Membership,
    draft: ConcernDraft,
    why: str,
    request: HttpRequest | None = None,
) -> None:
    """Delete a draft: its author discarded it, or it became a concern (`why`, in words)."""
    _draft_audit(
        actor=actor,
        action=AuditAction.CONCERN_DRAFT_DELETED,
        draft=draft,
        request=request,
        details={"why": why},
    )
    draft.delete()


@transaction.atomic
def concern_submit(
    *, actor: Membership, data: ConcernInput, request: HttpRequest | None = None
) -> Concern:
    """Record the concern `actor` typed, and delete their draft of it in the same transaction:
    a refused concern keeps its draft."""
    concern = concern_record(actor=actor, data=data, request=request)
    draft = ConcernDraft.objects.filter(author=actor).first()
    if draft is not None:
        draft_delete(actor=actor, draft=draft, why="submitted as a concern", request=request)
    return concern
