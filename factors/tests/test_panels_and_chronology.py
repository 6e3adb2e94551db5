"""Known factors on the front sheet (the safeguarding team only) and on the chronology."""

import datetime

import pytest
from django.urls import reverse

from chronology.entries import Window
from chronology.selectors import ChronologyFilters, chronology_for
from conftest import with_access_reason
from factors import services
from factors.chronology import factor_entries, withdrawal_entries
from factors.models import FactorSource
from factors.tests.factories import KnownFactorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


@pytest.fixture
def factors(dsl, pupil):
    """4B known from the family in January; 1B recorded and withdrawn the day before today."""
    current = services.factor_record(
        actor=dsl,
        pupil=pupil,
        code="4B",
        source=FactorSource.FAMILY,
        known_from=datetime.date(2026, 1, 12),
        note="Mum told the class teacher.",
    )
    mistaken = KnownFactorFactory(pupil=pupil, recorded_by=dsl, code="1B")
    services.factor_withdraw(actor=dsl, factor=mistaken, reason="The assessment said 2B.")
    return current, mistaken


def _front_sheet(client, pupil):
    return client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()


@pytest.mark.parametrize("role", ["dsl", "deputy_dsl"])
def test_the_safeguarding_team_sees_the_current_factors(request, client_for, pupil, factors, role):
    page = _front_sheet(client_for(request.getfixturevalue(role)), pupil)
    panel = page[page.index('id="known-factors"') :]
    assert "Mental health: concerns about the mental health of the parent(s)/carer(s)" in panel
    assert "Alcohol misuse" not in panel  # withdrawn
    assert reverse("factors:pupil", args=[pupil.pk]) in panel


def test_the_panel_says_when_none_is_recorded(client_for, dsl, pupil):
    page = _front_sheet(client_for(dsl), pupil)
    assert "None recorded." in page[page.index('id="known-factors"') :]


def test_the_headteacher_and_a_trust_lead_see_no_panel(
    client_for, headteacher, trust_lead, pupil, factors
):
    assert 'id="known-factors"' not in _front_sheet(client_for(headteacher), pupil)
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    client = with_access_reason(client_for(trust_lead), pupil)
    page = _front_sheet(client, pupil)
    assert "Schools" in page  # the front sheet itself is shown
    assert 'id="known-factors"' not in page


def test_chronology_entries_when_known_and_when_withdrawn(dsl, pupil, factors):
    current, mistaken = factors
    known = {
        e.source_id: e for e in factor_entries(viewer=dsl, pupil_ids=[pupil.pk], window=Window())
    }
    entry = known[str(current.pk)]
    assert entry.title == (
        "Factor known: Mental health: concerns about the mental health of the parent(s)/carer(s)"
        " (The family told us)"
    )
    assert entry.summary == "CIN assessment factor 4B. Mum told the class teacher."
    assert entry.occurred_at.date() == datetime.date(2026, 1, 12)
    assert entry.url == reverse("factors:pupil", args=[pupil.pk])
    assert entry.author == dsl.user.full_name
    assert known[str(mistaken.pk)].title.endswith("(later withdrawn)")
    (withdrawn,) = withdrawal_entries(viewer=dsl, pupil_ids=[pupil.pk], window=Window())
    assert withdrawn.source_id == f"{mistaken.pk}:withdrawn"
    assert withdrawn.title.startswith("Factor withdrawn: Alcohol misuse")
    assert withdrawn.summary == "Why: The assessment said 2B."


def test_chronology_windows(dsl, pupil, factors):
    current, mistaken = factors  # known from 12 and 5 January; withdrawn on 2 March

    def known(window):
        return [
            e.source_id for e in factor_entries(viewer=dsl, pupil_ids=[pupil.pk], window=window)
        ]

    def withdrawn(window):
        return list(withdrawal_entries(viewer=dsl, pupil_ids=[pupil.pk], window=window))

    assert known(Window(start=datetime.date(2026, 1, 10))) == [str(current.pk)]
    assert known(Window(end=datetime.date(2026, 1, 10))) == [str(mistaken.pk)]
    assert not withdrawn(Window(end=datetime.date(2026, 3, 1)))
    assert not withdrawn(Window(start=datetime.date(2026, 3, 3)))
    assert withdrawn(Window(start=datetime.date(2026, 3, 2), end=datetime.date(2026, 3, 2)))


def test_chronology_is_for_those_who_read_factors(
    dsl, headteacher, other_school_dsl, pupil, factors
):
    for viewer in (headteacher, other_school_dsl):
        assert not list(factor_entries(viewer=viewer, pupil_ids=[pupil.pk], window=Window()))
        assert not list(withdrawal_entries(viewer=viewer, pupil_ids=[pupil.pk], window=Window()))
    chronology = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    assert ("factor", "Known factor") in chronology.kinds
    assert sum(e.kind == "factor" for e in chronology.entries) == 3


def test_the_chronology_page_shows_them(client_for, dsl, pupil, factors):
    page = client_for(dsl).get(reverse("chronology:pupil", args=[pupil.pk])).content.decode()
    assert "Factor known: Mental health" in page
    assert "Factor withdrawn: Alcohol misuse" in page
