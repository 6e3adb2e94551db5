"""The home page tells the DSL team what waits for them, and staff how to record a concern."""

import datetime

from concerns.models import Concern, ConcernPupil


def _concern(school, author, pupil, *, urgent=False):
    concern = Concern.objects.create(
        school=school,
        recorded_by=author,
        author_name="T. Teacher",
        urgent_told_dsl=urgent,
        occurred_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
        written_at=datetime.datetime(2026, 3, 2, 11, tzinfo=datetime.UTC),
    )
    ConcernPupil.objects.create(concern=concern, pupil=pupil, part="subject")
    return concern


def test_dsl_home_counts_what_waits(client_for, dsl, teacher, pupil, school):
    _concern(school, teacher, pupil)
    _concern(school, teacher, pupil, urgent=True)
    page = client_for(dsl).get("/").content.decode()
    assert ">2</a><br>concerns waiting for a decision" in page
    assert "1 urgent" in page
    assert "overdue actions" in page
    assert "findings waiting for your judgement" in page


def test_staff_home_offers_recording_but_no_counts(client_for, teacher, pupil, school):
    _concern(school, teacher, pupil)
    page = client_for(teacher).get("/").content.decode()
    assert "Record a concern" in page
    assert "waiting for a decision" not in page


def test_other_school_dsl_counts_nothing_of_ours(
    client_for, other_school_dsl, teacher, pupil, school
):
    _concern(school, teacher, pupil)
    page = client_for(other_school_dsl).get("/").content.decode()
    assert ">0</a><br>concerns waiting for a decision" in page
