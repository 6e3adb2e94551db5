"""Register marks decoded in one place: the code, its treatment, and late marks."""

from datetime import date

from attendance.codes import NO_MARK, Treatment, code_table
from attendance.marks import decode_mark, week_day_counts, week_days


def _char(code: str) -> str:
    return code_table().by_code[code].storage_char


def test_each_mark_counts_as_the_code_table_says():
    present, late, unexplained, holiday, closed = (
        decode_mark(_char(c)) for c in ("/", "L", "O", "G", "#")
    )
    assert present.code.code == "/"
    assert (present.possible, present.attended, present.late) == (True, True, False)
    assert (late.attended, late.late) == (True, True)
    assert (unexplained.unauthorised, unexplained.authorised) == (True, False)
    assert holiday.treatment == Treatment.UNAUTHORISED
    assert not closed.possible


def test_a_week_gives_each_marked_day_with_its_sessions():
    monday = date(2025, 1, 6)
    marks = (
        _char("/") + _char("N")  # Monday: present, then no reason yet
        + NO_MARK * 2  # Tuesday: nothing in the register
        + _char("L") + NO_MARK  # Wednesday: late in the morning only
        + NO_MARK * 4
    )  # fmt: skip
    days = list(week_days(monday, marks))
    assert [day for day, _ in days] == [date(2025, 1, 6), date(2025, 1, 8)]
    assert [m.code.code for m in days[0][1]] == ["/", "N"]
    assert [m.code.code for m in days[1][1]] == ["L"]


def test_day_counts_agree_with_the_decoded_sessions_for_every_pair_of_marks():
    """The counted days the pattern facts read are the decoded sessions, counted: checked for
    every pair of stored marks, with no mark in either session too."""
    chars = [*code_table().by_storage, NO_MARK]
    monday = date(2025, 1, 6)
    for am in chars:
        for pm in chars:
            marks = am + pm + NO_MARK * 8
            decoded = list(week_days(monday, marks))
            counted = list(week_day_counts(monday, marks))
            assert [d for d, _ in decoded] == [d for d, _ in counted]
            for (_, sessions), (_, counts) in zip(decoded, counted, strict=True):
                possible = [s for s in sessions if s.possible]
                assert counts.possible == len(possible)
                assert counts.attended == sum(s.attended for s in possible)
                assert counts.authorised == sum(s.authorised for s in possible)
                assert counts.unauthorised == sum(s.unauthorised for s in possible)
                assert counts.late == sum(s.late for s in sessions)
    assert list(week_day_counts(monday, NO_MARK * 10)) == []
