"""Reading the audit trail: verifying the chain, and a child's access log."""

import re
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from audit.bounds import quoted
from audit.models import READ_ACTIONS, AuditEvent
from audit.services import GENESIS_SEAL, compute_seal


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where the stored trail is not what Cairn wrote."""

    kind: str  # "edited", "deleted" or "inserted"
    seq: int
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    events_checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


# The fields a seal covers, and the seal: a named row of them.
_Sealed = namedtuple(
    "_Sealed",
    [
        "seq",
        "at",
        "actor_id",
        "actor_label",
        "role",
        "school_id",
        "action",
        "target_type",
        "target_id",
        "pupil_id",
        "ip_address",
        "user_agent",
        "reason",
        "details",
        "prev_seal",
        "seal",
    ],
)
_SEALED_FIELDS = _Sealed._fields


# The sealed fields that hold a UUID, and a seal's form of it (str(UUID(...))) as text: 32 hex
# digits as SQLite stores it, or with its hyphens as PostgreSQL writes it.
_UUID_FIELDS = ("actor_id", "school_id", "pupil_id")
_STORED_HEX = re.compile(r"[0-9a-f]{32}")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid_text(stored: str | None) -> str | None:
    """str(UUID(stored)), the text a seal covers, mostly without making the UUID: the stored
    hex is given its hyphens by slicing. Anything in another form goes through UUID as Django's
    own conversion would; what is not a UUID at all is left as it is (its seal will not match,
    and the event is reported)."""
    if stored is None:
        return None
    if _STORED_HEX.fullmatch(stored):
        h = stored
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if _CANONICAL_UUID.fullmatch(stored):
        return stored
    try:
        return str(UUID(stored))
    except ValueError:
        return stored


def _events_in_order(batch_size: int) -> Iterator[Any]:
    """Every event in order, as a named row of its sealed fields: building a model instance per
    event took most of the time of verifying a long trail (a restore verifies the whole trail).
    The UUID fields are read as text and given in a seal's form: making a UUID object for each
    of them, only for the seal to turn it back into text, was a third of the remaining time."""
    as_text = {f"{name}_text": Cast(name, output_field=CharField()) for name in _UUID_FIELDS}
    columns = [f"{name}_text" if name in _UUID_FIELDS else name for name in _SEALED_FIELDS]
    at_uuid = [columns.index(f"{name}_text") for name in _UUID_FIELDS]
    # Few people act and there are few schools: their text is worked out once each.
    known: dict[str, str | None] = {}
    rows = (
        AuditEvent.objects.order_by("seq")
        .annotate(**as_text)
        .values_list(*columns)
        .iterator(chunk_size=batch_size)
    )
    for row in rows:
        values = list(row)
        actor, school, pupil = at_uuid
        for at in (actor, school):
            stored = values[at]
            if stored is not None:
                text = known.get(stored)
                if text is None:
                    text = known[stored] = _uuid_text(stored)
                values[at] = text
        values[pupil] = _uuid_text(values[pupil])
        yield _Sealed._make(values)


def _describe(event: Any) -> str:
    return f"#{event.seq} ({event.action}, {event.at:%Y-%m-%d %H:%M:%S})"


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the trail in order and report the first edited, deleted or inserted event.

    - edited: the event's seal no longer matches its content, though it still links to the event
      before it;
    - inserted: the event matches neither its seal nor its place in the chain;
    - deleted: the event is sound but what stood before it is gone (a gap in the numbering, or a
      link to a seal that is no longer there).
    """
    prev_seq = 0
    prev_seal = GENESIS_SEAL
    checked = 0
    for event in _events_in_order(batch_size):
        checked += 1
        sealed_ok = compute_seal(event) == event.seal
        linked_ok = event.prev_seal == prev_seal
        in_sequence = event.seq == prev_seq + 1
        if not sealed_ok and linked_ok and in_sequence:
            return ChainReport(
                checked,
                ChainBreak(
                    "edited",
                    event.seq,
                    f"Event {_describe(event)} was edited: its content no longer matches its seal.",
                ),
            )
        if not sealed_ok:
            return ChainReport(
                checked,
                ChainBreak(
                    "inserted",
                    event.seq,
                    f"Event {_describe(event)} was inserted: it matches neither its seal nor its "
                    "place in the chain.",
                ),
            )
        if not (linked_ok and in_sequence):
            missing = (
                f"#{prev_seq + 1}"
                if event.seq == prev_seq + 2
                else f"#{prev_seq + 1} to #{event.seq - 1}"
                if event.seq > prev_seq + 1
                else f"one or more events before #{event.seq}"
            )
            return ChainReport(
                checked,
                ChainBreak(
                    "deleted",
                    event.seq,
                    f"Event(s) {missing} were deleted: event #{event.seq} links to a seal that is "
                    "no longer in the trail.",
                ),
            )
        prev_seq, prev_seal = event.seq, event.seal
    return ChainReport(checked, None)


ANCHOR_PREFIX = "cairn-audit-anchor"
_ANCHOR = re.compile(rf"^{ANCHOR_PREFIX} seq=(\d{{1,18}}) seal=([0-9a-f]{{64}})(?: .*)?$")


@dataclass(frozen=True, slots=True)
class Anchor:
    """The newest event's number and seal, copied somewhere the database's users cannot reach.

    The chain shows an edited, inserted or deleted event in the middle; it cannot show that the
    newest events were removed (the shorter trail is still a sound chain) or that the whole table
    was emptied. An anchor kept outside the database can: the event it names must still be
    there, with the same seal (docs/deploy.md, "Audit trail").
    """

    seq: int
    seal: str

    def __str__(self) -> str:
        return f"{ANCHOR_PREFIX} seq={self.seq} seal={self.seal}"

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        """An anchor from the line `audit_anchor` printed; ValueError naming what is wrong."""
        match = _ANCHOR.match(text.strip())
        if match is None:
            raise ValueError(
                f"{quoted(text.strip(), 100)} is not an audit anchor "
                f"(expected '{ANCHOR_PREFIX} seq=N seal=<64 hex digits>')."
            )
        return cls(seq=int(match.group(1)), seal=match.group(2))


def audit_anchor() -> Anchor:
    """The anchor for the trail as it stands: its newest event, or the empty trail's genesis."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "seal").first()
    if last is None:
        return Anchor(seq=0, seal=GENESIS_SEAL)
    return Anchor(seq=last[0], seal=last[1])


def audit_anchor_problem(anchor: Anchor) -> str | None:
    """Why the trail no longer holds what `anchor` recorded, or None if it does."""
    if anchor.seq == 0:
        return None if anchor.seal == GENESIS_SEAL else "The anchor for an empty trail is wrong."
    stored = AuditEvent.objects.filter(seq=anchor.seq).values_list("seal", flat=True).first()
    if stored is None:
        newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        if newest is None:
            return (
                f"The trail is empty, but the anchor records event #{anchor.seq}: "
                "every event was removed."
            )
        if newest < anchor.seq:
            return (
                f"The trail ends at event #{newest}, but the anchor records event #{anchor.seq}: "
                f"events #{newest + 1} to #{anchor.seq} were removed."
            )
        return f"Event #{anchor.seq}, which the anchor records, is missing from the trail."
    if stored != anchor.seal:
        return (
            f"Event #{anchor.seq} differs from the anchor: its seal is not the one recorded, so "
            "the trail up to it was rewritten."
        )
    return None


def access_log_for_pupil(*, pupil_id: UUID) -> QuerySet[AuditEvent]:
    """Every event about one child, newest first: who looked, and when."""
    return AuditEvent.objects.filter(pupil_id=pupil_id).select_related("actor").order_by("-seq")


def latest_change() -> tuple[int, str]:
    """The number and seal of the newest event that is not a read (`READ_ACTIONS`): it moves
    with every write Cairn makes, since every write records an event in its own transaction, and
    the seal tells apart two trails that reached the same number (a restore, a test's rollback).
    One step down the partial index `audit_write_seq` however many reads follow it. (0, "")
    before the first write."""
    with connection.cursor() as cursor:
        cursor.execute(_latest_change_sql())
        newest = cursor.fetchone()
    return (int(newest[0]), str(newest[1])) if newest is not None else (0, "")


@cache
def _latest_change_sql() -> str:
    """The statement, with the read actions written into it rather than passed as parameters:
    SQLite uses a partial index only for a condition it can see matches the index's own, and
    bound parameters hide it. The actions are names from code, checked to be plain words."""
    assert all(re.fullmatch(r"[a-z_]+", action) for action in READ_ACTIONS)
    reads = ", ".join(f"'{action}'" for action in READ_ACTIONS)
    table = AuditEvent._meta.db_table
    return (
        f'SELECT "seq", "seal" FROM "{table}" WHERE NOT ("action" IN ({reads})) '  # noqa: S608
        'ORDER BY "seq" DESC LIMIT 1'
    )
