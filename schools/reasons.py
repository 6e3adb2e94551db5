"""Reasons for opening a child's record from outside the school (the trust safeguarding lead).

Where a trust allows its lead to open child-level records (`Trust.trust_lead_child_access`), each
child's record is opened only after the lead says why. The reason lasts for a short while in the
session, is written to the audit trail with every read it covers, and shows on the child's
access log. Everyone else reads by their role at the school and is never asked.

Lists of children (the pupil search) need a reason too: one for finding children, given before
the first list is shown, kept under `LIST_REASON` beside the per-child reasons. The one gate that
asks for these is `pupils.access.child_read` / `child_list_read` (ADR 14); this module keeps the
reasons in the session and says which are missing.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from schools.models import Membership, Role

P = ParamSpec("P")
T = TypeVar("T")

SESSION_REASONS = "cairn_access_reasons"
REASON_MINUTES = 30
# The key under which the reason for listing children (searching) is kept; never a child's id.
LIST_REASON = "lists"


class AccessReasonRequiredError(Exception):
    """Raised by the gate; the middleware turns it into the page that asks why.

    `pupil_id` names the child whose record needs a reason, or is None when the reason missing
    is the one for listing children (the pupil search).
    """

    def __init__(self, pupil_id: UUID | None) -> None:
        what = f"the record of {pupil_id}" if pupil_id is not None else "a list of children"
        super().__init__(f"A reason is needed to open {what}")
        self.pupil_id = pupil_id


def reasons_in_session(session: Any, *, now: float | None = None) -> dict[str, str]:
    """The reasons given this session that have not yet run out, by child id."""
    now = time.time() if now is None else now
    stored = session.get(SESSION_REASONS, {})
    return {pid: entry["reason"] for pid, entry in stored.items() if entry["until"] > now}


def remember_reason(session: Any, *, pupil_id: UUID | None, reason: str) -> None:
    """Keep `reason` for `pupil_id` (or, with None, for listing children) for REASON_MINUTES."""
    now = time.time()
    stored = {
        pid: entry
        for pid, entry in session.get(SESSION_REASONS, {}).items()
        if entry["until"] > now
    }
    key = LIST_REASON if pupil_id is None else str(pupil_id)
    stored[key] = {"reason": reason, "until": now + REASON_MINUTES * 60}
    session[SESSION_REASONS] = stored


def asks_reasons(viewer: Membership) -> bool:
    """Whether `viewer` must say why before reading child-level records: a trust lead whose trust
    lets them read any (where it does not, they read none and are never asked)."""
    if viewer.role != Role.TRUST_LEAD or viewer.trust is None:
        return False
    return viewer.trust.trust_lead_child_access


def given_reasons(viewer: Membership) -> dict[str, str]:
    """The reasons `viewer` has given and that are still in force (set by the middleware)."""
    reasons: dict[str, str] = getattr(viewer, "access_reasons", {})
    return reasons


def list_reason(*, viewer: Membership) -> str:
    """The reason that lets `viewer` list children: "" for those never asked; for a trust lead,
    the reason given for finding children, or AccessReasonRequiredError(None)."""
    if not asks_reasons(viewer):
        return ""
    reason = given_reasons(viewer).get(LIST_REASON)
    if not reason:
        raise AccessReasonRequiredError(None)
    return reason


def missing_reason(*, viewer: Membership, pupil_ids: Iterable[UUID]) -> UUID | None:
    """The first of `pupil_ids` for which `viewer` still has to give a reason, or None."""
    if not asks_reasons(viewer):
        return None
    reasons = given_reasons(viewer)
    for pupil_id in pupil_ids:
        if str(pupil_id) not in reasons:
            return pupil_id
    return None


# The attribute each access function carries: CHILD_LEVEL (set by `pupils.access.child_level`),
# or the reason it yields nothing about a child (set by `not_child_level`).
GATE_ATTRIBUTE = "cairn_gate"
CHILD_LEVEL = "child-level"


def not_child_level(why: str) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Mark an access function that yields nothing about a child, saying why. The gate's check
    (tests/test_child_gate.py) fails on an access function with neither this mark nor
    `pupils.access.child_level`."""

    def decorate(access: Callable[P, T]) -> Callable[P, T]:
        setattr(access, GATE_ATTRIBUTE, why)
        return access

    return decorate
