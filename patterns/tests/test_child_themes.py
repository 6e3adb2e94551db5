"""What the child spoke about, ticked by the person recording (issue 18, voice distress): the
ticks are kept on each version of a concern or a voice entry, shown in words, read by the
detector beside the word lists, and refused when they are not one of the themes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern
from concerns.services import categories_ensure, concern_amend
from concerns.tests.factories import make_concern
from patterns.db_loader import database_source
from patterns.models import Finding
from patterns.services import findings_refresh_changed
from sources.themes import clean_themes, theme_labels
from voice.models import VoiceEntry

pytestmark = pytest.mark.django_db

# Words no default list reads as distress: only the tick can raise the finding.
PLAIN_WORDS = "We had pasta on Sunday and I watched television."


def _concern_post(pupil, school, **extra):
    categories_ensure(school=school)
    when = timezone.localtime() - timedelta(minutes=30)
    data = {
        "child_1": str(pupil.pk),
        "part_1": "subject",
        "occurred_on": when.date().isoformat(),
        "occurred_time": when.strftime("%H:%M"),
        "location": "Classroom 3",
        "facts": "Said there was nothing at home to eat last night; ate two breakfasts here.",
        "child_words": PLAIN_WORDS,
    }
    data.update(extra)
    return data


def test_the_labels_and_the_stored_slugs():
    assert theme_labels(["alone", "hunger", "not-a-theme"]) == [
        "Being hungry",
        "Being left alone",
    ]
    assert clean_themes(("caring", "hunger", "x")) == ["hunger", "caring"]
    assert theme_labels("hunger") == []
    assert clean_themes(None) == []


def test_a_teacher_ticks_what_the_child_spoke_about_and_the_detector_reads_it(
    client_for, teacher, dsl, school, pupil
):
    form = client_for(teacher).get(reverse("concerns:record")).content.decode()
    assert "Did the child speak about any of these?" in form
    assert 'value="hunger"' in form
    assert "Looking after themselves or others" in form

    response = client_for(teacher).post(
        reverse("concerns:record"), _concern_post(pupil, school, child_themes=["hunger", "alone"])
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.versions.get().themes == ["hunger", "alone"]
    page = client_for(dsl).get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert "The child spoke about" in page
    assert "Being hungry, Being left alone" in page

    facts = database_source(as_of=timezone.localdate()).pupils(
        [str(pupil.pk)], timezone.localdate()
    )
    (concern_fact,) = [c for c in facts[0].concerns if c.id == str(concern.pk)]
    assert concern_fact.themes == frozenset({"hunger", "alone"})

    findings_refresh_changed(pupil_ids=[str(pupil.pk)])
    finding = Finding.objects.get(pupil=pupil, detector="voice-distress")
    assert "ticked by the person recording" in finding.detail, finding.detail
    assert finding.evidence[0]["id"] == str(concern.pk)


def test_untick_on_amendment_is_a_new_version_and_the_old_ticks_stay_readable(
    client_for, dsl, school, pupil
):
    concern = make_concern(author=dsl, pupil=pupil, child_words=PLAIN_WORDS)
    url = reverse("concerns:amend", args=[concern.pk])
    assert 'name="child_themes"' in client_for(dsl).get(url).content.decode()
    client_for(dsl).post(
        url,
        {
            "facts": "Hungry again.",
            "child_words": PLAIN_WORDS,
            "child_themes": ["hunger"],
            "reason": "Added what the child spoke about",
        },
    )
    # A later amendment that does not mention the ticks keeps them (the service's default).
    concern_amend(
        actor=dsl,
        concern=concern,
        facts="Hungry again, twice.",
        child_words=PLAIN_WORDS,
        categories=[],
        reason="Corrected the facts",
    )
    assert [v.themes for v in concern.versions.order_by("number")] == [[], ["hunger"], ["hunger"]]
    page = client_for(dsl).get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert "Being hungry" in page


def test_a_theme_that_is_not_on_the_list_is_refused_and_nothing_is_written(
    client_for, teacher, school, pupil
):
    response = client_for(teacher).post(
        reverse("concerns:record"), _concern_post(pupil, school, child_themes=["secret-code"])
    )
    assert response.status_code == 400
    assert "Choose what the child spoke about from the themes listed." in response.content.decode()
    assert not Concern.objects.exists()


def test_a_check_in_carries_its_ticks_to_the_page_and_the_detector(
    client_for, dsl, school, pupil, time_machine
):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)
    data = {
        "words": PLAIN_WORDS,
        "themes": ["caring"],
        "share_methods": ["talking"],
        "occurred_on": "2026-03-02",
        "occurred_time": "10:30",
        "occasion": "check_in",
        "asked_by": "The DSL",
        "place": "the nurture room",
        "communication": "direct",
    }
    form = client_for(dsl).get(reverse("voice:record", args=[pupil.pk])).content.decode()
    assert 'name="themes"' in form
    response = client_for(dsl).post(reverse("voice:record", args=[pupil.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = VoiceEntry.objects.get()
    assert entry.versions.get().themes == ["caring"]
    page = client_for(dsl).get(reverse("voice:entry", args=[entry.pk])).content.decode()
    assert "Looking after themselves or others" in page

    as_of = date(2026, 3, 2)
    facts = database_source(as_of=as_of).pupils([str(pupil.pk)], as_of)
    assert [v.themes for v in facts[0].voice] == [frozenset({"caring"})]
    findings_refresh_changed(pupil_ids=[str(pupil.pk)])
    finding = Finding.objects.get(pupil=pupil, detector="voice-distress")
    assert finding.evidence[0]["kind"] == "voice"
