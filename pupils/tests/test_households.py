"""Household suggestions, decisions, history counts and siblings across the trust's schools."""

import datetime
from typing import cast

import pytest
import time_machine

from audit.models import AuditAction, AuditEvent
from pupils.models import (
    Address,
    HouseholdMember,
    HouseholdSuggestion,
    PupilAddress,
    RelationshipKind,
    SocialCareStatus,
    SuggestionReason,
    SuggestionStatus,
)
from pupils.selectors import household_history, household_members_for, siblings_across_trust
from pupils.services import household_suggestion_decide, household_suggestions_refresh
from pupils.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
    PupilFactory,
    RelationshipFactory,
)
from schools.models import Membership, Role
from schools.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _at(pupil, key: str, since=datetime.date(2020, 1, 1), until=None):
    address = Address.objects.create(
        paon=key, street="Mill Lane", postcode="ZZ1 1ZZ", match_key=f"ZZ11ZZ|{key} MILL LANE"
    )
    return PupilAddress.objects.create(
        pupil=pupil, address=address, from_date=since, to_date=until, source="manual"
    )


@pytest.fixture
def sibling(other_school):
    """The pupil's brother at the trust's other school."""
    return EnrolmentFactory(
        school=other_school,
        pupil=PupilFactory(legal_forename="Ben", legal_surname="Testchild", year_group="8"),
    ).pupil


def test_children_at_one_address_are_proposed_not_merged(school, pupil, sibling):
    _at(pupil, "3")
    _at(sibling, "3")
    assert household_suggestions_refresh(actor=None, school=school) == 1
    suggestion = HouseholdSuggestion.objects.get()
    assert suggestion.reason == SuggestionReason.SHARED_ADDRESS
    assert suggestion.status == SuggestionStatus.PENDING
    assert HouseholdMember.objects.count() == 0
    # Asking again proposes nothing new.
    assert household_suggestions_refresh(actor=None, school=school) == 0


def test_a_shared_contact_with_parental_responsibility_is_proposed(school, pupil, sibling):
    mum_a = PersonFactory(forename="Kim", surname="Testchild", phone_key="07700900123")
    mum_b = PersonFactory(forename="KIM", surname="Testchild", phone_key="07700900123")
    RelationshipFactory(pupil=pupil, person=mum_a)
    RelationshipFactory(pupil=sibling, person=mum_b)
    household_suggestions_refresh(actor=None, school=school)
    suggestion = HouseholdSuggestion.objects.get()
    assert suggestion.reason == SuggestionReason.SHARED_PR_CONTACT
    assert "Kim Testchild" in suggestion.evidence


def test_a_contact_without_parental_responsibility_is_not_enough(school, pupil, sibling):
    for child in (pupil, sibling):
        RelationshipFactory(
            pupil=child,
            person=PersonFactory(forename="Kim", surname="T", phone_key="1"),
            kind=RelationshipKind.OTHER_CONTACT,
            parental_responsibility=False,
        )
    assert household_suggestions_refresh(actor=None, school=school) == 0


def test_confirming_links_the_children_and_audits_on_both(school, dsl, pupil, sibling):
    _at(pupil, "3")
    _at(sibling, "3")
    household_suggestions_refresh(actor=None, school=school)
    suggestion = HouseholdSuggestion.objects.get()
    household = household_suggestion_decide(
        actor=dsl, suggestion=suggestion, confirm=True, reason="Mum confirmed at pick-up"
    )
    assert household is not None
    assert household.trust == school.trust
    assert set(household.members.values_list("pupil_id", flat=True)) == {pupil.pk, sibling.pk}
    assert household_members_for(pupil) == [sibling]
    events = AuditEvent.objects.filter(action=AuditAction.HOUSEHOLD_SUGGESTION_CONFIRMED)
    assert {e.pupil_id for e in events} == {pupil.pk, sibling.pk}
    assert {e.reason for e in events} == {"Mum confirmed at pick-up"}


def test_rejecting_records_the_decision_and_is_not_proposed_again(school, dsl, pupil, sibling):
    _at(pupil, "3")
    _at(sibling, "3")
    household_suggestions_refresh(actor=None, school=school)
    household_suggestion_decide(
        actor=dsl, suggestion=HouseholdSuggestion.objects.get(), confirm=False, reason="Flats"
    )
    assert HouseholdMember.objects.count() == 0
    assert household_suggestions_refresh(actor=None, school=school) == 0
    assert HouseholdSuggestion.objects.get().status == SuggestionStatus.REJECTED


def test_confirming_two_households_joins_them_dated_today(school, dsl, pupil, sibling):
    first = HouseholdMemberFactory(pupil=pupil, household=HouseholdFactory(trust=school.trust))
    second = HouseholdMemberFactory(pupil=sibling, household=HouseholdFactory(trust=school.trust))
    suggestion = HouseholdSuggestion.objects.create(
        pupil_a=pupil, pupil_b=sibling, reason=SuggestionReason.SHARED_ADDRESS, evidence="x"
    )
    household_suggestion_decide(actor=dsl, suggestion=suggestion, confirm=True)
    second.refresh_from_db()
    assert second.left_on is not None
    assert HouseholdMember.objects.get(pupil=sibling, left_on__isnull=True).household_id == (
        first.household_id
    )


def test_a_decided_suggestion_cannot_be_decided_again(school, dsl, pupil, sibling):
    suggestion = HouseholdSuggestion.objects.create(
        pupil_a=pupil, pupil_b=sibling, reason=SuggestionReason.SHARED_ADDRESS, evidence="x"
    )
    household_suggestion_decide(actor=dsl, suggestion=suggestion, confirm=False)
    with pytest.raises(ValueError, match="decided already"):
        household_suggestion_decide(actor=dsl, suggestion=suggestion, confirm=True)


@time_machine.travel("2026-06-01 12:00 +01:00", tick=False)
def test_history_counts_moves_and_adults_over_two_years_once_each(pupil, sibling):
    for child in (pupil, sibling):
        _at(child, "1", since=datetime.date(2019, 1, 1), until=datetime.date(2025, 3, 1))
        _at(child, "2", since=datetime.date(2025, 3, 1))
    dad = PersonFactory(forename="Lou", surname="Testchild")
    partner = PersonFactory(forename="Ray", surname="Newman")
    old_partner = PersonFactory(forename="Old", surname="Partner")
    for child in (pupil, sibling):
        RelationshipFactory(pupil=child, person=dad, valid_to=datetime.date(2025, 1, 10))
        RelationshipFactory(
            pupil=child,
            person=partner,
            kind=RelationshipKind.PARENT_PARTNER,
            parental_responsibility=False,
            valid_from=datetime.date(2025, 9, 1),
        )
        RelationshipFactory(
            pupil=child,
            person=old_partner,
            kind=RelationshipKind.PARENT_PARTNER,
            parental_responsibility=False,
            valid_from=datetime.date(2021, 1, 1),
            valid_to=datetime.date(2022, 1, 1),
        )
    history = household_history(pupils=[pupil, sibling])
    assert (history.moves, history.adults_joined, history.adults_left) == (1, 1, 1)
    texts = [e.text for e in history.events]
    assert texts[0].startswith("Ray Newman (partner of a parent) joined")
    assert "Old Partner (partner of a parent) left the household" in texts


def test_siblings_across_the_trust_show_records_and_whom_to_contact(
    dsl, pupil, sibling, other_school
):
    sibling.social_care_status = SocialCareStatus.OPEN
    sibling.save()
    other_dsl = cast(
        Membership,
        MembershipFactory(
            school=other_school,
            role=Role.DSL,
            user__full_name="Sam Reyes",
            user__email="dsl@secondary.example",
        ),
    )
    HouseholdMemberFactory(
        pupil=pupil, household=(h := HouseholdFactory(trust=pupil.enrolments.get().school.trust))
    )
    HouseholdMemberFactory(pupil=sibling, household=h)
    [link] = siblings_across_trust(viewer=dsl, pupil=pupil)
    assert link.name == "Ben Testchild"
    assert link.school_names == ("Oakfield Secondary",)
    assert link.has_records
    assert link.record_flags == ("Open to children's social care",)
    assert [c.email for c in link.contacts] == [other_dsl.user.email]
    assert link.can_open is False
    assert link.same_school is False
    # The other school's DSL sees the reverse, and may not open our pupil either.
    [back] = siblings_across_trust(viewer=other_dsl, pupil=sibling)
    assert back.pupil_id == pupil.pk
    assert back.can_open is False
    assert not back.has_records


def test_siblings_outside_the_trust_are_not_shown(dsl, pupil, unrelated_school):
    stranger = EnrolmentFactory(school=unrelated_school).pupil
    household = HouseholdFactory(trust=pupil.enrolments.get().school.trust)
    HouseholdMemberFactory(pupil=pupil, household=household)
    HouseholdMemberFactory(pupil=stranger, household=household)
    assert siblings_across_trust(viewer=dsl, pupil=pupil) == []
