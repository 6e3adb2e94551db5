"""Issue 22, item 13: at a small school the governors see what can be shown (the same table
over a longer period, or the trust's schools together) instead of rows of "not shown", with
small numbers still suppressed in whatever is shown."""

import pytest
from django.urls import reverse

from analytics import store
from analytics.engine import compute
from analytics.periods import term_containing
from analytics.selectors import what_can_be_shown
from analytics.tables import Policy, school_tables
from analytics.tables.trust import combine
from analytics.tests.builders import TODAY, _concern, _pupil
from concerns.services import categories_ensure
from pupils.models import Sex
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

AUTUMN = "?term=2025-autumn"


@pytest.fixture
def small_school(school, other_school):
    """Eight children; six concerns about six of them last spring, one this autumn."""
    store.reset()
    categories_ensure(school=school)
    children = [_pupil(school, sex=Sex.FEMALE) for _ in range(8)]
    for n, child in enumerate(children[:6]):
        _concern(school, child, f"2025-02-{10 + n}T10:00", ("neglect",))
    _concern(school, children[0], "2025-10-06T10:00", ("neglect",))
    yield school
    store.reset()


def test_a_mostly_withheld_table_is_shown_over_the_last_12_months(
    small_school, governor, client_for
):
    html = client_for(governor).get(reverse("analytics:school") + AUTUMN).content.decode()
    assert (
        "Children with concerns and with neglect concerns: Oakfield Primary, "
        "the 12 months to 31 December 2025"
    ) in html
    assert "this table covers the 12 months to 31 December 2025" in html


def test_the_dsl_sees_the_term_itself(small_school, dsl, client_for):
    html = client_for(dsl).get(reverse("analytics:school") + AUTUMN).content.decode()
    assert "the 12 months to" not in html


def test_the_governors_report_shows_the_same(small_school, governor, client_for):
    response = client_for(governor).get(reverse("analytics:report") + AUTUMN)
    text = " ".join(pdf_text(response.content).split())
    assert "the 12 months to 31 December 2025" in text


def _tables(school, period):
    figures = compute(school_ids=[school.pk], period=period, today=TODAY)
    return school_tables(figures, combine(figures), Policy.for_viewer(suppress=True))


def test_what_cannot_be_shown_anywhere_is_one_sentence(school, other_school):
    store.reset()
    categories_ensure(school=school)
    child = _pupil(school, sex=Sex.FEMALE)
    _concern(school, child, "2025-10-06T10:00", ("neglect",))
    autumn = term_containing(TODAY.replace(month=10, year=2025))
    tables = _tables(school, autumn)
    assert tables["key-figures"].mostly_withheld
    shown = what_can_be_shown(tables, school=school, period=autumn, today=TODAY)
    key = shown["key-figures"]
    assert key.rows == []
    assert key.withheld.startswith("Too few at this school to show")
    assert "the last 12 months or across the trust." in key.withheld
    store.reset()


def test_the_trusts_schools_together_when_the_school_alone_is_too_few(school, other_school):
    store.reset()
    categories_ensure(school=school)
    categories_ensure(school=other_school)
    _concern(school, _pupil(school, sex=Sex.FEMALE), "2025-10-06T10:00", ("neglect",))
    for n in range(6):
        child = _pupil(other_school, sex=Sex.MALE)
        _concern(other_school, child, f"2025-10-{10 + n}T10:00", ("neglect",))
    autumn = term_containing(TODAY.replace(month=10, year=2025))
    shown = what_can_be_shown(_tables(school, autumn), school=school, period=autumn, today=TODAY)
    key = shown["key-figures"]
    assert key.title.endswith("the trust's 2 schools together")
    assert not key.mostly_withheld
    # Suppression still applies to what is shown.
    assert all(
        not c.text.isdigit() or int(c.text) >= 5 or int(c.text) == 0
        for r in key.rows
        for c in r[1:2]
    )
    store.reset()


def test_a_table_already_a_year_long_is_not_lengthened(school, other_school):
    import datetime as dt

    from analytics.periods import Period

    store.reset()
    categories_ensure(school=school)
    _concern(school, _pupil(school, sex=Sex.FEMALE), "2025-10-06T10:00", ("neglect",))
    year = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2025")
    shown = what_can_be_shown(_tables(school, year), school=school, period=year, today=TODAY)
    assert shown["key-figures"].withheld.endswith(
        "not shown) over this period or across the trust."
    )
    store.reset()


def test_a_school_alone_in_its_trust_is_not_offered_the_trust(school):
    store.reset()
    categories_ensure(school=school)
    _concern(school, _pupil(school, sex=Sex.FEMALE), "2025-10-06T10:00", ("neglect",))
    autumn = term_containing(TODAY.replace(month=10, year=2025))
    shown = what_can_be_shown(_tables(school, autumn), school=school, period=autumn, today=TODAY)
    assert shown["key-figures"].withheld.endswith(
        "not shown) over this period or over the last 12 months."
    )
    store.reset()


def test_tables_with_enough_to_show_are_left_as_they_are(small_school):
    autumn = term_containing(TODAY.replace(month=10, year=2025))
    figures = compute(school_ids=[small_school.pk], period=autumn, today=TODAY)
    every_count = school_tables(figures, combine(figures), Policy.for_viewer(suppress=False))
    assert not any(t.mostly_withheld for t in every_count.values())
    assert what_can_be_shown(every_count, school=small_school, period=autumn) is every_count
