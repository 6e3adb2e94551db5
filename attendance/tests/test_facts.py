"""The register facts the detectors read, kept per process while no school's registers change:
what is kept is exactly what a fresh read gives, and an import is seen at once."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from attendance import facts
from attendance.facts import facts_for, kept
from attendance.models import AttendanceWeek
from attendance.tests.factories import import_text, weeks_csv
from patterns.engine import cutoff
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from sources.facts import FactWindow

MONDAY = date(2025, 9, 1)
AS_OF = date(2025, 11, 28)
WINDOW = FactWindow(as_of=AS_OF, start=AS_OF - timedelta(days=400), end=cutoff(AS_OF))
# The registers are imported on the evening of the as-of day, so the window sees them.
EVENING = datetime(2025, 11, 28, 17, tzinfo=UTC)


@pytest.fixture
def children(db, tmp_path, school):
    """Two children with registers at the school and one with none."""
    ava, ben, cal = (PupilFactory() for _ in range(3))
    for child in (ava, ben, cal):
        EnrolmentFactory(pupil=child, school=school)
    text = weeks_csv(ava, school, MONDAY, ["/\\/\\/\\/\\/\\", "NNNN/\\/\\OO"] * 6)
    text += weeks_csv(ben, school, MONDAY, ["/\\/\\/\\/\\LL"] * 12).split("\n", 1)[1]
    with time_machine.travel(EVENING, tick=False):
        import_text(tmp_path, text)
    kept.clear()
    return {str(child.pk): child for child in (ava, ben, cal)}


def _days(found):
    return {pid: list(parts.attendance) for pid, parts in found.items()}


def _week_reads(queries) -> int:
    table = AttendanceWeek._meta.db_table
    return sum(table in q["sql"] for q in queries)


def test_kept_days_are_what_a_fresh_read_gives(children):
    with CaptureQueriesContext(connection) as first:
        read = _days(facts_for(pupils=children, window=WINDOW))
    with CaptureQueriesContext(connection) as again:
        served = _days(facts_for(pupils=children, window=WINDOW))
    kept.clear()
    fresh = _days(facts_for(pupils=children, window=WINDOW))
    assert served == read == fresh
    assert set(read) == set(list(children)[:2])  # the child with no registers has no facts
    assert len(read[next(iter(children))]) == 60
    assert _week_reads(first.captured_queries) == 1
    assert _week_reads(again.captured_queries) == 0  # one small read of the versions only
    assert len(again.captured_queries) == 1


def test_an_import_is_seen_at_once(children, tmp_path, school):
    ava = next(iter(children.values()))
    facts_for(pupils=children, window=WINDOW)
    with time_machine.travel(EVENING + timedelta(hours=1), tick=False):
        import_text(tmp_path, weeks_csv(ava, school, MONDAY, ["OOOOOOOOOO"]))
    monday = {d.day: d for d in facts_for(pupils=children, window=WINDOW)[str(ava.pk)].attendance}
    assert monday[MONDAY].unauthorised == 2
    kept.clear()
    assert _days(facts_for(pupils=children, window=WINDOW))[str(ava.pk)][0] == monday[MONDAY]
    assert list(monday) == sorted(monday)  # read in date order, kept or not


def test_an_import_rolled_back_is_forgotten(children, tmp_path, school):
    ava = next(iter(children.values()))
    before = _days(facts_for(pupils=children, window=WINDOW))
    with transaction.atomic(), time_machine.travel(EVENING + timedelta(hours=1), tick=False):
        import_text(tmp_path, weeks_csv(ava, school, MONDAY, ["OOOOOOOOOO"]))
        inside = _days(facts_for(pupils=children, window=WINDOW))
        transaction.set_rollback(True)
    assert inside != before
    assert _days(facts_for(pupils=children, window=WINDOW)) == before


def test_another_window_is_read_afresh(children):
    facts_for(pupils=children, window=WINDOW)
    earlier = FactWindow(as_of=MONDAY, start=WINDOW.start, end=cutoff(MONDAY))
    with CaptureQueriesContext(connection) as queries:
        found = facts_for(pupils=children, window=earlier)
    assert _week_reads(queries.captured_queries) == 1
    assert all(d.day <= MONDAY + timedelta(days=6) for p in found.values() for d in p.attendance)


def test_days_read_under_registers_that_changed_meanwhile_are_not_kept(children):
    first = next(iter(children))
    kept.take("before", [first])
    kept.take("after", [first])  # another reader saw new registers in the meantime
    kept.keep("before", {first: ()})
    assert kept.take("after", [first]) == {}


def test_only_the_most_recently_used_children_are_kept(children, monkeypatch):
    monkeypatch.setattr(facts, "KEEP_CHILDREN", 2)
    ava, ben, cal = children
    facts_for(pupils={ava: children[ava], ben: children[ben]}, window=WINDOW)
    facts_for(pupils={ava: children[ava]}, window=WINDOW)  # Ava used last
    facts_for(pupils={cal: children[cal]}, window=WINDOW)
    assert list(kept.days) == [ava, cal]
