"""The edges: every refusal the forms cannot reach (the escalation procedure's settings, a
report's file, an import line's odd values), and each record named in words."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import services
from casework.models import EscalationOutcome, PlanEnding
from casework.services.meetings import report_check
from casework.tests.factories import (
    AgencyContactFactory,
    AgencyResponseFactory,
    AgreedAbsenceFactory,
    DayNoteFactory,
    EscalationStageFactory,
    HouseholdChildFactory,
    MeetingFactory,
    MeetingReportFactory,
    PlanFactory,
)
from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_json_lines
from pupils.tests.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def test_each_record_is_named_in_words(dsl, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl, agency_name="Northshire MASH")
    answer = AgencyResponseFactory(contact=contact)
    plan = PlanFactory(pupil=pupil, recorded_by=dsl, kind="cp", cp_category="NEG")
    ending = PlanEnding.objects.create(
        plan=plan,
        ended_on=date(2026, 1, 5),
        reason="needs_met",
        recorded_by=dsl,
        recorded_at=plan.recorded_at,
    )
    stage = EscalationStageFactory(escalation__response=answer)
    outcome = EscalationOutcome.objects.create(
        stage=stage,
        kind="changed",
        decided_on=date(2025, 10, 12),
        what_was_said="x",
        recorded_by=dsl,
        recorded_at=plan.recorded_at,
    )
    leaving = services.leaving_record(
        actor=dsl, pupil=pupil, left_on=date(2026, 2, 27), reason="ehe"
    )
    other = HouseholdChildFactory(pupil=pupil, recorded_by=dsl)
    sighting = services.sighting_record(
        actor=dsl, child=other, seen_on=date(2026, 1, 2), seen_by="GP"
    )
    absence = AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl)
    back = services.absence_return_record(
        actor=dsl, absence=absence, returned_on=date(2025, 11, 24)
    )
    event = services.engagement_record(
        actor=dsl,
        pupil=pupil,
        kind="hostility",
        occurred_on=date(2026, 2, 2),
        adult="Dad",
        details="Shouted at reception.",
    )
    names = [
        str(contact),
        str(answer),
        str(plan),
        str(ending),
        str(stage.escalation),
        str(stage),
        str(outcome),
        str(leaving),
        str(other),
        str(sighting),
        str(absence),
        str(back),
        str(event),
        str(DayNoteFactory(pupil=pupil, recorded_by=dsl)),
        str(MeetingFactory(pupil=pupil, recorded_by=dsl)),
        str(MeetingReportFactory(meeting__pupil=pupil, meeting__recorded_by=dsl)),
    ]
    assert names == [
        "Children's social care or the MASH, 6 Oct 2025",
        "No further action, 8 Oct 2025",
        "Child protection plan (neglect), from 3 Nov 2025",
        "Ended 5 Jan 2026",
        "Escalation opened 9 Oct 2025",
        "Practitioner to practitioner, due 14 Oct 2025",
        "Resolved: the agency changed its decision",
        "Left 27 Feb 2026: Elective home education",
        "Baby Testchild",
        "Seen 2 Jan 2026 by GP",
        "Agreed absence from 10 Nov 2025",
        "Back 24 Nov 2025",
        "Hostility or intimidation towards staff, 2 Feb 2026",
        "Note, 12 Nov 2025",
        "Strategy discussion, 10 Oct 2025",
        "school-report.pdf",
    ]
    assert contact.agency_label == "Northshire MASH"


@pytest.mark.parametrize(
    ("stages", "words"),
    [
        ([], "Enter at least one stage."),
        ([services.StageRule(f"S{n}", "", 5) for n in range(9)], "Enter 8 stages or fewer."),
        ([services.StageRule(" ", "", 5)], "Stage 1: enter its name."),
        ([services.StageRule("Manager", "", 400)], "Stage 1: enter the days allowed"),
    ],
)
def test_the_escalation_procedure_refuses_what_cannot_be(dsl, stages, words):
    with pytest.raises(ValidationError) as excinfo:
        services.escalation_stages_set(actor=dsl, stages=stages)
    assert words in str(excinfo.value)


def test_an_escalation_is_about_this_child_and_a_stage_is_decided_once(dsl, pupil, school):
    sibling = PupilFactory()
    EnrolmentFactory(pupil=sibling, school=school)
    answer = AgencyResponseFactory(contact=AgencyContactFactory(pupil=pupil, recorded_by=dsl))
    with pytest.raises(ValidationError):
        services.escalation_open(
            actor=dsl, pupil=sibling, response=answer, reason="x", opened_on=date(2026, 2, 5)
        )
    escalation = services.escalation_open(
        actor=dsl, pupil=pupil, response=answer, reason="x", opened_on=date(2026, 2, 5)
    )
    stage = escalation.stages.get()
    services.stage_outcome_record(
        actor=dsl,
        stage=stage,
        kind="closed",
        decided_on=date(2026, 2, 6),
        what_was_said="No agreement.",
    )
    with pytest.raises(ValidationError):
        services.stage_outcome_record(
            actor=dsl,
            stage=stage,
            kind="closed",
            decided_on=date(2026, 2, 6),
            what_was_said="Again.",
        )


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("report", b"%PDF-1.4", "attach a PDF or Word (.docx) document"),
        ("report.exe", b"MZ", "attach a PDF or Word (.docx) document"),
        ("report.pdf", b"", "is empty"),
        ("report.docx", b"%PDF-", "the file's contents are not a .docx"),
    ],
)
def test_a_report_must_be_what_it_says(name, content, words):
    with pytest.raises(ValidationError) as excinfo:
        report_check(SimpleUploadedFile(name, content))
    assert words in str(excinfo.value)


def test_a_report_over_the_limit_is_refused(settings):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "attachment": 10}
    with pytest.raises(ValidationError) as excinfo:
        report_check(SimpleUploadedFile("report.pdf", b"%PDF-1.4 and a good deal more"))
    assert "Cairn accepts" in str(excinfo.value)
    assert "Nothing from it was saved" in str(excinfo.value)


def _line(pupil, kind, **fields):
    return json.dumps(
        {
            "kind": kind,
            "upn": pupil.upn,
            "occurred_at": "2025-10-09",
            "author": {"name": "D. Oldlead"},
            "text": "Something.",
            "source_ref": f"R-{kind}",
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("kind", "fields", "error"),
    [
        (
            "agency_contact",
            {"school_agrees": "maybe"},
            "field 'school_agrees': must be true or false",
        ),
        ("agency_contact", {"agency_name": 7}, "field 'agency_name': must be text"),
        ("agency_contact", {"agency_name": "x" * 201}, "field 'agency_name': is longer than 200"),
        (
            "agency_contact",
            {"answer_expected_by": "soon"},
            "field 'answer_expected_by': is not a date",
        ),
        (
            "agency_contact",
            {"agency": "police", "purpose": "shared", "response_kind": "nfa"},
            "field 'response_on': is required with response_kind",
        ),
        ("meeting", {"meeting_minutes": "an hour"}, "field 'meeting_minutes': must be a whole"),
        ("meeting", {"agencies_present": "social_care;police", "meeting_kind": "taf"}, None),
        ("meeting", {"agencies_present": {"a": 1}}, "field 'agencies_present': must be a list"),
        ("household_child", {"name": "Sam"}, "field 'date_of_birth': is required"),
        ("agreed_absence", {}, "field 'expected_back_on': is required"),
        ("escalation", {}, "field 'response_ref': is required"),
        (
            "escalation",
            {"response_ref": "C-1", "stages": "not json"},
            "field 'stages': must be a JSON list",
        ),
        ("escalation", {"response_ref": "C-1", "stages": []}, "must list from 1 to 8 stages"),
        (
            "escalation",
            {"response_ref": "C-1", "stages": ["x"]},
            "field 'stages[1]': must be an object",
        ),
        (
            "escalation",
            {
                "response_ref": "C-1",
                "stages": [
                    {"started_on": "2025-10-09", "due_on": "2025-10-12", "outcome": "maybe"}
                ],
            },
            "field 'stages[1].outcome': is not an outcome",
        ),
        (
            "escalation",
            {
                "response_ref": "C-1",
                "stages": [
                    {"started_on": "2025-10-09", "due_on": "2025-10-12", "outcome": "closed"}
                ],
            },
            "field 'stages[1].decided_on': is required, not before the stage",
        ),
        (
            "escalation",
            {
                "response_ref": "C-1",
                "stages": [
                    {
                        "started_on": "2025-10-09",
                        "due_on": "2025-10-12",
                        "outcome": "next",
                        "decided_on": "2025-10-10",
                    }
                ],
            },
            "field 'stages[1].outcome': only a stage followed by another is 'next'",
        ),
        (
            "escalation",
            {
                "response_ref": "NONE",
                "stages": [{"started_on": "2025-10-09", "due_on": "2025-10-12"}],
            },
            "field 'response_ref': no answer to a contact with that source_ref",
        ),
    ],
)
def test_import_lines_name_what_is_wrong(dsl, pupil, kind, fields, error):
    lines = read_json_lines(_line(pupil, kind, **fields))
    if error is None:
        import_history(actor=dsl, lines=lines, source_system="Old")
        return
    with pytest.raises(ImportFailed) as excinfo:
        import_history(actor=dsl, lines=lines, source_system="Old")
    assert any(error in str(e) for e in excinfo.value.errors), excinfo.value.errors
