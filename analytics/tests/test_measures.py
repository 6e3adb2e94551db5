"""Every dashboard measure on the hand-built school (builders.py), against sums done by hand.

The period is the autumn term 2025 (1 Sep – 31 Dec); the figures are looked at on 15 Jan 2026,
so capacity is as at 31 Dec 2025.
"""

import datetime as dt

import pytest

from analytics.engine import NEGLECT_CP_CODE, compute
from analytics.periods import PeriodForm, term_containing
from analytics.tables import WITHHELD, Policy, school_tables
from analytics.tests.builders import TODAY

AUTUMN = term_containing(dt.date(2025, 10, 1))


@pytest.fixture
def figures(built):
    return compute(school_ids=[built.school.pk], period=AUTUMN, today=TODAY)


def test_term_is_autumn_2025():
    assert (AUTUMN.start, AUTUMN.end, AUTUMN.term) == (
        dt.date(2025, 9, 1),
        dt.date(2025, 12, 31),
        "2025-autumn",
    )


def test_roll_and_children_with_concerns(built, figures):
    f = figures.schools[built.school.pk]
    # p1..p8 on the roll; the leaver left in July. Concerns in the term: c1-c5 and c7 (c6 is
    # from August), about p1, p2, p3 and p5.
    assert f.roll == 8
    assert (f.children_with_concerns, f.concerns) == (4, 6)
    # Neglect: c1, c2 (p1), c3 (p2), c4 (p3).
    assert (f.neglect_children, f.neglect_concerns) == (3, 4)
    assert figures.as_of == dt.date(2025, 12, 31)


def test_concerns_by_month(built, figures):
    f = figures.schools[built.school.pk]
    assert f.monthly == {
        ("2025-09", ""): 1,
        ("2025-09", "neglect"): 1,
        ("2025-09", NEGLECT_CP_CODE): 1,
        ("2025-10", ""): 1,
        ("2025-10", "neglect"): 1,
        ("2025-10", "domestic_abuse"): 1,
        ("2025-10", NEGLECT_CP_CODE): 1,
        ("2025-11", ""): 2,
        ("2025-11", "neglect"): 2,
        ("2025-11", "emotional"): 1,
        ("2025-11", NEGLECT_CP_CODE): 2,
        ("2025-12", ""): 2,
        ("2025-12", "physical"): 1,
        ("2025-12", "other"): 1,
    }


def test_neglect_cooccurrence(built, figures):
    f = figures.schools[built.school.pk]
    # p1: domestic abuse on neglect concern c2; p2: physical abuse on c5 (not a neglect
    # concern); p3: emotional abuse on neglect concern c4.
    assert f.cooccurrence == {"domestic_abuse": (1, 1), "physical": (1, 0), "emotional": (1, 1)}


def test_household_factors(built, figures):
    f = figures.schools[built.school.pk]
    # Children with concerns this term: p1, p2, p3, p5.
    # Domestic abuse: p1 (category), p3 (Operation Encompass), p2 (known factor 3B).
    # Parental mental ill-health: p2 (4B); p4's 4B is not counted (no concern this term).
    # Parental alcohol misuse: p1 (1B). Parental drug misuse: p1's 2B is known only after the
    # term and p3's was withdrawn before it ended; p4's drugs-and-alcohol concern is in August.
    # Poverty: p1, p3 disadvantaged.
    assert f.household == {
        "domestic_abuse": 3,
        "parental_mental_health": 1,
        "parental_alcohol_misuse": 1,
        "parental_drug_misuse": 0,
        "poverty": 2,
    }


def test_profile_beside_roll(built, figures):
    f = figures.schools[built.school.pk]
    assert f.profile[("sex", "Female")] == (2, 6)  # p1, p5 of p1, p4-p8
    assert f.profile[("sex", "Male")] == (2, 2)  # p2, p3
    assert f.profile[("age_band", "5 to 10")] == (3, 7)  # p1 (10), p3 (10), p5 (9)
    assert f.profile[("age_band", "11 to 15")] == (1, 1)  # p2 (13)
    assert f.profile[("ethnicity", "White")] == (2, 6)
    assert f.profile[("ethnicity", "Asian or Asian British")] == (1, 1)
    assert f.profile[("ethnicity", "Not known or refused")] == (1, 1)
    assert f.profile[("sen", "SEN support")] == (1, 1)
    assert f.profile[("disability", "Yes")] == (1, 1)
    assert f.profile[("disadvantaged", "Yes")] == (2, 2)
    assert f.profile[("social_care", "Open to children's social care")] == (1, 1)


def test_high_expectations(built, figures):
    f = figures.schools[built.school.pk]
    # Disadvantaged: c1 (p1: social care 9.96 days after it was written), c2 (p1: early help
    # after 1.96 days), c4 (p3: undecided). Median of 9.96 and 1.96 = 5.96 -> 6.0.
    assert f.expectations["disadvantaged"] == (3, 2, 2, 1, 6.0)
    # Other: c3 (p2: monitor only).
    assert f.expectations["other"] == (1, 1, 0, 0, None)


def test_capacity(built, figures):
    f = figures.schools[built.school.pk]
    # Open: p1 (c1, c2), p2 (c3 monitor), p3 (c4 undecided), p5 (c7 decided only in January).
    assert f.open_cases == 4
    assert f.decisions_waiting == 2  # c4, c7
    assert f.overdue_reviews == 1  # c3: review due 1 Dec
    assert f.overdue_actions == 2  # c1's (never done), c3's (done in January)
    # Decided: c1 0.96 d, c2 1.96 d, c3 0.08 d, c5 0.42 d -> 3 within a day, median 0.69.
    assert (f.decided_in_period, f.decided_within_day) == (4, 3)
    assert f.median_days_to_decision == 0.7
    assert f.findings_waiting == 1


def test_attendance_against_roll(built, figures):
    f = figures.schools[built.school.pk]
    # With concerns: p1 16/20 (persistent), p2 20/20. Roll: + p4 20/20, p6 19/20.
    assert f.attendance["with_concerns"] == (2, 40, 36, 1)
    assert f.attendance["roll"] == (4, 80, 75, 1)


def test_school_team_sees_every_count(built, figures):
    tables = school_tables(figures, figures.schools[built.school.pk], Policy(False, 5))
    key = {row[0].text: row for row in tables["key-figures"].rows}
    assert key["Children with a concern"][1].text == "4"
    assert key["Children with a concern"][2].text == "50.0%"
    attendance = {row[0].text: row for row in tables["attendance"].rows}
    assert attendance["Children with concerns"][2].text == "90.0%"
    assert attendance["All pupils"][2].text == "93.8%"


def test_governors_see_small_numbers_suppressed(built, figures):
    tables = school_tables(figures, figures.schools[built.school.pk], Policy(True, 5))
    key = {row[0].text: row for row in tables["key-figures"].rows}
    assert key["Children on the roll"][1].text == "8"
    assert key["Children with a concern"][1].text == "fewer than 5"
    assert key["Children with a concern"][2].text == WITHHELD
    assert key["Concerns recorded"][1].text == "6"
    household = {row[0].text: row for row in tables["household-factors"].rows}
    assert household["Domestic abuse"][1].text == "fewer than 5"
    assert household["Domestic abuse"][2].text == WITHHELD
    assert household["Domestic abuse"][3].text == "55%"  # national figures are never suppressed
    assert household["Parental mental ill-health"][1].text == "fewer than 5"
    # A zero is not a small number: it identifies no one.
    assert household["Parental drug misuse"][1].text == "0"
    expectations = {row[0].text: row for row in tables["high-expectations"].rows}
    assert expectations["Disadvantaged pupils"][7].text == WITHHELD  # median of 2 cases
    capacity = {row[0].text: row for row in tables["capacity"].rows}
    assert capacity["Overdue actions"][1].text == "fewer than 5"
    for table in tables.values():
        for row in table.rows:
            for cell in row:
                if cell.text in {"fewer than 5", WITHHELD}:
                    assert cell.number is None  # so no chart can draw it


def test_threshold_is_a_setting(built, figures, settings):
    settings.CAIRN_ANALYTICS_SUPPRESS_BELOW = 3
    policy = Policy.for_viewer(suppress=True)
    tables = school_tables(figures, figures.schools[built.school.pk], policy)
    key = {row[0].text: row for row in tables["key-figures"].rows}
    assert key["Children with a concern"][1].text == "4"
    assert key["Children with a neglect concern"][1].text == "3"


def test_other_schools_records_are_not_counted(built, other_school):
    result = compute(school_ids=[other_school.pk], period=AUTUMN, today=TODAY)
    f = result.schools[other_school.pk]
    assert (f.roll, f.concerns, f.open_cases, f.findings_waiting) == (0, 0, 0, 0)


def test_period_form():
    form = PeriodForm({"start": "2025-10-01", "end": "2025-10-31"})
    period = form.period(TODAY)
    assert (period.start, period.end) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert PeriodForm({"term": "2024-spring"}).period(TODAY).start == dt.date(2025, 1, 1)
    bad = PeriodForm({"start": "2025-10-31", "end": "2025-10-01"})
    assert not bad.is_valid()
    assert bad.period(TODAY) == term_containing(TODAY)
    assert not PeriodForm({"start": "2025-10-31"}).is_valid()
    assert not PeriodForm({"term": "1999-winter"}).is_valid()


def test_a_new_record_is_counted_at_once(built, figures, dsl):
    """The in-memory extract of append-only records never hides a record added since."""
    from analytics.tests.builders import _concern

    assert figures.schools[built.school.pk].concerns == 6
    _concern(built.school, built.pupils["p6"], "2025-12-03T09:00", ("neglect",))
    again = compute(school_ids=[built.school.pk], period=AUTUMN, today=TODAY)
    f = again.schools[built.school.pk]
    assert (f.concerns, f.neglect_children, f.decisions_waiting) == (7, 4, 3)


def test_no_schools_no_figures():
    result = compute(school_ids=[], period=AUTUMN, today=TODAY)
    assert result.schools == {}


def test_line_chart_breaks_at_withheld_months(built, figures):
    from analytics.charts import SERIES_COLOURS, Line, dashboard_charts

    tables = school_tables(figures, figures.schools[built.school.pk], Policy(True, 5))
    chart = dashboard_charts(tables)["concerns-by-month"]
    drawn = [s for s in chart.shapes if isinstance(s, Line) and s.points[0][1] != 13.0]
    # All concerns: every month has fewer than 5, so no line at all.
    assert [s for s in drawn if s.stroke == SERIES_COLOURS[0]] == []
    # Neglect: only December (0) is shown, as a short stub, joined to no other month.
    neglect = [s for s in drawn if s.stroke == SERIES_COLOURS[1]]
    assert len(neglect) == 1
    assert len(neglect[0].points) == 2
    assert "not shown (small number) in the latest month" in chart.summary
    assert "no month shown" in chart.summary
    svg = chart.svg()
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg


@pytest.mark.parametrize(
    ("values", "hidden"),
    [
        ([3, 10, 7, 0], {2}),  # one small: the smallest other non-zero goes with it
        ([3, 4, 10], set()),  # two small: neither can be worked out from the total
        ([10, 12], set()),  # nothing small
        ([3, 0, 0], set()),  # nothing else to hide (the total is the small number itself)
        ([0, 0, 9], set()),  # zeros reveal nothing
    ],
)
def test_secondary_suppression_of_a_group(values, hidden):
    from analytics.tables import secondary

    assert secondary(values, Policy(True, 5)) == hidden
    assert secondary(values, Policy(False, 5)) == set()


def test_no_small_number_in_the_profile_can_be_worked_out_from_its_total(built, figures):
    from analytics.tables import PROTECTED

    f = figures.schools[built.school.pk]
    table = school_tables(figures, f, Policy(True, 5))["profile"]
    by_dimension: dict[str, list[list]] = {}
    for row in table.rows:
        by_dimension.setdefault(row[0].text, []).append(row)
    protected = 0
    for rows in by_dimension.values():
        for column in (2, 4):
            cells = [row[column].text for row in rows]
            small = cells.count("fewer than 5")
            shown_nonzero = [c for c in cells if c not in {"fewer than 5", PROTECTED, "0"}]
            # Never exactly one withheld cell beside shown non-zero ones.
            assert not (small == 1 and PROTECTED not in cells and shown_nonzero)
            protected += cells.count(PROTECTED)
    assert protected > 0  # the hand-built school has such groups (e.g. sex: 2 of 4 female)
    for row in table.rows:
        for cell in row:
            if cell.text == PROTECTED:
                assert cell.number is None
    # The school team sees every count.
    team = school_tables(figures, f, Policy(False, 5))["profile"]
    assert all(cell.text != PROTECTED for row in team.rows for cell in row)


def test_one_small_school_in_the_trust_table_takes_another_with_it():
    import uuid

    from analytics.engine import Figures, SchoolFigures
    from analytics.tables import PROTECTED, comparison

    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    schools = {
        a: SchoolFigures(roll=400, children_with_concerns=3, open_cases=6),
        b: SchoolFigures(roll=500, children_with_concerns=12, open_cases=2),
        c: SchoolFigures(roll=600, children_with_concerns=20, open_cases=3),
    }
    figures = Figures(period=AUTUMN, as_of=TODAY, schools=schools, category_labels={})
    table = comparison(figures, {a: "School A", b: "School B", c: "School C"}, Policy(True, 5))
    rows = {row[0].text: [cell.text for cell in row] for row in table.rows}
    # Children with a concern: A's 3 is small; B's 12 (the smallest other) is hidden with it,
    # and so is B's share of its roll (which would give the count back).
    assert rows["School A"][2:4] == ["fewer than 5", WITHHELD]
    assert rows["School B"][2:4] == [PROTECTED, PROTECTED]
    assert rows["School C"][2:4] == ["20", "3.3%"]
    assert rows["All schools in the trust"][2] == "35"
    # Open cases: two schools are small, so neither can be worked out: nothing more hidden.
    assert [rows[n][8] for n in ("School A", "School B", "School C")] == [
        "6",
        "fewer than 5",
        "fewer than 5",
    ]
    assert [rows[n][1] for n in ("School A", "School B", "School C")] == ["400", "500", "600"]


def test_several_schools_months_are_counted_together(built, figures, other_school):
    """A trust's dashboard counts the months of its schools together (no table shows one
    school's months): the same numbers as the school alone when the other has no concerns."""
    from analytics.tables import combine

    both = compute(school_ids=[built.school.pk, other_school.pk], period=AUTUMN, today=TODAY)
    one = figures.schools[built.school.pk].monthly
    assert both.monthly == one
    assert combine(both).monthly == one
    assert combine(figures).monthly == one
    assert combine(both).concerns == figures.schools[built.school.pk].concerns
