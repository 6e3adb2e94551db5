"""Issue 14, item 9: the attendance summary suppresses small numbers for governors and the trust
lead, as every other aggregate they see does; the school's team sees exact numbers."""

from django.urls import reverse

from attendance.measures import GroupMeasures
from attendance.summary import summary_rows
from schools.models import Role

AS_OF = "2025-11-28"


def _group(label: str, pupils: int, persistent: int = 0, severe: int = 0) -> GroupMeasures:
    return GroupMeasures(
        label=label,
        pupils=pupils,
        possible=pupils * 100,
        attended=pupils * 90,
        persistent=persistent,
        severe=severe,
        unexplained=3,
        la_notify=0,
        part_time=0,
    )


def test_the_governor_sees_fewer_than_5_not_the_count(client_for, governor, registers):
    # Before the fix the governor saw "1 (50.0%)" for severe absence.
    response = client_for(governor).get(reverse("attendance:summary"), {"as_of": AS_OF})
    body = response.content.decode()
    assert "fewer than 5" in body
    assert "1 (50.0%)" not in body
    total = response.context["rows"][-1]
    assert total.pupils == "fewer than 5"
    assert total.severe == "fewer than 5 (not shown (small number))"
    assert total.rate == "not shown (small number)"


def test_the_dsl_sees_the_exact_numbers(client_for, dsl, registers):
    response = client_for(dsl).get(reverse("attendance:summary"), {"as_of": AS_OF})
    total = response.context["rows"][-1]
    assert total.pupils == "2"
    assert total.severe == "1 (50.0%)"


def test_a_small_year_group_is_hidden_and_one_more_so_it_cannot_be_worked_out(db):
    groups = [
        _group("Year 3", 30, persistent=6),
        _group("Year 4", 2, persistent=1),
        _group("Year 5", 25),
        _group("All pupils", 57, persistent=7),
    ]
    rows = summary_rows(groups, role=Role.GOVERNOR)
    assert [r.pupils for r in rows] == [
        "30",
        "fewer than 5",
        "not shown (would reveal a small number)",
        "57",
    ]
    assert rows[0].persistent == "6 (20.0%)"
    assert rows[1].persistent == "fewer than 5 (not shown (small number))"
    assert rows[2].persistent == "0 (not shown (small number))"
    assert summary_rows(groups, role=Role.TRUST_LEAD)[1].pupils == "fewer than 5"
    assert summary_rows(groups, role=Role.DSL)[1].pupils == "2"
