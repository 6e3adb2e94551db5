"""The edges of learning's rules: who gets nothing, what each write refuses, the words each
record is shown with."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from concerns.tests.url_access import _records
from learning import access, services
from learning.models import (
    Expectations,
    PracticeReview,
    ReflectiveReview,
    SupervisionChild,
    SupervisionSession,
    WentWell,
    theme_labels,
)
from learning.templatetags.learning_home import learning_home_panel

pytestmark = pytest.mark.django_db


def test_others_get_nothing(teacher, trust_lead, dsl, pupil, world):
    assert not access.sessions_visible_to(viewer=teacher).exists()
    assert not access.went_well_visible_to(viewer=trust_lead).exists()
    from casework.tests.factories import PlanFactory

    plan = PlanFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(Http404):
        access.access_ended_plan(viewer=teacher, plan_id=plan.pk)
    with pytest.raises(Http404):
        access.access_ended_plan(viewer=dsl, plan_id=plan.pk)  # not ended
    concern = _records(world).concern
    assert access.access_decided_concern(viewer=dsl, concern_id=concern.pk) == concern


def test_a_concern_with_no_decision_has_nothing_to_say_what_went_well_about(dsl, teacher, pupil):
    from django.utils import timezone

    from concerns import services as concerns
    from concerns.models import Part

    concerns.categories_ensure(school=dsl.school)
    concern = concerns.concern_record(
        actor=teacher,
        data=concerns.ConcernInput(
            children=[concerns.ChildPart(pupil=pupil, part=Part.SUBJECT)],
            occurred_at=timezone.now(),
            facts="Hungry at breakfast club.",
        ),
    )
    with pytest.raises(Http404):
        access.access_decided_concern(viewer=dsl, concern_id=concern.pk)


def test_writes_refuse_someone_outside_the_team_and_a_future_date(teacher, dsl):
    with pytest.raises(ValidationError, match="safeguarding team"):
        services.reflective_review_record(
            actor=teacher,
            held_on=datetime.date(2025, 1, 1),
            expectations=Expectations.HIGH_FOR_ALL,
            what_we_saw="x",
            concluded="y",
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        services.supervision_record(
            actor=dsl,
            held_on=datetime.date(2999, 1, 1),
            supervisor="S",
            attendees="A",
            reflections="R",
            children=[],
        )
    with pytest.raises(ValidationError, match="reflections"):
        services.supervision_record(
            actor=dsl,
            held_on=datetime.date(2025, 1, 1),
            supervisor="S",
            attendees="A",
            reflections=" ",
            children=[],
        )
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,publisher\n", "Line 1: the file has no published_on, link, key_learning"),
        (b"title,publisher,published_on,link,key_learning,themes\n", "The file has no rows"),
        (b"\xff\xfe\x00", "The file is not UTF-8 text"),
        (
            b"title,publisher,published_on,link,key_learning,themes\nA\x00,B,2025-01-01,,L,\n",
            "Line 2: holds a NUL character",
        ),
        (
            (
                "title,publisher,published_on,link,key_learning,themes\n"
                + "T" * 301
                + ",B,2025-01-01,,L,\n"
            ).encode(),
            "Line 2: the title is longer than 300 characters",
        ),
    ],
)
def test_the_reviews_import_refuses_what_it_cannot_read(dsl, content, message):
    with pytest.raises(ValidationError) as caught:
        services.practice_reviews_import(actor=dsl, content=content)
    assert caught.value.messages[0].startswith(message)
    assert not PracticeReview.objects.exists()


def test_the_reviews_import_refuses_a_file_over_the_limit(dsl, settings):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "staffing_csv": 4}
    with pytest.raises(ValidationError, match="training or practice reviews CSV"):
        services.practice_reviews_import(actor=dsl, content=b"title,publisher")


def test_records_read_as_words(dsl, pupil):
    session = services.supervision_record(
        actor=dsl,
        held_on=datetime.date(2025, 11, 4),
        supervisor="S",
        attendees="A",
        reflections="R",
        children=[pupil],
    )
    assert str(session) == "Supervision on 04 Nov 2025"
    assert str(SupervisionChild.objects.get()) == "Child discussed in supervision"
    review = services.reflective_review_record(
        actor=dsl,
        held_on=datetime.date(2025, 11, 4),
        expectations=Expectations.NOT_SURE,
        what_we_saw="x",
        concluded="y",
    )
    assert str(review) == "Reflective review of 04 Nov 2025"
    assert ReflectiveReview.objects.get().get_expectations_display() == "We are not sure"
    data = services.ReviewInput("Child Z", "P", datetime.date(2025, 1, 1), "", "L", ["neglect"])
    assert str(services.practice_review_record(actor=dsl, data=data)) == "Child Z"
    assert theme_labels(["neglect", "gone"]) == ["Neglect"]
    note = WentWell(recorded_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC))
    assert str(note) == "What went well, 02 Jan 2025"


def test_the_home_panel_is_empty_for_those_it_is_not_for(rf, teacher, trust_lead):
    for viewer in (teacher, trust_lead):
        request = rf.get("/")
        request.membership = viewer
        assert learning_home_panel({"request": request}) == ""
