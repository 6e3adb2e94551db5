"""Who may read and record the factors known about a child. Absent and forbidden get the same
answer: 404 (a role that never reads them is refused earlier, 403, by `role_required`).

The rules (`records-and-access.md` §6 "access limited to those who need to know" [P]):
- the safeguarding team (DSL, deputy) reads and records factors for a child who is or was on
  their school's roll, and withdraws the factors their school recorded;
- a trust safeguarding lead reads them only where the trust allows child-level access, and only
  after saying why (`schools.reasons`), as for the rest of the child's record; never records;
- nobody else (staff, headteacher, governors, school administrators) reads them here;
- nobody reads another school's factors, except a trust lead for the trust's schools.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from factors.models import KnownFactor
from pupils.access import child_level, pupils_visible_to
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, Membership, Role

FACTOR_RECORDERS = DSL_TEAM_ROLES
FACTOR_READERS = DSL_TEAM_ROLES | {Role.TRUST_LEAD}


def _itself(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


def _its_child(factor: KnownFactor) -> list[UUID]:
    return [factor.pupil_id]


def factors_visible_to(*, viewer: Membership) -> QuerySet[KnownFactor]:
    """Every known factor `viewer` may read (withdrawn ones included)."""
    if viewer.role in FACTOR_RECORDERS and viewer.school_id is not None:
        return KnownFactor.objects.filter(school_id=viewer.school_id)
    if viewer.role != Role.TRUST_LEAD or viewer.trust is None:
        return KnownFactor.objects.none()
    if not viewer.trust.trust_lead_child_access:
        return KnownFactor.objects.none()
    return KnownFactor.objects.filter(school__trust=viewer.trust)


@child_level(_itself)
def access_pupil_factors(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` may read the factors known about them; otherwise Http404.

    The safeguarding team: a child who is or was on their school's roll. A trust lead: a child
    of the trust where the trust allows child-level access, once a reason is given
    (AccessReasonRequiredError until then).
    """
    if viewer.role not in FACTOR_READERS:
        raise Http404("No such child")
    pupil = pupils_visible_to(viewer=viewer).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    return pupil


@child_level(_itself)
def access_pupil_to_record_factor(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` is of the safeguarding team of a school the child is or was at."""
    if viewer.role not in FACTOR_RECORDERS:
        raise Http404("No such child")
    return access_pupil_factors(viewer=viewer, pupil_id=pupil_id)


@child_level(_its_child)
def access_factor_to_withdraw(*, viewer: Membership, factor_id: UUID) -> KnownFactor:
    """A factor recorded at the viewer's school, for its safeguarding team to withdraw."""
    if viewer.role not in FACTOR_RECORDERS:
        raise Http404("No such factor")
    factor = factors_visible_to(viewer=viewer).select_related("pupil").filter(pk=factor_id).first()
    if factor is None:
        raise Http404("No such factor")
    return factor
