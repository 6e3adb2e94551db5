"""Who may read and record casework: other agencies' answers, plans, meetings, escalations,
leaving the roll, the household's other children, engagement and notes. Absent and forbidden
get the same answer: 404 (a role that never reads them is refused earlier, 403, by
`role_required`).

The rules (records-and-access.md §6 "access limited to those who need to know" [P]):
- the safeguarding team (DSL, deputy) reads and records casework for a child who is or was on
  their school's roll, and reads their own school's records only;
- a trust safeguarding lead reads, never records, and only through `pupils.access.access_pupil`:
  where the trust allows child-level access, after saying why;
- nobody else (staff, headteacher, governors, school administrators, attendance lead) reads it.
"""

from uuid import UUID

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from casework.models import (
    AgencyContact,
    AgencyResponse,
    AgreedAbsence,
    EscalationStage,
    HouseholdChild,
    MeetingReport,
    Plan,
)
from pupils.access import access_pupil, child_level
from pupils.models import Pupil
from schools.models import DSL_TEAM_ROLES, Membership, Role

CASEWORK_RECORDERS = DSL_TEAM_ROLES
CASEWORK_READERS = DSL_TEAM_ROLES | {Role.TRUST_LEAD}


def _the_child(pupil: Pupil) -> list[UUID]:
    return [pupil.pk]


def _its_child(row: models.Model) -> list[UUID]:
    """The child a casework row is about (each kind holds `pupil`, or reaches it through its
    contact, escalation or meeting)."""
    for path in ("pupil_id", "contact.pupil_id", "escalation.pupil_id", "meeting.pupil_id"):
        value: object = row
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return [value]  # type: ignore[list-item]
    raise AssertionError(f"{type(row).__name__} names no child")


def visible[M: models.Model](
    model: type[M], *, viewer: Membership, school_field: str = "school"
) -> QuerySet[M]:
    """Every `model` row `viewer` may read: their school's, or (a trust lead where the trust
    allows child-level access) the trust's schools'."""
    manager = model._default_manager
    if viewer.role in CASEWORK_RECORDERS and viewer.school_id is not None:
        return manager.filter(**{f"{school_field}_id": viewer.school_id})
    if viewer.role != Role.TRUST_LEAD or viewer.trust is None:
        return manager.none()
    if not viewer.trust.trust_lead_child_access:
        return manager.none()
    return manager.filter(**{f"{school_field}__trust_id": viewer.trust_id})


@child_level(_the_child)
def access_pupil_casework(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` may read their casework; otherwise Http404. A trust lead must have
    given a reason (AccessReasonRequiredError until then), as for the rest of the record."""
    if viewer.role not in CASEWORK_READERS:
        raise Http404("No such child")
    return access_pupil(viewer=viewer, pupil_id=pupil_id)


@child_level(_the_child)
def access_pupil_to_record(*, viewer: Membership, pupil_id: UUID) -> Pupil:
    """The child, if `viewer` is of the safeguarding team of a school the child is or was at."""
    if viewer.role not in CASEWORK_RECORDERS:
        raise Http404("No such child")
    return access_pupil(viewer=viewer, pupil_id=pupil_id)


def _own[M: models.Model](
    model: type[M], *, viewer: Membership, pk: UUID, school_field: str = "school"
) -> M:
    """A row of the viewer's own school, for its safeguarding team to add to."""
    if viewer.role not in CASEWORK_RECORDERS or viewer.school_id is None:
        raise Http404("Not found")
    row = model._default_manager.filter(pk=pk, **{f"{school_field}_id": viewer.school_id}).first()
    if row is None:
        raise Http404("Not found")
    return row


@child_level(_its_child)
def access_contact_to_answer(*, viewer: Membership, contact_id: UUID) -> AgencyContact:
    """A contact the viewer's school made, to record the agency's answer to it."""
    return _own(AgencyContact, viewer=viewer, pk=contact_id)


@child_level(_its_child)
def access_response_to_escalate(*, viewer: Membership, response_id: UUID) -> AgencyResponse:
    """An answer to the viewer's school's contact, to open an escalation from."""
    return _own(AgencyResponse, viewer=viewer, pk=response_id, school_field="contact__school")


@child_level(_its_child)
def access_plan_to_end(*, viewer: Membership, plan_id: UUID) -> Plan:
    return _own(Plan, viewer=viewer, pk=plan_id)


@child_level(_its_child)
def access_stage_to_decide(*, viewer: Membership, stage_id: UUID) -> EscalationStage:
    return _own(EscalationStage, viewer=viewer, pk=stage_id, school_field="escalation__school")


@child_level(_its_child)
def access_absence_to_close(*, viewer: Membership, absence_id: UUID) -> AgreedAbsence:
    return _own(AgreedAbsence, viewer=viewer, pk=absence_id)


@child_level(_its_child)
def access_household_child(*, viewer: Membership, child_id: UUID) -> HouseholdChild:
    return _own(HouseholdChild, viewer=viewer, pk=child_id)


@child_level(_its_child)
def access_meeting_report(*, viewer: Membership, report_id: UUID) -> MeetingReport:
    """A school's report to a meeting, for whoever may read the meeting (a trust lead only once
    they have given a reason to open the child's record)."""
    if viewer.role not in CASEWORK_READERS:
        raise Http404("No such report")
    report = (
        visible(MeetingReport, viewer=viewer, school_field="meeting__school")
        .select_related("meeting")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404("No such report")
    access_pupil(viewer=viewer, pupil_id=report.meeting.pupil_id)
    return report
