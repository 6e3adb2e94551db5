"""Casework where other pages show it: the front sheet's social-care status computed from plans
and social care's answers, the chronology, the inbox's overdue items, the team-capacity view's
meeting time, and notes that are never counted as concerns."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.engine import compute
from analytics.periods import term_containing
from analytics.tables import Policy, school_tables
from casework import services
from casework.models import PlanEnding, PlanEndReason, PlanKind, ResponseKind
from casework.panels import front_sheet_panel, inbox_panel
from casework.selectors import casework_for, kinds_held, social_care_status
from casework.tests.factories import (
    AgencyContactFactory,
    AgencyResponseFactory,
    AgreedAbsenceFactory,
    DayNoteFactory,
    EscalationStageFactory,
    MeetingFactory,
    PlanFactory,
)
from chronology.selectors import ChronologyFilters, chronology_for
from concerns.flags import concern_flags
from pupils.models import SocialCareStatus
from pupils.selectors import front_sheet, pupil_record_flags

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _end(plan, on, reason=PlanEndReason.STEPPED_DOWN):
    PlanEnding.objects.create(
        plan=plan,
        ended_on=on,
        reason=reason,
        recorded_by=plan.recorded_by,
        recorded_at=plan.recorded_at,
    )


# --- The front sheet's social-care status ---------------------------------------------------------


def test_no_casework_shows_the_mis_status(dsl, pupil):
    pupil.social_care_status = SocialCareStatus.PREVIOUSLY_KNOWN
    pupil.save()
    assert social_care_status(pupil) is None
    line = front_sheet(viewer=dsl, pupil=pupil).social_care
    assert line.text == "Previously known to children's social care"


def test_a_child_on_a_cp_plan_is_open_to_social_care_not_never_known(dsl, pupil):
    assert pupil.social_care_status == SocialCareStatus.NEVER_KNOWN  # what the MIS said
    PlanFactory(
        pupil=pupil, recorded_by=dsl, kind="cp", cp_category="NEG", started_on=D(2026, 1, 12)
    )
    line = front_sheet(viewer=dsl, pupil=pupil).social_care
    assert line.text == (
        "Open to children's social care: child protection plan (neglect) since 12 Jan 2026"
    )
    assert line.state == "open"


def test_past_plans_stay_visible_in_the_history(dsl, pupil):
    old = PlanFactory(
        pupil=pupil, recorded_by=dsl, kind="cp", cp_category="PHY", started_on=D(2021, 3, 8)
    )
    _end(old, D(2022, 1, 17))
    line = social_care_status(pupil)
    assert line is not None
    assert line.text == "Previously known to children's social care: last plan ended 17 Jan 2022"
    assert line.history == ("Child protection plan (physical abuse), Mar 2021 – Jan 2022",)


@pytest.mark.parametrize(
    ("kind", "state", "words"),
    [
        (
            ResponseKind.NO_ANSWER,
            "referred",
            "Referred to children's social care on 6 Oct 2025: "
            "no answer yet, expected by 10 Oct 2025",
        ),
        (
            ResponseKind.ACCEPTED,
            "open",
            "Open to children's social care: referral of 6 Oct 2025, "
            "accepted for assessment (8 Oct 2025)",
        ),
        (
            ResponseKind.NO_FURTHER_ACTION,
            "previous",
            "Previously known to children's social care: referral of 6 Oct 2025, no further action",
        ),
    ],
)
def test_a_referred_child_is_not_never_known(dsl, pupil, kind, state, words):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    AgencyResponseFactory(
        contact=contact,
        kind=kind,
        school_agrees=True,
        agreement_reason="",
        answer_expected_by=D(2025, 10, 10) if kind == ResponseKind.NO_ANSWER else None,
    )
    line = social_care_status(pupil)
    assert line is not None
    assert (line.state, line.text) == (state, words)


def test_a_referral_decided_on_a_concern_is_not_never_known(dsl, teacher, pupil):
    from concerns.models import Outcome
    from concerns.tests.factories import make_concern, make_decision

    make_decision(
        dsl=dsl, concern=make_concern(author=teacher, pupil=pupil), outcome=Outcome.SOCIAL_CARE
    )
    line = front_sheet(viewer=dsl, pupil=pupil).social_care
    assert (line.state, line.text) == (
        "referred",
        "Referred to children's social care on 2 Mar 2026: no outcome recorded yet",
    )


def test_an_early_help_plan_is_named_beside_the_status(dsl, pupil):
    PlanFactory(pupil=pupil, recorded_by=dsl, kind="early_help", started_on=D(2026, 1, 5))
    line = social_care_status(pupil)
    assert line is not None
    assert line.state == "never"
    assert line.note == "Early help plan since 5 Jan 2026."


def test_a_sibling_on_a_plan_is_flagged_without_what_it_holds(dsl, pupil):
    PlanFactory(pupil=pupil, recorded_by=dsl, kind="cin")
    assert pupil_record_flags([pupil.pk])[pupil.pk] == ["on a child in need plan"]


# --- The front sheet panel ------------------------------------------------------------------------


def test_the_panel_is_for_the_safeguarding_team_and_shows_prompts(dsl, headteacher, pupil):
    AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl, expected_back_on=D(2026, 2, 20))
    assert front_sheet_panel(viewer=headteacher, pupil=pupil) is None
    panel = front_sheet_panel(viewer=dsl, pupil=pupil)
    assert panel is not None
    [absence] = panel.context["work"].not_back
    assert absence.expected_back_on == D(2026, 2, 20)


def _casework_queries(viewer, pupil):
    with CaptureQueriesContext(connection) as queries:
        work = casework_for(viewer=viewer, pupil=pupil)
    return work, [q["sql"] for q in queries.captured_queries]


def test_a_child_with_no_casework_costs_one_casework_query(dsl, pupil, other_school_dsl):
    work, queries = _casework_queries(dsl, pupil)
    assert len(queries) == 1
    assert work.record_ids() == []
    # Another school's records are not the viewer's: still one query, and nothing read.
    PlanFactory(pupil=pupil, recorded_by=other_school_dsl)
    work, queries = _casework_queries(dsl, pupil)
    assert len(queries) == 1
    assert work.plans == []


def test_only_the_kinds_the_child_has_are_read(dsl, pupil):
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    note = DayNoteFactory(pupil=pupil, recorded_by=dsl)
    assert kinds_held(viewer=dsl, pupil=pupil) == {"plans", "notes"}
    work, queries = _casework_queries(dsl, pupil)
    assert len(queries) == 3  # which kinds, the plans, the notes
    assert "casework_plan" in queries[1]
    assert "casework_daynote" in queries[2]
    assert [p.pk for p in work.plans] == [plan.pk]
    assert [n.pk for n in work.notes] == [note.pk]
    assert sorted(work.record_ids()) == sorted([str(plan.pk), str(note.pk)])


def test_the_kinds_a_school_holds_are_its_own_of_each_kind(dsl, other_school_dsl, pupil):
    """`kinds_held` for a school's safeguarding team is one plain query (not the ORM's): it
    finds each kind of record, and only the viewer's school's."""
    assert kinds_held(viewer=dsl, pupil=pupil) == set()
    MeetingFactory(pupil=pupil, recorded_by=other_school_dsl)
    assert kinds_held(viewer=dsl, pupil=pupil) == set()
    assert kinds_held(viewer=other_school_dsl, pupil=pupil) == {"meetings"}
    AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl)
    EscalationStageFactory(
        escalation__response__contact__pupil=pupil, escalation__response__contact__recorded_by=dsl
    )
    PlanFactory(pupil=pupil, recorded_by=dsl)
    DayNoteFactory(pupil=pupil, recorded_by=dsl)
    with CaptureQueriesContext(connection) as queries:
        held = kinds_held(viewer=dsl, pupil=pupil)
    assert held == {"contacts", "absences", "escalations", "plans", "notes"}
    assert len(queries.captured_queries) == 1
    assert kinds_held(viewer=other_school_dsl, pupil=pupil) == {"meetings"}


def test_the_front_sheet_reads_the_childs_plans_once(client_for, dsl, other_school_dsl, pupil):
    """The social-care line (every school's plans) and the casework panel (the school's own)
    share one read of the child's plans."""
    PlanFactory(pupil=pupil, recorded_by=dsl, kind=PlanKind.CHILD_IN_NEED)
    PlanFactory(pupil=pupil, recorded_by=other_school_dsl, kind=PlanKind.LOOKED_AFTER)
    with CaptureQueriesContext(connection) as queries:
        page = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    plan_reads = [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "casework_plan"')
    ]
    assert len(plan_reads) == 1
    plans_now = page.split('id="plans-now">', 1)[1].split("</dd>", 1)[0]
    assert "Child in need plan" in plans_now
    assert "Looked after" not in plans_now


def test_the_panel_reads_only_what_it_shows(dsl, pupil):
    """The front sheet's panel reads no engagement or day notes and joins nobody who recorded a
    record; rendering it asks nothing more of the database."""
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    AgencyResponseFactory(contact=contact, kind=ResponseKind.NO_FURTHER_ACTION)
    PlanFactory(pupil=pupil, recorded_by=dsl)
    MeetingFactory(pupil=pupil, recorded_by=dsl)
    DayNoteFactory(pupil=pupil, recorded_by=dsl)
    with CaptureQueriesContext(connection) as queries:
        panel = front_sheet_panel(viewer=dsl, pupil=pupil)
    assert panel is not None
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "casework_daynote" in q and "EXISTS" not in q.upper()]
    assert not [q for q in sql if "auth_user" in q or "accounts_user" in q]
    assert panel.context["work"].notes == []
    assert len(panel.context["work"].plans) == 1
    with CaptureQueriesContext(connection) as rendering:
        html = render_to_string(panel.template, {**panel.context, "pupil": pupil})
    assert len(rendering.captured_queries) == 0
    assert "Plans now" in html


def test_a_trust_lead_sees_no_panel_for_a_child_with_no_casework(trust_lead, dsl, pupil):
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    assert front_sheet_panel(viewer=trust_lead, pupil=pupil) is None
    MeetingFactory(pupil=pupil, recorded_by=dsl)
    panel = front_sheet_panel(viewer=trust_lead, pupil=pupil)
    assert panel is not None
    assert len(panel.context["work"].meetings) == 1


# --- The chronology -------------------------------------------------------------------------------


def test_every_kind_is_on_the_chronology_and_a_note_is_not_a_concern(dsl, teacher, pupil):
    contact = AgencyContactFactory(pupil=pupil, recorded_by=dsl)
    AgencyResponseFactory(contact=contact)
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    _end(plan, D(2026, 1, 30))
    MeetingFactory(pupil=pupil, recorded_by=dsl)
    EscalationStageFactory(escalation__response__contact=contact)
    AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl)
    services.engagement_record(
        actor=dsl,
        pupil=pupil,
        kind="missed",
        occurred_on=D(2026, 2, 3),
        adult="Mum",
        appointment_kind="health",
        details="Dental appointment missed again.",
    )
    DayNoteFactory(pupil=pupil, recorded_by=dsl)
    services.leaving_record(actor=dsl, pupil=pupil, left_on=D(2026, 2, 27), reason="ehe")
    chronology = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    titles = {(e.kind, e.title) for e in chronology.entries}
    assert ("agency_contact", "A referral to Children's social care or the MASH") in titles
    assert ("agency_response", "Children's social care or the MASH: no further action") in titles
    assert ("plan", "Child in need plan started") in titles
    assert ("plan", "Child in need plan ended: stepped down to a lower level of support") in titles
    assert ("meeting", "Strategy discussion") in titles
    assert ("escalation", "Practitioner to practitioner stage opened, due 14 Oct 2025") in titles
    # Each kind is named once: the kind's label is not repeated in the title.
    assert not any(e.title.startswith(f"{e.kind_label}:") for e in chronology.entries)
    assert ("roll", "Left the school's roll: elective home education") in titles
    assert ("engagement", "Mum: missed an appointment (health appointment)") in titles
    assert ("day_note", "Good: Happy and settled at lunch.") in titles
    assert any(k == "roll" and t.startswith("Agreed absence") for k, t in titles)
    # A note is never a concern: the concern flags and the concern kinds do not count it.
    assert concern_flags([pupil.pk]) == {}
    assert not any(e.kind == "concern" for e in chronology.entries)


def test_the_chronology_shows_nothing_to_another_school(dsl, other_school_dsl, pupil):
    DayNoteFactory(pupil=pupil, recorded_by=dsl)
    chronology = chronology_for(
        viewer=other_school_dsl, pupils=[pupil], filters=ChronologyFilters()
    )
    assert [e for e in chronology.entries if e.kind == "day_note"] == []


# --- The inbox ------------------------------------------------------------------------------------


def test_overdue_stages_answers_and_returns_show_in_the_inbox(dsl, teacher, pupil):
    EscalationStageFactory(
        escalation__response__contact__pupil=pupil,
        escalation__response__contact__recorded_by=dsl,
        due_on=D(2026, 2, 20),
    )
    AgencyContactFactory(pupil=pupil, recorded_by=dsl, answer_expected_by=D(2026, 2, 25))
    waiting = AgencyContactFactory(pupil=pupil, recorded_by=dsl, agency="police")
    AgencyResponseFactory(
        contact=waiting,
        kind="no_answer",
        school_agrees=None,
        agreement_reason="",
        answer_expected_by=D(2026, 3, 9),
    )
    AgreedAbsenceFactory(pupil=pupil, recorded_by=dsl, expected_back_on=D(2026, 2, 23))
    assert inbox_panel(viewer=teacher) is None
    panel = inbox_panel(viewer=dsl)
    assert panel is not None
    rows = [(r.what, r.due_on) for r in panel.context["overdue"]]
    assert rows == [
        ("Escalation, practitioner to practitioner stage", D(2026, 2, 20)),
        ("Not back when expected", D(2026, 2, 23)),
        ("Answer from Children's social care or the MASH", D(2026, 2, 25)),
    ]


def test_the_inbox_page_shows_the_panel(client_for, dsl, pupil):
    from django.urls import reverse

    EscalationStageFactory(
        escalation__response__contact__pupil=pupil,
        escalation__response__contact__recorded_by=dsl,
        due_on=D(2026, 2, 20),
    )
    page = client_for(dsl).get(reverse("concerns:inbox")).content.decode()
    assert "Escalations overdue: 1" in page  # one line per kind, opening to the children
    assert "Escalation, practitioner to practitioner stage, due 20 Feb 2026" in page


# --- The team-capacity view -----------------------------------------------------------------------


def test_capacity_counts_meetings_and_the_teams_time(dsl, school, pupil):
    MeetingFactory(
        pupil=pupil,
        recorded_by=dsl,
        held_on=D(2025, 10, 10),
        preparation_minutes=30,
        meeting_minutes=60,
    )
    MeetingFactory(
        pupil=pupil,
        recorded_by=dsl,
        held_on=D(2025, 11, 20),
        kind="icpc",
        preparation_minutes=120,
        meeting_minutes=90,
    )
    MeetingFactory(pupil=pupil, recorded_by=dsl, held_on=D(2026, 1, 20))  # another term
    autumn = term_containing(D(2025, 10, 1))
    figures = compute(
        school_ids=[school.pk], period=autumn, today=D(2026, 1, 15), attendance_files=[]
    )
    f = figures.schools[school.pk]
    assert (f.meetings, f.meeting_minutes) == (2, 300)
    rows = {
        r[0].text: r[1].text for r in school_tables(figures, f, Policy(False, 5))["capacity"].rows
    }
    assert rows["Multi-agency meetings in the period"] == "2"
    assert rows["Safeguarding team's hours on them (preparation and meetings)"] == "5.0"
    governors = {
        r[0].text: r[1].text for r in school_tables(figures, f, Policy(True, 5))["capacity"].rows
    }
    assert governors["Multi-agency meetings in the period"] == "fewer than 5"
    assert "not recorded in Cairn yet" not in str(rows)
