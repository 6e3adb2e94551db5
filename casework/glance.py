"""Casework beside each child in the pupil list (settings.PUPIL_LIST_FLAGS): the plan the child
is on now, for whoever may read casework."""

from uuid import UUID

from casework.access import CASEWORK_READERS, visible
from casework.models import Plan, PlanKind
from pupils.selectors import ListFlag
from schools.models import Membership


def list_flags(*, viewer: Membership, pupil_ids: list[UUID]) -> dict[UUID, list[ListFlag]]:
    if viewer.role not in CASEWORK_READERS:
        return {}
    flags: dict[UUID, list[ListFlag]] = {}
    rows = (
        visible(Plan, viewer=viewer)
        .filter(pupil_id__in=pupil_ids, ending__isnull=True)
        .values_list("pupil_id", "kind")
        .distinct()
    )
    for pupil_id, kind in rows:
        flags.setdefault(pupil_id, []).append(ListFlag(str(PlanKind(kind).label), "purple"))
    return flags
