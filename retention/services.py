"""Retention decisions (records-and-access.md §9): keep for another period, legal hold, and
destruction, which is never automatic: proposed by the safeguarding team, approved by the
headteacher (another person), refused while a legal hold stands. Every write takes a keyword-only
`actor` and is audited in the same transaction.

Destruction (ADR 22) removes every row that belongs to the child's record (found by following the
references to the child: concerns that are about no other child, their versions, decisions and
attachments, the child's voice, attendance weeks, casework, findings, household links…) and the
files those rows name, and writes a `Tombstone` that holds no child data. The audit trail is not
touched: its sealed events keep their seals, and their reference to the child now resolves to the
tombstone, so `verify_audit` passes afterwards.
"""

import uuid
from collections import deque
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from attendance import columnar
from attendance.models import AttendanceWeek, ColumnarState
from audit import services as audit
from audit.models import AuditAction
from pupils.models import Pupil
from retention.models import (
    DestructionRequest,
    DestructionStatus,
    RetentionPolicy,
    RetentionReview,
    ReviewKind,
    Tombstone,
)
from retention.selectors import RetentionState, retention_state, years_after
from schools.models import DSL_TEAM_ROLES, Membership, Role

# Rows that link a child to a record shared with other children: the record is the child's only
# when every one of its links is (a concern about two children stays while the other's does).
SHARED_THROUGH: list[tuple[str, str]] = [
    ("concerns.ConcernPupil", "concern"),
    ("pupils.HouseholdMember", "household"),
]
# Rows that name a file under PRIVATE_MEDIA_ROOT: (model, folder, field with the stored name).
FILES: list[tuple[str, str, str]] = [
    ("concerns.Attachment", "attachments", "stored_name"),
    ("voice.VoiceAttachment", "voice", "stored_as"),
    ("casework.MeetingReport", "meeting-reports", "stored_name"),
]
DECIDERS = DSL_TEAM_ROLES
APPROVERS = frozenset({Role.HEADTEACHER})


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason.")
    return reason


def _school_of(actor: Membership, pupil: Pupil) -> RetentionState:
    state = retention_state(pupil)
    if actor.school_id is None or state.school_id != actor.school_id:
        raise ValidationError("Only the school that holds the child's file decides its retention.")
    return state


def policy_set(*, actor: Membership, years: int) -> RetentionPolicy:
    if actor.role not in DECIDERS or actor.school_id is None:
        raise ValidationError("Only the safeguarding team sets the retention period.")
    if not 1 <= years <= 100:
        raise ValidationError("The period must be between 1 and 100 years.")
    with transaction.atomic():
        policy, _ = RetentionPolicy.objects.update_or_create(
            school_id=actor.school_id,
            defaults={
                "years_after_birth": years,
                "changed_by": actor,
                "changed_at": timezone.now(),
            },
        )
        audit.record(
            actor=actor,
            action=AuditAction.RETENTION_POLICY_CHANGED,
            target=policy,
            details={"years_after_birth": years},
        )
    return policy


def _review(
    *, actor: Membership, pupil: Pupil, kind: ReviewKind, reason: str, keep_until: date | None
) -> RetentionReview:
    assert actor.school_id is not None  # _school_of has checked
    review = RetentionReview.objects.create(
        pupil=pupil,
        school_id=actor.school_id,
        kind=kind,
        reason=reason,
        keep_until=keep_until,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    action = {
        ReviewKind.KEEP: AuditAction.RETENTION_KEPT,
        ReviewKind.HOLD: AuditAction.LEGAL_HOLD_PLACED,
        ReviewKind.RELEASE: AuditAction.LEGAL_HOLD_RELEASED,
    }[kind]
    audit.record(
        actor=actor,
        action=action,
        target=review,
        pupil_id=pupil.pk,
        details={"keep_until": keep_until.isoformat() if keep_until else ""},
    )
    return review


def retention_keep(*, actor: Membership, pupil: Pupil, years: int, reason: str) -> RetentionReview:
    """Keep a reached record for `years` more; it comes back to the queue then."""
    if actor.role not in DECIDERS:
        raise ValidationError("Only the safeguarding team keeps a record for another period.")
    reason = _reason(reason)
    if not 1 <= years <= 25:
        raise ValidationError("Keep it for between 1 and 25 years.")
    with transaction.atomic():
        state = _school_of(actor, pupil)
        today = timezone.localdate()
        if not state.reached(today):
            raise ValidationError("The record has not reached its retention date.")
        return _review(
            actor=actor,
            pupil=pupil,
            kind=ReviewKind.KEEP,
            reason=reason,
            keep_until=years_after(today, years),
        )


def legal_hold_place(*, actor: Membership, pupil: Pupil, reason: str) -> RetentionReview:
    """Nothing of the record may be destroyed until the hold is released (an inquiry, a claim,
    a subject access request)."""
    if actor.role not in DECIDERS | APPROVERS:
        raise ValidationError("Only the safeguarding team or the headteacher places a legal hold.")
    reason = _reason(reason)
    with transaction.atomic():
        state = _school_of(actor, pupil)
        if state.held:
            raise ValidationError("The record is already on legal hold.")
        DestructionRequest.objects.filter(pupil=pupil, status=DestructionStatus.PROPOSED).update(
            status=DestructionStatus.WITHDRAWN, closed_by=actor, closed_at=timezone.now()
        )
        return _review(
            actor=actor, pupil=pupil, kind=ReviewKind.HOLD, reason=reason, keep_until=None
        )


def legal_hold_release(*, actor: Membership, pupil: Pupil, reason: str) -> RetentionReview:
    if actor.role not in DECIDERS | APPROVERS:
        raise ValidationError("Only the safeguarding team or the headteacher releases a hold.")
    reason = _reason(reason)
    with transaction.atomic():
        state = _school_of(actor, pupil)
        if not state.held:
            raise ValidationError("The record is not on legal hold.")
        return _review(
            actor=actor, pupil=pupil, kind=ReviewKind.RELEASE, reason=reason, keep_until=None
        )


def destruction_propose(*, actor: Membership, pupil: Pupil, reason: str) -> DestructionRequest:
    if actor.role not in DECIDERS:
        raise ValidationError("Only the safeguarding team proposes destroying a record.")
    reason = _reason(reason)
    with transaction.atomic():
        state = _school_of(actor, pupil)
        if state.held:
            raise ValidationError("The record is on legal hold: nothing may be destroyed.")
        if not state.reached(timezone.localdate()):
            raise ValidationError("The record has not reached its retention date.")
        if state.proposal is not None:
            raise ValidationError("Destruction is already proposed.")
        assert actor.school_id is not None  # _school_of has checked
        proposal = DestructionRequest.objects.create(
            pupil=pupil,
            school_id=actor.school_id,
            reason=reason,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=AuditAction.DESTRUCTION_PROPOSED,
            target=proposal,
            pupil_id=pupil.pk,
        )
    return proposal


def destruction_withdraw(*, actor: Membership, pupil: Pupil, reason: str) -> DestructionRequest:
    if actor.role not in DECIDERS | APPROVERS:
        raise ValidationError("Only the safeguarding team or the headteacher withdraws it.")
    reason = _reason(reason)
    with transaction.atomic():
        state = _school_of(actor, pupil)
        proposal = state.proposal
        if proposal is None:
            raise ValidationError("No destruction is proposed.")
        proposal.status = DestructionStatus.WITHDRAWN
        proposal.closed_by, proposal.closed_at = actor, timezone.now()
        proposal.save(update_fields=["status", "closed_by", "closed_at"])
        audit.record(
            actor=actor,
            action=AuditAction.DESTRUCTION_WITHDRAWN,
            target=proposal,
            pupil_id=pupil.pk,
            reason=reason,
        )
    return proposal


# -- Destruction -------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def record_rows(pupil: Pupil) -> dict[type[models.Model], set[Any]]:
    """Every row that belongs to the child's record, by model, in the order found (the child
    first). Follows each reference to a row already found; a shared record (SHARED_THROUGH) is
    taken only when all its links to children are."""
    found: dict[type[models.Model], set[Any]] = {}
    queue: deque[tuple[type[models.Model], set[Any]]] = deque([(Pupil, {pupil.pk})])
    shared = [(_model(label), name) for label, name in SHARED_THROUGH]
    while queue:
        while queue:
            model, keys = queue.popleft()
            seen = found.setdefault(model, set())
            new = keys - seen
            if not new:
                continue
            seen |= new
            for relation in model._meta.related_objects:
                if relation.many_to_many:
                    continue
                related = relation.related_model
                assert isinstance(related, type)
                rows = set(
                    related._base_manager.filter(**{f"{relation.field.name}__in": new}).values_list(
                        "pk", flat=True
                    )
                )
                if rows:
                    queue.append((related, rows))
        for link, field_name in shared:
            links = found.get(link, set())
            if not links:
                continue
            parents = set(
                link._base_manager.filter(pk__in=links).values_list(f"{field_name}_id", flat=True)
            )
            parent_model = link._meta.get_field(field_name).related_model
            assert isinstance(parent_model, type)
            still_shared = set(
                link._base_manager.filter(**{f"{field_name}_id__in": parents})
                .exclude(pk__in=links)
                .values_list(f"{field_name}_id", flat=True)
            )
            owned = parents - still_shared - found.get(parent_model, set())
            if owned:
                queue.append((parent_model, owned))
    return found


def _files_of(rows: dict[type[models.Model], set[Any]]) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    paths = []
    for label, folder, field_name in FILES:
        model = _model(label)
        if rows.get(model):
            names = model._base_manager.filter(pk__in=rows[model]).values_list(
                field_name, flat=True
            )
            for name in names:
                path = (root / folder / name).resolve()
                if (root / folder).resolve() in path.parents:
                    paths.append(path)
    return paths


def _delete_rows(rows: dict[type[models.Model], set[Any]]) -> None:
    """Delete the rows, the last found first; a model still referred to by rows not yet deleted
    waits for the next round. Raises ValidationError if a round removes nothing."""
    pending = list(reversed(list(rows)))
    while pending:
        waiting = []
        for model in pending:
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk__in=rows[model]).delete()
            except (ProtectedError, RestrictedError):
                waiting.append(model)
        if len(waiting) == len(pending):
            names = ", ".join(str(m._meta.verbose_name_plural) for m in waiting)
            raise ValidationError(
                f"The record cannot be destroyed: other records still refer to its {names}."
            )
        pending = waiting


def _attendance_schools(rows: dict[type[models.Model], set[Any]]) -> list[Any]:
    """The schools whose attendance columnar copy held the child's weeks: their version token
    changes in this transaction, as an import's would (ADR 7)."""
    weeks = rows.get(AttendanceWeek)
    if not weeks:
        return []
    schools = sorted(
        set(AttendanceWeek.objects.filter(pk__in=weeks).values_list("school_id", flat=True)),
        key=str,
    )
    for school_id in schools:
        ColumnarState.objects.filter(school_id=school_id).update(version_token=uuid.uuid4())
    return schools


def destruction_approve(*, actor: Membership, pupil: Pupil, confirmed: bool) -> Tombstone:
    """The headteacher's approval: destroy the child's record and files, keep a tombstone."""
    if actor.role not in APPROVERS:
        raise ValidationError("Only the headteacher approves destroying a record.")
    if not confirmed:
        raise ValidationError(
            "Confirm that no inquiry, claim or request for the record is known of."
        )
    with transaction.atomic():
        state = _school_of(actor, pupil)
        proposal = state.proposal
        if proposal is None:
            raise ValidationError("No destruction is proposed.")
        if state.held:  # pragma: no cover - a hold withdraws the proposal
            raise ValidationError("The record is on legal hold: nothing may be destroyed.")
        if proposal.proposed_by.user_id == actor.user_id:
            raise ValidationError("A second person must approve: not the one who proposed it.")
        rows = record_rows(pupil)
        files = _files_of(rows)
        counts = {
            str(model._meta.verbose_name).capitalize(): len(keys)
            for model, keys in rows.items()
            if model is not Pupil
        }
        registers = _attendance_schools(rows)
        pupil_id, school_id = pupil.pk, state.school_id
        assert school_id is not None  # _school_of has checked
        now = timezone.now()
        tombstone = Tombstone.objects.create(
            former_record_id=pupil_id,
            school_id=school_id,
            rule=state.rule,
            reason=proposal.reason,
            destroyed_at=now,
            proposed_by=proposal.proposed_by,
            approved_by=actor,
            records_destroyed=counts,
            files_removed=len(files),
        )
        _delete_rows(rows)
        event = audit.record(
            actor=actor,
            action=AuditAction.RECORD_DESTROYED,
            target=tombstone,
            pupil_id=pupil_id,
            reason=proposal.reason,
            details={"records": counts, "files": len(files), "rule": state.rule},
        )
        tombstone.audit_seq = event.seq
        tombstone.save(update_fields=["audit_seq"])

        def _remove_files() -> None:
            for path in files:
                path.unlink(missing_ok=True)
            if registers:
                # The columnar copy is rebuilt without the child's weeks; the old file goes.
                columnar.ensure_current(school_ids=registers)

        transaction.on_commit(_remove_files)
    return tombstone
