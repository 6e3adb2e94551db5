"""The analytics copy of append-only records: a new record is read incrementally, the copy
always equals a fresh read, and a position that cannot be trusted means a whole read."""

import datetime as dt

import pytest

from analytics import store
from analytics.tests.builders import (
    _action,
    _concern,
    _decide,
    autumn_figures,
    fresh_autumn_figures,
)
from concerns.models import ActionCompletion, Outcome


def test_the_first_view_reads_every_table_and_the_next_reads_nothing(built):
    autumn_figures(built)
    first = store.store().last.tables
    assert all(state.startswith("reloaded") for state in first.values())
    autumn_figures(built)
    assert set(store.store().last.tables.values()) == {"kept"}


def test_new_records_are_added_incrementally_and_agree_with_a_fresh_read(built, dsl):
    autumn_figures(built)
    concern = _concern(built.school, built.pupils["p6"], "2025-12-03T09:00", ("neglect",))
    _decide(concern, Outcome.MONITOR, "2025-12-04T10:00", review=dt.date(2025, 12, 10))
    action = _action(concern, dsl, dt.date(2025, 12, 5))
    incremental = autumn_figures(built)
    tables = store.store().last.tables
    assert tables["base_concerns"] == "added 1"
    assert tables["base_subjects"] == "added 1"
    assert tables["base_versions"] == "added 1"
    assert tables["base_decisions"] == "added 1"
    assert tables["base_actions"] == "added 1"
    assert tables["base_completions"] == "kept"
    assert incremental == fresh_autumn_figures(built)
    assert incremental["concerns"] == 7

    autumn_figures(built)
    ActionCompletion.objects.create(
        action=action,
        note="Done.",
        completed_by=dsl,
        completed_at=dt.datetime(2025, 12, 6, 9, tzinfo=dt.UTC),
    )
    after = autumn_figures(built)
    assert store.store().last.tables["base_completions"] == "added 1"
    assert after == fresh_autumn_figures(built)


def test_a_record_written_with_an_old_date_is_still_read(built):
    """Imported history carries its original times; the copy follows insertion, not dates."""
    autumn_figures(built)
    _concern(built.school, built.pupils["p6"], "2025-09-02T09:00", ("neglect",))
    assert store.store().last.tables["base_concerns"] != "added 1"  # not refreshed yet
    result = autumn_figures(built)
    assert store.store().last.tables["base_concerns"] == "added 1"
    assert result == fresh_autumn_figures(built)


def test_a_position_that_cannot_be_trusted_means_a_whole_read(built):
    autumn_figures(built)
    copy = store.store()
    # As if SQLite had renumbered its row ids, or PostgreSQL's transaction ids had wrapped:
    # the new row sits before the remembered position, so reading from there misses it.
    copy.state["base_concerns"].position = 1 << 62
    _concern(built.school, built.pupils["p6"], "2025-12-03T09:00", ("neglect",))
    result = autumn_figures(built)
    assert copy.last.tables["base_concerns"].startswith("reloaded")
    assert result == fresh_autumn_figures(built)
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
