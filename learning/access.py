"""Who reads the team's learning. Absent and forbidden get the same answer: 404 (ADR 20).

- Supervision: the safeguarding team records and reads sessions and the children discussed;
  the headteacher reads sessions without the children (records-and-access.md §6, need to know).
  Opening a child goes through the child's own page and its gate.
- Reflective reviews: the safeguarding team records; the headteacher reads.
- Practice reviews library: the safeguarding team records; the headteacher and governors read.
- What went well: the safeguarding team records, from an ended plan or a decided concern, and
  reads with the headteacher; governors see only totals by theme (analytics).
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from casework.models import Plan
from concerns.access import access_concern_for_triage
from concerns.models import Concern
from learning.models import SupervisionSession, WentWell
from pupils.access import child_level
from schools.models import DSL_TEAM_ROLES, Membership, Role

TEAM = DSL_TEAM_ROLES
TEAM_AND_HEAD = DSL_TEAM_ROLES | {Role.HEADTEACHER}
LIBRARY_READERS = TEAM_AND_HEAD | {Role.GOVERNOR}


def sees_children_discussed(*, viewer: Membership) -> bool:
    return viewer.role in TEAM


def _children_discussed(session: SupervisionSession) -> list[UUID]:
    return list(session.supervisionchild_set.values_list("pupil_id", flat=True))


def _plans_child(plan: Plan) -> list[UUID]:
    return [plan.pupil_id]


def _concerns_children(concern: Concern) -> list[UUID]:
    return list(concern.parts.values_list("pupil_id", flat=True))


def sessions_visible_to(*, viewer: Membership) -> QuerySet[SupervisionSession]:
    if viewer.role not in TEAM_AND_HEAD or viewer.school_id is None:
        return SupervisionSession.objects.none()
    return SupervisionSession.objects.filter(school_id=viewer.school_id)


@child_level(_children_discussed)
def access_supervision(*, viewer: Membership, session_id: UUID) -> SupervisionSession:
    """A supervision session at the viewer's school; the children discussed pass the gate."""
    session = sessions_visible_to(viewer=viewer).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such session")
    return session


@child_level(_plans_child)
def access_ended_plan(*, viewer: Membership, plan_id: UUID) -> Plan:
    """An ended plan of the viewer's school, for its safeguarding team to say what went well."""
    if viewer.role not in TEAM or viewer.school_id is None:
        raise Http404("No such plan")
    plan = (
        Plan.objects.filter(pk=plan_id, school_id=viewer.school_id, ending__isnull=False)
        .select_related("pupil")
        .first()
    )
    if plan is None:
        raise Http404("No such plan")
    return plan


@child_level(_concerns_children)
def access_decided_concern(*, viewer: Membership, concern_id: UUID) -> Concern:
    """A concern the viewer's team has decided on (the case closed or moved on)."""
    concern = access_concern_for_triage(viewer=viewer, concern_id=concern_id)
    if not concern.decisions.exists():
        raise Http404("No such concern")
    return concern


def went_well_visible_to(*, viewer: Membership) -> QuerySet[WentWell]:
    if viewer.role not in TEAM_AND_HEAD or viewer.school_id is None:
        return WentWell.objects.none()
    return WentWell.objects.filter(school_id=viewer.school_id)
