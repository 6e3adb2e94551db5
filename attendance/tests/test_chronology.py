"""Attendance events on the chronology (a chronology source: sources/chronology.py)."""

from datetime import date

from attendance.chronology import attendance_entries
from attendance.tests.factories import import_text, weeks_csv
from chronology.entries import Window, chronology_sources

MONDAY = date(2025, 9, 1)
PRESENT = "/\\/\\/\\/\\/\\"


def anchors_for_test(*, viewer, pupil_ids):
    """A stand-in for concerns: one dated record per child."""
    return {pupil_id: [(date(2025, 9, 10), "a concern")] for pupil_id in pupil_ids}


def test_the_source_is_registered():
    assert attendance_entries in chronology_sources()


def test_runs_and_crossings_become_entries(tmp_path, school, pupil, dsl, settings):
    weeks = [PRESENT, PRESENT, "N" * 10, "N" * 10, PRESENT, PRESENT]
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, weeks))
    entries = list(
        attendance_entries(
            viewer=dsl, pupil_ids=[pupil.pk], window=Window(date(2025, 9, 1), date(2025, 12, 31))
        )
    )
    titles = sorted(e.title for e in entries)
    assert titles == [
        "10 school days of unexplained absence",
        "Crossed into persistent absence",
        "Crossed into severe absence",
    ]
    run = next(e for e in entries if "unexplained" in e.title)
    assert run.occurred_at.date() == date(2025, 9, 26)
    assert run.significant
    assert run.url == f"/attendance/pupils/{pupil.pk}/"
    persistent = next(e for e in entries if "persistent" in e.title)
    # After two weeks present (20 sessions), the first N makes 2 of 22 missed: 9.1%; the
    # Tuesday ends at 3 of 23 missed (13%): the crossing is on 16 September.
    assert persistent.occurred_at.date() == date(2025, 9, 16)


def test_first_unexplained_absence_after_an_anchor(tmp_path, school, pupil, dsl, settings):
    settings.CAIRN_ATTENDANCE_ANCHOR_SOURCES = ["attendance.tests.test_chronology.anchors_for_test"]
    weeks = ["/\\/\\N\\/\\/\\", "/\\/\\/\\O\\/\\"]
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, weeks))
    entries = attendance_entries(viewer=dsl, pupil_ids=[pupil.pk], window=Window())
    after = [e for e in entries if e.title.startswith("First unexplained")]
    assert [e.occurred_at.date() for e in after] == [date(2025, 9, 11)]
    assert after[0].title == "First unexplained absence after a concern"


def test_nothing_for_a_viewer_who_may_not_see_the_child(tmp_path, school, pupil, other_school_dsl):
    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, ["N" * 10] * 2))
    assert (
        list(attendance_entries(viewer=other_school_dsl, pupil_ids=[pupil.pk], window=Window()))
        == []
    )


def test_an_import_is_seen_at_once_though_answers_are_kept(tmp_path, school, pupil, dsl):
    """The Parquet answers are kept per process by their SQL, which names each school's file by
    its version token: a later import (a new token) is read, never the kept answer."""
    window = Window(date(2025, 9, 1), date(2025, 12, 31))

    def titles() -> list[str]:
        entries = attendance_entries(viewer=dsl, pupil_ids=[pupil.pk], window=window)
        return sorted(e.title for e in entries)

    import_text(tmp_path, weeks_csv(pupil, school, MONDAY, [PRESENT] * 6))
    assert titles() == []
    assert titles() == []  # the kept answer
    (tmp_path / "second").mkdir()
    weeks = [PRESENT, PRESENT, "N" * 10, "N" * 10, PRESENT, PRESENT]
    import_text(tmp_path / "second", weeks_csv(pupil, school, MONDAY, weeks))
    assert titles() == [
        "10 school days of unexplained absence",
        "Crossed into persistent absence",
        "Crossed into severe absence",
    ]
