"""Each record app offers its own facts (settings.PATTERN_FACT_SOURCES); the loader puts them
together and applies what only the detectors know (indicators, action kinds, factor codes)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from concerns import services as concern_services
from concerns.tests.factories import enrolled_pupil, make_concern, staff_member
from factors import services as factor_services
from factors.models import FactorSource
from patterns import db_loader
from patterns.db_loader import DatabaseFacts, fact_sources
from patterns.facts import ActionKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_sources():
    fact_sources.cache_clear()
    yield
    fact_sources.cache_clear()


def _tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def test_only_the_apps_listed_in_settings_give_facts(school):
    author = staff_member(school=school)
    child = enrolled_pupil(school=school)
    make_concern(author=author, pupil=child)
    as_of = _tomorrow()
    [everything] = DatabaseFacts(as_of=as_of).load_pupils([str(child.pk)], as_of)
    assert len(everything.concerns) == 1
    with override_settings(PATTERN_FACT_SOURCES=["voice.facts.facts_for"]):
        fact_sources.cache_clear()
        [voice_only] = DatabaseFacts(as_of=as_of).load_pupils([str(child.pk)], as_of)
    assert voice_only.concerns == ()
    assert (voice_only.pupil_id, voice_only.school_id) == (str(child.pk), str(school.pk))


def test_an_actions_words_give_its_kind_and_the_evidence_a_short_summary(school, dsl):
    child = enrolled_pupil(school=school)
    concern = make_concern(author=staff_member(school=school), pupil=child)
    words = "Food bank voucher and help with the school uniform grant, " + "then more " * 20
    concern_services.action_assign(
        actor=dsl, concern=concern, assignee=dsl, description=words, due_on=date(2030, 1, 1)
    )
    as_of = _tomorrow()
    [facts] = DatabaseFacts(as_of=as_of).load_pupils([str(child.pk)], as_of)
    [action] = facts.actions
    assert action.kind == ActionKind.PRACTICAL
    assert action.summary == words[: db_loader.SUMMARY_CHARS]


def test_known_factors_the_detectors_do_not_read_are_left_out(school, dsl):
    child = enrolled_pupil(school=school)
    with time_machine.travel(datetime(2025, 11, 4, 12, tzinfo=UTC), tick=False):
        for code in ("3B", "5B"):  # domestic abuse (read); a parent's learning disability (not)
            factor_services.factor_record(
                actor=dsl,
                pupil=child,
                code=code,
                source=FactorSource.ASSESSMENT,
                known_from=date(2025, 11, 3),
            )
    as_of = date(2025, 11, 10)
    [facts] = DatabaseFacts(as_of=as_of).load_pupils([str(child.pk)], as_of)
    assert [(f.cin_code, f.indicator) for f in facts.factors] == [
        ("3B", "domestic_abuse_household")
    ]


def test_more_children_than_a_chunk_are_read_chunk_by_chunk(school, monkeypatch):
    author = staff_member(school=school)
    children = [enrolled_pupil(school=school) for _ in range(3)]
    for child in children:
        make_concern(author=author, pupil=child)
    monkeypatch.setattr(db_loader, "CHUNK", 2)
    as_of = _tomorrow()
    loaded = DatabaseFacts(as_of=as_of).load_pupils([str(c.pk) for c in children], as_of)
    assert sorted(p.pupil_id for p in loaded) == sorted(str(c.pk) for c in children)
    assert all(len(p.concerns) == 1 and p.household_ids == frozenset() for p in loaded)
