"""Drafts of a concern being typed (issue 22, item 8): saved as the author types, opened only by
the author, deleted with the concern they became. Each save, opening and deletion is audited,
naming the child once one is chosen; the audit trail never holds what was typed."""

import uuid
from dataclasses import replace

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction
from concerns.models import Concern, ConcernDraft
from concerns.services.concerns import ConcernInput, concern_record_in_transaction
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


def _author_locked(actor: Membership) -> None:
    """Take the lock on `actor`'s membership row, so that their draft saves and submissions
    happen one after another: a draft save that raced a submission (the form saving itself as
    the button was pressed) waits for it, then sees the concern. On SQLite every write
    transaction already starts with the database's write lock (`transaction_mode`)."""
    if connection.features.has_select_for_update:
        list(Membership.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))


def _key_used_by(form_key: object) -> tuple[uuid.UUID | None, object]:
    """`form_key` as a UUID (None if it is none), and who recorded a concern from it already
    (their membership's primary key; None if nobody has)."""
    try:
        key = uuid.UUID(str(form_key)) if form_key else None
    except ValueError:
        return None, None
    if key is None:
        return None, None
    used = Concern.objects.filter(form_key=key).values_list("recorded_by_id", flat=True)
    return key, used.first()


@transaction.atomic
def draft_save(
    *,
    actor: Membership,
    fields: dict[str, str | list[str]],
    pupil: Pupil | None,
    request: HttpRequest | None = None,
) -> ConcernDraft | None:
    """Keep what `actor` has typed so far as their draft (replacing their earlier one). None,
    and nothing kept, when the form it was typed in has been submitted already: a save sent
    as the button was pressed must not bring back the draft the concern replaced."""
    assert actor.school_id is not None, "only a school's staff record concerns"
    _author_locked(actor)
    key, used_by = _key_used_by(fields.get("form_key"))
    if key is not None and used_by == actor.pk:
        return None
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
        details={"fields": len([v for name, v in fields.items() if v and name != "form_key"])},
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
    a refused concern keeps its draft. The same form submitted again (a double click, a POST
    retried on a poor connection) returns the concern it recorded the first time."""
    _author_locked(actor)
    key, used_by = _key_used_by(data.form_key)
    if key is not None and used_by == actor.pk:
        return Concern.objects.get(form_key=key)
    if used_by is not None:
        data = replace(data, form_key=None)  # another author's key: never theirs to reuse
    # In this transaction, without a savepoint: a refused concern rolls all of it back.
    concern = concern_record_in_transaction(actor=actor, data=data, request=request)
    draft = ConcernDraft.objects.filter(author=actor).first()
    if draft is not None:
        draft_delete(actor=actor, draft=draft, why="submitted as a concern", request=request)
    return concern
