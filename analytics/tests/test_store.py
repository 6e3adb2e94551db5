"""The analytics copy of append-only records: a new record is read incrementally, the copy
always equals a fresh read, and a position that cannot be trusted means a whole read."""

import dataclasses
import datetime as dt

import pytest

from analytics import store
from analytics.engine import compute
from analytics.periods import term_containing
from analytics.tests.builders import TODAY, _action, _concern, _decide, build
from concerns.models import ActionCompletion, Outcome

AUTUMN = term_containing(dt.date(2025, 10, 1))


@pytest.fixture
def built(school, dsl, other_school, tmp_path):
    return build(school, dsl, tmp_path)


def _figures(built):
    result = compute(school_ids=[built.school.pk], period=AUTUMN, today=TODAY)
    return dataclasses.asdict(result.schools[built.school.pk])


def _fresh(built):
    store.reset()
    return _figures(built)


def test_the_first_view_reads_every_table_and_the_next_reads_nothing(built):
    _figures(built)
    first = store.store().last.tables
    assert all(state.startswith("reloaded") for state in first.values())
    _figures(built)
    assert set(store.store().last.tables.values()) == {"kept"}


def test_new_records_are_added_incrementally_and_agree_with_a_fresh_read(built, dsl):
    _figures(built)
    concern = _concern(built.school, built.pupils["p6"], "2025-12-03T09:00", ("neglect",))
    _decide(concern, Outcome.MONITOR, "2025-12-04T10:00", review=dt.date(2025, 12, 10))
    action = _action(concern, dsl, dt.date(2025, 12, 5))
    incremental = _figures(built)
    tables = store.store().last.tables
    assert tables["base_concerns"] == "added 1"
    assert tables["base_subjects"] == "added 1"
    assert tables["base_versions"] == "added 1"
    assert tables["base_decisions"] == "added 1"
    assert tables["base_actions"] == "added 1"
    assert tables["base_completions"] == "kept"
    assert incremental == _fresh(built)
    assert incremental["concerns"] == 7

    _figures(built)
    ActionCompletion.objects.create(
        action=action,
        note="Done.",
        completed_by=dsl,
        completed_at=dt.datetime(2025, 12, 6, 9, tzinfo=dt.UTC),
    )
    after = _figures(built)
    assert store.store().last.tables["base_completions"] == "added 1"
    assert after == _fresh(built)


def test_a_record_written_with_an_old_date_is_still_read(built):
    """Imported history carries its original times; the copy follows insertion, not dates."""
    _figures(built)
    _concern(built.school, built.pupils["p6"], "2025-09-02T09:00", ("neglect",))
    assert store.store().last.tables["base_concerns"] != "added 1"  # not refreshed yet
    result = _figures(built)
    assert store.store().last.tables["base_concerns"] == "added 1"
    assert result == _fresh(built)


def test_a_position_that_cannot_be_trusted_means_a_whole_read(built):
    _figures(built)
    copy = store.store()
    # As if SQLite had renumbered its row ids, or PostgreSQL's transaction ids had wrapped:
    # the new row sits before the remembered position, so reading from there misses it.
    copy.state["base_concerns"].position = 1 << 62
    _concern(built.school, built.pupils["p6"], "2025-12-03T09:00", ("neglect",))
    result = _figures(built)
    assert copy.last.tables["base_concerns"].startswith("reloaded")
    assert result == _fresh(built)
    assert result["concerns"] == 7


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_reads_the_copy_in_the_background(school, teacher, pupil, settings):
    from concerns.tests.factories import make_concern

    make_concern(author=teacher, pupil=pupil)
    thread = store.warm_in_background()
    assert thread is not None
    thread.join(timeout=60)
    assert store.store().state["base_concerns"].count == 1
    assert store.store().last.tables["base_concerns"] == "reloaded 1"
    settings.CAIRN_ANALYTICS_WARM_ON_START = False
    assert store.warm_in_background() is None
