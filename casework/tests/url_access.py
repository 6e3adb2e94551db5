"""Who reaches each casework URL. The safeguarding team reads and records; the world's trust does
not let its lead open child records, so the trust lead gets past the role check on reading pages
and is then told the child does not exist (404); everyone else is refused (403). Another
school's DSL is told there is no such child or record (404)."""

from casework.tests.factories import (
    AgencyContactFactory,
    AgencyResponseFactory,
    AgreedAbsenceFactory,
    EscalationStageFactory,
    HouseholdChildFactory,
    MeetingReportFactory,
    PlanFactory,
)
from tests.access_table import Case, allow, child_level, world_object

_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731
_team = ("dsl", "deputy_dsl")


def _contact(world) -> dict[str, object]:
    build = lambda w: AgencyContactFactory(pupil=w.pupil, recorded_by=w.dsl)  # noqa: E731
    return {"contact_id": world_object(world, "casework_contact", build).pk}


def _response(world) -> dict[str, object]:
    def build(w):
        contact = AgencyContactFactory(pupil=w.pupil, recorded_by=w.dsl)
        return AgencyResponseFactory(contact=contact)

    return {"response_id": world_object(world, "casework_response", build).pk}


def _plan(world) -> dict[str, object]:
    build = lambda w: PlanFactory(pupil=w.pupil, recorded_by=w.dsl)  # noqa: E731
    return {"plan_id": world_object(world, "casework_plan", build).pk}


def _report(world) -> dict[str, object]:
    def build(w):
        return MeetingReportFactory(meeting__pupil=w.pupil, meeting__recorded_by=w.dsl)

    return {"report_id": world_object(world, "casework_report", build).pk}


def _stage(world) -> dict[str, object]:
    def build(w):
        return EscalationStageFactory(
            escalation__response__contact__pupil=w.pupil,
            escalation__response__contact__recorded_by=w.dsl,
        )

    return {"stage_id": world_object(world, "casework_stage", build).pk}


def _absence(world) -> dict[str, object]:
    build = lambda w: AgreedAbsenceFactory(pupil=w.pupil, recorded_by=w.dsl)  # noqa: E731
    return {"absence_id": world_object(world, "casework_absence", build).pk}


def _household_child(world) -> dict[str, object]:
    build = lambda w: HouseholdChildFactory(pupil=w.pupil, recorded_by=w.dsl)  # noqa: E731
    return {"child_id": world_object(world, "casework_household_child", build).pk}


# Recording forms: the team gets the form; a trust lead never records (403).
_record = allow(*_team, other_school_dsl=404)

CASES = {
    "casework:pupil": Case(child_level(allow(*_team, other_school_dsl=404)), kwargs=_child),
    "casework:contact_add": Case(_record, kwargs=_child),
    "casework:response_add": Case(_record, kwargs=_contact),
    "casework:plan_add": Case(_record, kwargs=_child),
    "casework:plan_end": Case(_record, kwargs=_plan),
    "casework:meeting_add": Case(_record, kwargs=_child),
    # The report's file is not on disk in the table's world: the team gets past the access
    # check to "the file is missing" (404); tests/test_views.py downloads a real one.
    "casework:report": Case(
        child_level(allow(*_team, ok=404, other_school_dsl=404), with_reason=404), kwargs=_report
    ),
    "casework:escalate": Case(_record, kwargs=_response),
    "casework:stage_outcome": Case(_record, kwargs=_stage),
    # Each school's own procedure: another school's DSL sees and sets their own.
    "casework:stage_settings": Case(allow(*_team, "other_school_dsl")),
    "casework:leaving": Case(_record, kwargs=_child),
    "casework:absence_add": Case(_record, kwargs=_child),
    "casework:absence_return": Case(_record, kwargs=_absence),
    "casework:household_child_add": Case(_record, kwargs=_child),
    "casework:sighting_add": Case(_record, kwargs=_household_child),
    "casework:engagement_add": Case(_record, kwargs=_child),
    "casework:note_add": Case(_record, kwargs=_child),
}
