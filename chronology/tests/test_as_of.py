"""The chronology as it stood on a date (issue 18): what had been written by the end of that day,
each versioned record in its words then; the same in the export; audited with the date."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from chronology.entries import Window
from chronology.selectors import ChronologyFilters, chronology_for
from concerns.services import concern_amend
from concerns.tests.factories import make_concern
from patterns.tests.factories import FindingFactory
from tests.pdf import pdf_text
from voice.models import VoiceEntryVersion
from voice.tests.factories import VoiceEntryFactory

pytestmark = pytest.mark.django_db


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T10:00:00"))


@pytest.fixture
def story(time_machine, teacher, dsl, pupil):
    """March: a concern ("first words") and a check-in; April: the concern amended, a second
    concern about a March day, the check-in amended; May: a finding."""
    time_machine.move_to(_at("2026-03-02"), tick=False)
    first = make_concern(
        author=teacher, pupil=pupil, facts="first words", occurred_at=_at("2026-03-01")
    )
    entry = VoiceEntryFactory(pupil=pupil, recorded_by=dsl, words="I had toast.")
    time_machine.move_to(_at("2026-04-10"), tick=False)
    concern_amend(
        actor=dsl,
        concern=first,
        facts="amended words",
        child_words="",
        categories=[],
        reason="Corrected after talking with the teacher",
    )
    late = make_concern(
        author=teacher,
        pupil=pupil,
        facts="written in April about March",
        occurred_at=_at("2026-03-03"),
    )
    VoiceEntryVersion.objects.create(
        entry=entry,
        number=2,
        occurred_at=_at("2026-03-02"),
        occasion="check_in",
        words="I had nothing for breakfast.",
        asked_by="The DSL",
        place="the library",
        amendment_reason="Wrote the child's words exactly",
        written_by=dsl,
    )
    time_machine.move_to(_at("2026-05-05"), tick=False)
    FindingFactory(school=dsl.school, pupil=pupil, first_raised_at=_at("2026-05-04"))
    return {"first": first, "late": late, "entry": entry}


def _summaries(viewer, pupil, **window):
    chronology = chronology_for(
        viewer=viewer, pupils=[pupil], filters=ChronologyFilters(window=Window(**window))
    )
    return [(e.kind, e.summary) for e in chronology.entries]


def test_as_it_stood_in_march_and_as_it_stands_now(story, dsl, pupil):
    march = _summaries(dsl, pupil, as_of=date(2026, 3, 31))
    assert ("concern", "first words") in march
    assert ("voice", "“I had toast.”") in march
    kinds = {kind for kind, _ in march}
    assert "finding" not in kinds
    assert all("written in April" not in summary for _, summary in march)

    now = _summaries(dsl, pupil)
    assert ("concern", "amended words") in now
    assert ("concern", "written in April about March") in now
    assert ("voice", "“I had nothing for breakfast.”") in now
    assert "finding" in {kind for kind, _ in now}


def test_the_page_asks_for_a_date_shows_the_banner_and_audits_it(client_for, story, dsl, pupil):
    url = reverse("chronology:pupil", args=[pupil.pk])
    plain = client_for(dsl).get(url).content.decode()
    assert 'name="on"' in plain
    assert "As it stood on " not in plain

    page = client_for(dsl).get(url, {"on": "2026-03-31"}).content.decode()
    assert "As it stood on 31 March 2026" in page
    assert "first words" in page
    assert "amended words" not in page
    assert "written in April" not in page
    assert "on_day=31&amp;on_month=3&amp;on_year=2026" in page  # the findings that day
    event = AuditEvent.objects.filter(action=AuditAction.CHRONOLOGY_VIEWED).latest("seq")
    assert event.details["on"] == ["2026-03-31"]

    # A day still to come reads as today; a date that is not one is ignored.
    assert "amended words" in client_for(dsl).get(url, {"on": "2099-01-01"}).content.decode()
    assert "As it stood on " not in client_for(dsl).get(url, {"on": "31/03/2026"}).content.decode()


def test_the_export_carries_the_same_cut(client_for, story, dsl, pupil):
    url = reverse("chronology:export", args=[pupil.pk, "pdf"])
    text = pdf_text(client_for(dsl).get(url, {"on": "2026-03-31"}).content)
    assert "first words" in text
    assert "amended words" not in text


def test_the_findings_page_on_a_date_links_to_the_chronology_that_day(
    client_for, story, dsl, pupil
):
    page = (
        client_for(dsl)
        .get(
            reverse("patterns:pupil", args=[pupil.pk]),
            {"on_day": "31", "on_month": "3", "on_year": "2026"},
        )
        .content.decode()
    )
    assert f"{reverse('chronology:pupil', args=[pupil.pk])}?on=2026-03-31" in page
