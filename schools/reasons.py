"""Reasons for opening a child's record from outside the school (the trust safeguarding lead).

Where a trust allows its lead to open child-level records (`Trust.trust_lead_child_access`), each
child's record is opened only after the lead says why. The reason lasts for a short while in the
session, is written to the audit trail with every read it covers, and shows on the child's
access log. Everyone else reads by their role at the school and is never asked.
"""

import time
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from schools.models import Membership, Role

SESSION_REASONS = "cairn_access_reasons"
REASON_MINUTES = 30


class AccessReasonRequiredError(Exception):
    """Raised by access functions; the middleware turns it into the page that asks why."""

    def __init__(self, pupil_id: UUID) -> None:
        super().__init__(f"A reason is needed to open the record of {pupil_id}")
        self.pupil_id = pupil_id


def reasons_in_session(session: Any, *, now: float | None = None) -> dict[str, str]:
    """The reasons given this session that have not yet run out, by child id."""
    now = time.time() if now is None else now
    stored = session.get(SESSION_REASONS, {})
    return {pid: entry["reason"] for pid, entry in stored.items() if entry["until"] > now}


def remember_reason(session: Any, *, pupil_id: UUID, reason: str) -> None:
    now = time.time()
    stored = {
        pid: entry
        for pid, entry in session.get(SESSION_REASONS, {}).items()
        if entry["until"] > now
    }
    stored[str(pupil_id)] = {"reason": reason, "until": now + REASON_MINUTES * 60}
    session[SESSION_REASONS] = stored


def reason_for(*, viewer: Membership, pupil_ids: Iterable[UUID]) -> str:
    """The reason that lets `viewer` open a record about any of `pupil_ids`.

    "" for roles that read by their place at the school; for a trust lead, the reason given for
    one of the children, or AccessReasonRequiredError when none has been given.
    """
    if viewer.role != Role.TRUST_LEAD:
        return ""
    ids = list(pupil_ids)
    reasons: dict[str, str] = getattr(viewer, "access_reasons", {})
    for pupil_id in ids:
        if str(pupil_id) in reasons:
            return reasons[str(pupil_id)]
    if not ids:
        return ""
    raise AccessReasonRequiredError(ids[0])
