"""Writing the audit trail. `record` (one event) and `record_many` (a batch, in order, for
imports) are the only ways in; call them inside the change's transaction."""

import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import rows
from audit.bounds import bounded
from audit.models import AuditAction, AuditEvent

GENESIS_SEAL = "0" * 64
# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x43414952_4E415544  # "CAIRNAUD"


class Person(Protocol):
    """Whoever acted (accounts.User): audit sits below the apps that define people and roles."""

    pk: Any
    email: str


class Actor(Protocol):
    """A role someone acts in (schools.Membership), as the trail records it."""

    @property
    def user(self) -> Any: ...
    @property
    def role(self) -> str: ...
    @property
    def school_id(self) -> Any: ...


def client_address(request: HttpRequest) -> str | None:
    """The address of the person making the request, read through the reverse proxies Cairn is
    told it sits behind (`CAIRN_TRUSTED_PROXY_COUNT`; docs/deploy.md, ADR 15).

    Each trusted proxy appends the address it was connected from to X-Forwarded-For, so with n
    proxies the client is the n-th entry from the right; anything further left was written by
    the client and is ignored. With no proxies, or a header shorter than the proxies promise (a
    request that did not come through them), or an entry that is not an address, REMOTE_ADDR.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "") or None
    proxies = int(getattr(settings, "CAIRN_TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


@dataclass(frozen=True, slots=True)
class RequestInfo:
    ip_address: str | None
    user_agent: str

    @classmethod
    def from_request(cls, request: HttpRequest | None) -> "RequestInfo":
        if request is None:
            return cls(ip_address=None, user_agent="")
        return cls(
            ip_address=client_address(request),
            user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:400],
        )


class Sealed(Protocol):
    """What a seal covers: an AuditEvent, or a row of its fields (audit_chain_verify reads rows,
    not model instances, to check a long trail quickly)."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor_id(self) -> Any: ...
    @property
    def actor_label(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def school_id(self) -> UUID | None: ...
    @property
    def action(self) -> str: ...
    @property
    def target_type(self) -> str: ...
    @property
    def target_id(self) -> str: ...
    @property
    def pupil_id(self) -> UUID | None: ...
    @property
    def ip_address(self) -> str | None: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def details(self) -> Any: ...
    @property
    def prev_seal(self) -> str: ...


def _canonical(event: Sealed) -> bytes:
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": str(event.actor_id) if event.actor_id else "",
        "actor_label": event.actor_label,
        "role": event.role,
        "school_id": str(event.school_id) if event.school_id else "",
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "pupil_id": str(event.pupil_id) if event.pupil_id else "",
        "ip_address": event.ip_address or "",
        "user_agent": event.user_agent,
        "reason": event.reason,
        "details": event.details,
        "prev_seal": event.prev_seal,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_seal(event: Sealed) -> str:
    key = settings.AUDIT_SEAL_KEY.encode()
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: every write transaction starts IMMEDIATE (settings), so appends are already serial.


def _chain_head() -> tuple[int, str]:
    """Lock the chain for this transaction and return the next number and the seal it links to."""
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "seal").first()
    return (last[0] + 1, last[1]) if last else (1, GENESIS_SEAL)


def record(
    *,
    actor: Actor | None,
    action: AuditAction,
    target: models.Model | None = None,
    pupil_id: UUID | None = None,
    request: HttpRequest | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    user: Person | None = None,
    school_id: UUID | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the trail, in the caller's transaction.

    `actor` is the membership acting; `user` names the person where there is no membership yet
    (sign-in, a failed attempt). `target` is the object acted on; `pupil_id` the child concerned.
    """
    if not connection.in_atomic_block:
        # Reads are audited too; give them a transaction of their own.
        with transaction.atomic():
            return record(
                actor=actor,
                action=action,
                target=target,
                pupil_id=pupil_id,
                request=request,
                reason=reason,
                details=details,
                user=user,
                school_id=school_id,
                at=at,
            )
    seq, prev_seal = _chain_head()
    event = _event(
        seq=seq,
        prev_seal=prev_seal,
        actor=actor,
        action=action,
        target=target,
        pupil_id=pupil_id,
        request=request,
        reason=reason,
        details=details,
        user=user,
        school_id=school_id,
        at=at,
    )
    event.save(force_insert=True)
    return event


@dataclass(frozen=True, slots=True)
class Entry:
    """One event waiting to be appended by `record_many`: the arguments `record` takes, with
    `at` fixed when the thing happened rather than when the batch is written."""

    actor: Actor | None
    action: AuditAction
    at: datetime
    target: models.Model | None = None
    pupil_id: UUID | None = None
    reason: str = ""
    details: dict[str, Any] | None = None
    school_id: UUID | None = None


def record_many(entries: list[Entry], *, copier: rows.CopyThread | None = None) -> int:
    """Append `entries` to the trail in order, in the caller's transaction: exactly the events
    (numbers, seals, links) that calling `record` for each in turn would write, with one lock,
    one read of the last event and one insert per few hundred. For imports, which audit every
    child they write. With a `copier` the events go with the copier's next batch (the caller
    waits for its batch in flight first: the last event is read here). Returns how many were
    appended."""
    if not entries:
        return 0
    if not connection.in_atomic_block:
        with transaction.atomic():
            return record_many(entries, copier=copier)
    seq, prev_seal = _chain_head()
    events = []
    for entry in entries:
        event = _event(
            seq=seq,
            prev_seal=prev_seal,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            pupil_id=entry.pupil_id,
            request=None,
            reason=entry.reason,
            details=entry.details,
            user=None,
            school_id=entry.school_id,
            at=entry.at,
        )
        events.append(event)
        seq, prev_seal = seq + 1, event.seal
    rows.insert(AuditEvent, events, copier=copier)
    return len(events)


def _event(
    *,
    seq: int,
    prev_seal: str,
    actor: Actor | None,
    action: AuditAction,
    target: models.Model | None,
    pupil_id: UUID | None,
    request: HttpRequest | None,
    reason: str,
    details: dict[str, Any] | None,
    user: Person | None,
    school_id: UUID | None,
    at: datetime | None,
) -> AuditEvent:
    """The sealed event at `seq`, linked to `prev_seal`; not yet saved."""
    person = actor.user if actor is not None else user
    if not reason and pupil_id is not None:
        # A reason given to open this child's record (schools.reasons) goes with every read.
        reason = getattr(actor, "access_reasons", {}).get(str(pupil_id), "")
    info = RequestInfo.from_request(request)
    # Built as the fast insert builds rows (no model constructor); `record` saves it as usual.
    event = rows.new(
        AuditEvent,
        seq=seq,
        at=at or timezone.now(),
        actor_id=person.pk if person is not None else None,
        actor_label=person.email if person is not None else "",
        role=actor.role if actor is not None else "",
        school_id=school_id or (actor.school_id if actor is not None else None),
        action=str(action),
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        pupil_id=pupil_id,
        ip_address=info.ip_address,
        user_agent=info.user_agent,
        reason=reason,
        # Bounded: a value quoted from a hostile file must not make a 200 MB event.
        details=bounded(details or {}),
        prev_seal=prev_seal,
    )
    event.seal = compute_seal(event)
    return event
