"""The trio detector reads the factors the safeguarding team recorded (factors app): current ones,
known by the as-of date and written by its end, for any child of the household."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from factors import services
from factors.models import FactorSource
from patterns.db_loader import DatabaseFacts
from patterns.engine import run
from patterns.selectors import evidence_rows
from patterns.tests.factories import FindingFactory
from pupils.tests.factories import EnrolmentFactory, HouseholdFactory, HouseholdMemberFactory

pytestmark = pytest.mark.django_db


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


@pytest.fixture
def household(school, other_school, pupil):
    """`pupil` and a sibling at another school of the trust, one household since September."""
    sibling = EnrolmentFactory(school=other_school).pupil
    home = HouseholdFactory(trust=school.trust)
    with time_machine.travel(_at("2025-09-01"), tick=False):
        for child in (pupil, sibling):
            HouseholdMemberFactory(household=home, pupil=child, joined_on=date(2025, 9, 1))
    return home, sibling


def _record(actor, pupil, code, known_from, written):
    with time_machine.travel(_at(written), tick=False):
        return services.factor_record(
            actor=actor,
            pupil=pupil,
            code=code,
            source=FactorSource.ASSESSMENT,
            known_from=known_from,
        )


def _trio(as_of):
    result = run(DatabaseFacts(as_of=as_of).source(), as_of=as_of, only={"trio"})
    return [r for r in result.raised if r.detector == "trio"]


def test_recorded_factors_raise_the_trio_as_of_when_they_were_known(
    dsl, pupil, household, other_school
):
    from schools.tests.factories import MembershipFactory

    home, sibling = household
    sibling_dsl = MembershipFactory(school=other_school, role="dsl")
    domestic = _record(dsl, pupil, "3B", date(2025, 11, 3), "2025-11-04")
    mental = _record(sibling_dsl, sibling, "4B", date(2025, 11, 10), "2025-11-10")
    drugs = _record(dsl, pupil, "2B", date(2025, 11, 20), "2025-11-24")
    child_own = _record(dsl, pupil, "4A", date(2025, 11, 3), "2025-11-04")  # not a household one

    assert _trio(date(2025, 11, 5)) == []  # one part only
    two = _trio(date(2025, 11, 12))
    # One finding for each school of the household, each on the recorded factors.
    assert {r.subject_id for r in two} == {str(home.pk)}
    assert {s for r in two for s in r.school_ids} == {
        str(pupil.enrolments.get().school_id),
        str(other_school.pk),
    }
    for raised in two:
        assert {(e.kind, e.id) for e in raised.evidence} == {
            ("factor:known", str(domestic.pk)),
            ("factor:known", str(mental.pk)),
        }
        assert "domestic abuse, parental mental ill-health" in raised.detail
    # Known from 20 November but written on the 24th: not seen as of the 21st.
    assert {e.id for r in _trio(date(2025, 11, 21)) for e in r.evidence} == {
        str(domestic.pk),
        str(mental.pk),
    }
    three = _trio(date(2025, 11, 25))
    assert {e.id for r in three for e in r.evidence} == {
        str(domestic.pk),
        str(mental.pk),
        str(drugs.pk),
    }
    assert str(child_own.pk) not in {e.id for r in three for e in r.evidence}

    # Withdrawn on 1 December: gone from then on, still there as of before.
    with time_machine.travel(_at("2025-12-01"), tick=False):
        services.factor_withdraw(actor=sibling_dsl, factor=mental, reason="Wrong family.")
    assert {e.id for r in _trio(date(2025, 12, 2)) for e in r.evidence} == {
        str(domestic.pk),
        str(drugs.pk),
    }
    assert str(mental.pk) in {e.id for r in _trio(date(2025, 11, 30)) for e in r.evidence}


def test_3c_counts_as_domestic_abuse(dsl, pupil, household):
    _record(dsl, pupil, "3C", date(2025, 11, 3), "2025-11-04")
    _record(dsl, pupil, "1B", date(2025, 11, 3), "2025-11-04")
    raised = _trio(date(2025, 11, 5))
    assert raised
    assert all("domestic abuse, parental substance misuse" in r.detail for r in raised)


def test_evidence_links_to_the_factors_page_for_those_who_may_open_it(
    dsl, other_school_dsl, pupil, household, school
):
    factor = _record(dsl, pupil, "3B", date(2025, 11, 3), "2025-11-04")
    finding = FindingFactory(
        school=school,
        pupil=pupil,
        detector="trio",
        evidence=[{"date": "2025-11-03", "kind": "factor:known", "id": str(factor.pk)}],
    )
    (row,) = evidence_rows(viewer=dsl, finding=finding)
    assert row["label"] == "Known factor"
    assert row["url"] == f"/factors/pupils/{pupil.pk}/"
    (row,) = evidence_rows(viewer=other_school_dsl, finding=finding)
    assert row["url"] is None


def test_the_headteacher_sees_a_known_factor_as_evidence_without_a_link(
    dsl, headteacher, pupil, household, school
):
    """The headteacher reads the child's record and findings, but the factors page is the
    safeguarding team's (factors.access.FACTOR_READERS): the evidence row stays, unlinked."""
    factor = _record(dsl, pupil, "3B", date(2025, 11, 3), "2025-11-04")
    finding = FindingFactory(
        school=school,
        pupil=pupil,
        detector="trio",
        evidence=[{"date": "2025-11-03", "kind": "factor:known", "id": str(factor.pk)}],
    )
    (row,) = evidence_rows(viewer=headteacher, finding=finding)
    assert row["label"] == "Known factor"
    assert row["url"] is None
