"""The demo: families across both schools, households whose adults change, and determinism."""

import pytest
from django.urls import reverse

from conftest import signed_in_client
from pupils import demo
from pupils.models import HouseholdSuggestion, Pupil, Relationship, RelationshipKind
from pupils.selectors import household_history, siblings_across_trust
from schools import demo as schools_demo
from schools.demo import DemoWorld

pytestmark = pytest.mark.django_db


def _seed() -> DemoWorld:
    world = DemoWorld.new()
    schools_demo.seed(world)
    demo.seed(world)
    return world


def test_demo_families_span_both_schools_and_change_over_time():
    world = _seed()
    assert 590 <= Pupil.objects.count() <= 610
    primary_dsl = world.members["dsl"]
    crossing = [
        (pupil, links)
        for pupil in Pupil.objects.filter(enrolments__school=world.schools["primary"])
        if (
            links := [
                s
                for s in siblings_across_trust(viewer=primary_dsl, pupil=pupil)
                if not s.same_school
            ]
        )
    ]
    assert len(crossing) >= 20, "siblings at both schools"
    assert all(link.contacts for _, links in crossing for link in links)
    joined = Relationship.objects.filter(
        kind=RelationshipKind.PARENT_PARTNER, valid_from__isnull=False
    )
    assert joined.exists(), "a parent's new partner moved in"
    pupil = joined[0].pupil
    history = household_history(pupils=[pupil])
    assert history.adults_joined >= 1
    assert history.adults_left >= 1
    assert HouseholdSuggestion.objects.exists(), "links left for the DSL to confirm"
    # The front sheet of a child with a sibling at the other school renders for the DSL.
    pupil, _links = crossing[0]
    response = signed_in_client(primary_dsl).get(reverse("pupils:detail", args=[pupil.pk]))
    assert response.status_code == 200
    assert "Hilltop Academy (demo)" in response.content.decode()


def test_demo_is_deterministic():
    _seed()
    first = list(
        Pupil.objects.order_by("upn").values_list("upn", "legal_forename", "legal_surname")
    )
    from accounts.models import TOTPDevice, User
    from pupils.models import (
        Address,
        Enrolment,
        Household,
        HouseholdMember,
        Person,
        PupilAddress,
        PupilStatus,
    )
    from schools.models import Membership, School, Trust

    for model in (
        HouseholdSuggestion,
        HouseholdMember,
        Household,
        Relationship,
        Person,
        PupilAddress,
        Address,
        PupilStatus,
        Enrolment,
        Pupil,
        Membership,
        TOTPDevice,
        User,
        School,
        Trust,
    ):
        model.objects.all().delete()
    _seed()
    second = list(
        Pupil.objects.order_by("upn").values_list("upn", "legal_forename", "legal_surname")
    )
    assert first == second
