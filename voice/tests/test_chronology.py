"""The child's voice as a chronology source."""

import datetime

import pytest

from chronology.entries import Window, chronology_sources
from voice.chronology import voice_entries
from voice.tests.factories import voice_entry

pytestmark = pytest.mark.django_db


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


def test_the_source_is_registered():
    assert voice_entries in chronology_sources()


def test_entries_carry_the_childs_words_dated_when_heard(dsl, teacher, pupil):
    entry = voice_entry(
        pupil=pupil,
        recorded_by=teacher,
        words="I want to live with my nan.",
        words__occurred_at=_at("2026-02-10"),
    )
    (line,) = voice_entries(viewer=dsl, pupil_ids=[pupil.pk], window=Window())
    assert line.kind == "voice"
    assert line.source_id == str(entry.pk)
    assert line.occurred_at == _at("2026-02-10")
    assert line.recorded_at == entry.created_at
    assert line.summary == "“I want to live with my nan.”"
    assert line.url == f"/voice/entries/{entry.pk}/"
    assert line.author == teacher.user.full_name


def test_window_and_viewer_limit_what_is_returned(
    dsl, teacher, headteacher, other_school_dsl, governor, pupil
):
    voice_entry(pupil=pupil, recorded_by=dsl, words__occurred_at=_at("2026-01-10"))
    voice_entry(pupil=pupil, recorded_by=dsl, words__occurred_at=_at("2026-02-10"))
    february = Window(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28))
    assert len(list(voice_entries(viewer=dsl, pupil_ids=[pupil.pk], window=february))) == 1
    assert len(list(voice_entries(viewer=headteacher, pupil_ids=[pupil.pk], window=Window()))) == 2
    for nobody in (teacher, other_school_dsl, governor):
        assert list(voice_entries(viewer=nobody, pupil_ids=[pupil.pk], window=Window())) == []


def test_long_words_are_shortened_and_amendments_marked(dsl, pupil):
    from voice.models import VoiceEntryVersion

    entry = voice_entry(pupil=pupil, recorded_by=dsl, words="word " * 100)
    first = entry.versions.get()
    VoiceEntryVersion.objects.create(
        entry=entry,
        number=2,
        occurred_at=first.occurred_at,
        occasion=first.occasion,
        words="Corrected " * 60,
        asked_by=first.asked_by,
        place=first.place,
        written_by=dsl,
        amendment_reason="Typo",
    )
    (line,) = voice_entries(viewer=dsl, pupil_ids=[pupil.pk], window=Window())
    assert line.title == "The child's voice (amended)"
    assert line.summary.startswith("“Corrected Corrected")
    assert line.summary.endswith("…”")
    assert len(line.summary) <= 242
