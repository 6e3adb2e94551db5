"""Supervision with linked children (the links for the safeguarding team only, each child
through the gate), the termly reflective review, the practice reviews library and its CSV import
(all or nothing), and what went well with the governors' totals holding no child's details."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.periods import Period
from analytics.selectors import dashboard_for
from audit.models import AuditAction, AuditEvent
from casework.models import PlanEnding, PlanEndReason
from casework.tests.factories import PlanFactory
from concerns.tests.url_access import _records
from learning import services
from learning.models import PracticeReview, ReflectiveReview, SupervisionSession, WentWell
from learning.selectors import reflective_review_due
from learning.terms import term_label, term_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _session(dsl, pupil):
    return services.supervision_record(
        actor=dsl,
        held_on=datetime.date(2026, 2, 20),
        supervisor="An external supervisor",
        attendees="The DSL and deputy",
        reflections="Drift in a long-running neglect case.",
        agreed_actions="Ask for a strategy discussion.",
        children=[pupil],
    )


def test_the_dsl_records_supervision_with_a_child_and_opens_the_child(client_for, dsl, pupil):
    client = client_for(dsl)
    form = client.get(reverse("learning:supervision_record"))
    assert form.status_code == 200
    assert pupil.display_name in form.content.decode()
    response = client.post(
        reverse("learning:supervision_record"),
        {
            "held_on_day": "20",
            "held_on_month": "2",
            "held_on_year": "2026",
            "supervisor": "An external supervisor",
            "attendees": "The DSL",
            "children": [str(pupil.pk)],
            "reflections": "Drift in a long-running case.",
        },
    )
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    detail = client.get(response["Location"])
    body = detail.content.decode()
    assert pupil.display_name in body
    assert reverse("pupils:detail", args=[pupil.pk]) in body
    viewed = AuditEvent.objects.filter(action=AuditAction.SUPERVISION_VIEWED, pupil_id=pupil.pk)
    assert viewed.count() == 1
    assert viewed.get().target_id == str(session.pk)
    assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 200


def test_the_headteacher_reads_the_session_without_the_children(
    client_for, dsl, headteacher, pupil
):
    session = _session(dsl, pupil)
    response = client_for(headteacher).get(
        reverse("learning:supervision_detail", args=[session.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Drift in a long-running neglect case." in body
    assert pupil.display_name not in body
    assert "Children discussed" not in body


def test_supervision_is_refused_to_others(
    client_for, dsl, teacher, governor, other_school_dsl, pupil
):
    session = _session(dsl, pupil)
    url = reverse("learning:supervision_detail", args=[session.pk])
    assert client_for(teacher).get(url).status_code == 403
    assert client_for(governor).get(url).status_code == 403
    assert client_for(other_school_dsl).get(url).status_code == 404


def test_a_child_not_on_the_roll_cannot_be_linked(client_for, dsl, pupil):
    from pupils.tests.factories import PupilFactory

    stranger = PupilFactory()
    response = client_for(dsl).post(
        reverse("learning:supervision_record"),
        {
            "held_on_day": "20",
            "held_on_month": "2",
            "held_on_year": "2026",
            "supervisor": "S",
            "attendees": "A",
            "children": [str(stranger.pk)],
            "reflections": "R",
        },
    )
    assert response.status_code == 400
    assert not SupervisionSession.objects.exists()


def test_terms_and_the_reflective_review_prompt(client_for, dsl, school, headteacher):
    assert term_start(datetime.date(2026, 3, 2)) == datetime.date(2026, 1, 1)
    assert term_start(datetime.date(2026, 10, 2)) == datetime.date(2026, 9, 1)
    assert term_label(datetime.date(2026, 4, 1)) == "Summer term 2026"
    assert reflective_review_due(school_id=school.pk, today=datetime.date(2026, 3, 2)) == (
        "Spring term 2026"
    )
    home = client_for(dsl).get(reverse("schools:home")).content.decode()
    assert "The reflective review for the spring term 2026 is not recorded yet." in home
    client = client_for(dsl)
    page = client.get(reverse("learning:reflective_review_record"))
    assert "Do our expectations stay high for all children?" in page.content.decode()
    response = client.post(
        reverse("learning:reflective_review_record"),
        {
            "held_on_day": "2",
            "held_on_month": "3",
            "held_on_year": "2026",
            "expectations": "not_for_all",
            "what_we_saw": "Neglect concerns about older children waited longer for action.",
            "concluded": "We will review every neglect concern about a teenager within a week.",
        },
    )
    assert response.status_code == 302
    assert ReflectiveReview.objects.get().term_start == datetime.date(2026, 1, 1)
    assert reflective_review_due(school_id=school.pk, today=datetime.date(2026, 3, 2)) is None
    listing = client_for(headteacher).get(reverse("learning:reflective_reviews"))
    assert "Not for all children" in listing.content.decode()


def _reviews_csv(*lines: str) -> bytes:
    header = "title,publisher,published_on,link,key_learning,themes,used_in_training"
    return "\n".join([header, *lines]).encode()


def test_practice_reviews_import_all_or_nothing(client_for, dsl, governor):
    good = _reviews_csv(
        "Child Q,Local partnership,2025-05-01,https://example.org/q,"
        "Ask what a day is like,Neglect; the child's voice,INSET September"
    )
    bad = _reviews_csv(
        "Child R,Local partnership,2025-05-01,https://example.org/r,Learning,neglect,",
        ",,someday,ftp://x,,juggling,",
    )
    with pytest.raises(ValidationError) as caught:
        services.practice_reviews_import(actor=dsl, content=bad)
    message = caught.value.messages[0]
    assert message.startswith("Line 3: the title is missing; the publisher is missing")
    assert "'someday' is not a date" in message
    assert "'ftp://x' is not a web address" in message
    assert "'juggling' is not a theme" in message
    assert not PracticeReview.objects.exists()
    client = client_for(dsl)
    response = client.post(
        reverse("learning:practice_reviews_import"),
        {"file": SimpleUploadedFile("r.csv", good)},
    )
    assert response.status_code == 302
    review = PracticeReview.objects.get()
    assert review.themes == ["neglect", "voice"]
    library = client_for(governor).get(reverse("learning:library")).content.decode()
    assert "Child Q" in library
    assert "Neglect, The child&#x27;s voice" in library
    assert "Add a practice review" not in library


def test_a_practice_review_added_by_hand(client_for, dsl):
    response = client_for(dsl).post(
        reverse("learning:practice_review_record"),
        {
            "title": "Child S",
            "publisher": "Child Safeguarding Practice Review Panel",
            "published_on_day": "1",
            "published_on_month": "6",
            "published_on_year": "2024",
            "key_learning": "Hold the whole story.",
            "themes": ["multi_agency"],
            "policy_changes": "Chronology at every strategy meeting.",
        },
    )
    assert response.status_code == 302
    assert PracticeReview.objects.get().policy_changes.startswith("Chronology")


def _ended_plan(dsl, pupil):
    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    PlanEnding.objects.create(
        plan=plan,
        ended_on=datetime.date(2026, 2, 1),
        reason=PlanEndReason.NEEDS_MET,
        recorded_by=dsl,
        recorded_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    )
    return plan


def test_what_went_well_from_an_ended_plan_and_a_decided_concern(
    client_for, world, dsl, headteacher, governor, pupil, school
):
    plan = _ended_plan(dsl, pupil)
    open_plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    client = client_for(dsl)
    casework = client.get(reverse("casework:pupil", args=[pupil.pk])).content.decode()
    assert reverse("learning:went_well_plan", args=[plan.pk]) in casework
    assert reverse("learning:went_well_plan", args=[open_plan.pk]) not in casework
    assert client.get(reverse("learning:went_well_plan", args=[open_plan.pk])).status_code == 404
    secret = "Grandmother Testchild kept the routine going"
    response = client.post(
        reverse("learning:went_well_plan", args=[plan.pk]),
        {"what_went_well": secret, "why": "One key adult.", "themes": ["voice", "neglect"]},
    )
    assert response.status_code == 302
    concern = _records(world).concern
    assert (
        reverse("learning:went_well_concern", args=[concern.pk])
        in client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    )
    response = client.post(
        reverse("learning:went_well_concern", args=[concern.pk]),
        {"what_went_well": "Quick referral.", "why": "Clear facts.", "themes": ["neglect"]},
    )
    assert response.status_code == 302
    assert WentWell.objects.count() == 2
    page = client_for(headteacher).get(reverse("learning:went_well")).content.decode()
    assert secret in page
    assert (
        AuditEvent.objects.filter(action=AuditAction.WENT_WELL_RECORDED, pupil_id=pupil.pk).count()
        == 2
    )
    assert client_for(governor).get(reverse("learning:went_well")).status_code == 403
    dashboard = dashboard_for(
        viewer=governor,
        period=Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "Spring 2026"),
    )
    table = dashboard.tables["what-went-well"]
    cells = {row[0].text: row[1].text for row in table.rows}
    assert cells == {
        "Notes of what went well": "fewer than 5",
        "Neglect": "fewer than 5",
        "The child's voice": "fewer than 5",
    }
    shown = str([[c.text for c in row] for row in table.rows]) + " ".join(table.notes)
    assert "Testchild" not in shown
    assert secret not in shown


def test_went_well_is_refused_without_a_plan_or_words(dsl, pupil):
    plan = _ended_plan(dsl, pupil)
    with pytest.raises(ValidationError, match="one plan or one concern"):
        services.went_well_record(actor=dsl, what_went_well="x", why="y", themes=[])
    with pytest.raises(ValidationError, match="what went well"):
        services.went_well_record(actor=dsl, plan=plan, what_went_well=" ", why="y", themes=[])
    assert not WentWell.objects.exists()
