"""Who reaches a child's retention page: the safeguarding team and the headteacher of the school
that holds the child's file (the school of the latest enrolment); nobody else. Absent and
forbidden get the same answer: 404 (a role that never decides retention is refused earlier,
403, by `role_required`). A trust lead decides nothing here."""

from uuid import UUID

from django.http import Http404

from pupils.access import child_level, pupils_visible_to
from pupils.models import Pupil
from retention.selectors import responsible_school_id
from schools.models import DSL_TEAM_ROLES, Membership, Role

RETENTION_ROLES = DSL_TEAM_ROLES | {Role.HEADTEACHER}


def _itself(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


@child_level(_itself)
def access_pupil_retention(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` decides the retention of the child's record; otherwise Http404."""
    if viewer.role not in RETENTION_ROLES or viewer.school_id is None:
        raise Http404("No such child")
    pupil = pupils_visible_to(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None or responsible_school_id(pupil) != viewer.school_id:
        raise Http404("No such child")
    return pupil
