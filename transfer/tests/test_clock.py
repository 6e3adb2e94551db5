"""The five-school-day clock: term dates, half terms, holidays (the start-of-term rule), and
overdue transfers in the safeguarding team's inbox."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import signed_in_client
from transfer import services
from transfer.clock import Term, due_on, school_days_between
from transfer.models import TermDates
from transfer.selectors import is_overdue, overdue_for

AUTUMN_1 = Term(date(2026, 9, 1), date(2026, 10, 23))
AUTUMN_2 = Term(date(2026, 11, 2), date(2026, 12, 18))
TERMS = [AUTUMN_2, AUTUMN_1]  # in any order
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("left_on", "terms", "due"),
    [
        # In term: the fifth school day after the day the child left.
        (date(2026, 10, 5), TERMS, date(2026, 10, 12)),
        # Across half term: the holiday's weekdays are not school days.
        (date(2026, 10, 21), TERMS, date(2026, 11, 4)),
        # Left in the holiday: the first five days of the new term.
        (date(2026, 10, 27), TERMS, date(2026, 11, 6)),
        # Left on a Saturday of half term: the same.
        (date(2026, 10, 24), TERMS, date(2026, 11, 6)),
        # Past the last term the school set: weekdays count.
        (date(2026, 12, 16), TERMS, date(2026, 12, 23)),
        (date(2026, 12, 20), TERMS, date(2026, 12, 25)),
        # No term dates: weekdays.
        (date(2026, 10, 9), [], date(2026, 10, 16)),
        # Left before the first term the school set (the summer holiday).
        (date(2026, 8, 20), TERMS, date(2026, 9, 7)),
    ],
)
def test_due_on(left_on, terms, due):
    assert due_on(left_on, terms) == due


def test_school_days_between():
    assert school_days_between(date(2026, 10, 21), date(2026, 11, 4), TERMS) == 5
    assert school_days_between(date(2026, 11, 4), date(2026, 10, 21), TERMS) == 0


@pytest.mark.django_db
def test_overdue_after_five_school_days_and_in_the_inbox(dsl, pupil):
    for name, term in (("Autumn 1", AUTUMN_1), ("Autumn 2", AUTUMN_2)):
        services.term_dates_add(
            actor=dsl, name=name, starts_on=term.starts_on, ends_on=term.ends_on
        )
    with time_machine.travel(datetime(2026, 10, 21, 16, 0, tzinfo=LONDON), tick=False):
        transfer = services.transfer_start(
            actor=dsl,
            pupil=pupil,
            left_on=date(2026, 10, 21),
            to_school_name="Hilltop Primary",
            to_school_urn="123456",
        )
    assert transfer.due_on == date(2026, 11, 4)
    with time_machine.travel(datetime(2026, 11, 4, 17, 0, tzinfo=LONDON), tick=False):
        client = signed_in_client(dsl)
        assert not is_overdue(transfer)
        assert not overdue_for(viewer=dsl).exists()
        page = client.get(reverse("concerns:inbox")).content.decode()
        assert "Child protection file transfers overdue (0)" in page
    with time_machine.travel(datetime(2026, 11, 5, 8, 0, tzinfo=LONDON), tick=False):
        client = signed_in_client(dsl)
        assert is_overdue(transfer)
        assert list(overdue_for(viewer=dsl)) == [transfer]
        page = client.get(reverse("concerns:inbox")).content.decode()
        assert "Child protection file transfers overdue (1)" in page
        assert pupil.display_name in page
        detail = client.get(reverse("transfer:detail", args=[transfer.pk])).content.decode()
        assert "Overdue: the file was due to arrive by 4 November 2026" in detail


@pytest.mark.django_db
def test_term_dates_page(dsl, teacher):
    client = signed_in_client(dsl)
    url = reverse("transfer:terms")
    assert "No term dates yet" in client.get(url).content.decode()
    data = {
        "name": "Autumn term 2026, first half",
        "starts_on_day": "1",
        "starts_on_month": "9",
        "starts_on_year": "2026",
        "ends_on_day": "23",
        "ends_on_month": "10",
        "ends_on_year": "2026",
    }
    assert client.post(url, data).status_code == 302
    assert TermDates.objects.get().name == "Autumn term 2026, first half"
    again = client.post(url, {**data, "name": "Overlapping"})
    assert again.status_code == 400
    assert "These dates overlap" in again.content.decode()
    backwards = client.post(
        url, {**data, "name": "Backwards", "starts_on_year": "2027", "ends_on_year": "2027"}
    )
    assert backwards.status_code == 302
    wrong = client.post(
        url,
        {
            **data,
            "name": "Wrong",
            "starts_on_day": "30",
            "ends_on_day": "1",
            "starts_on_year": "2028",
            "ends_on_year": "2028",
            "ends_on_month": "9",
        },
    )
    assert wrong.status_code == 400
    assert "cannot end before it starts" in wrong.content.decode()
    assert signed_in_client(teacher).get(url).status_code == 403
