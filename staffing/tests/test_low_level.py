"""The low-level concerns register: invisible to every role but those named, never shown to the
adult it is about (a DSL's own concerns go to the headteacher, the headteacher's to the DSL and
the chair), patterns per adult over time with the LADO prompt, every read audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from schools.models import Role
from schools.tests.factories import MembershipFactory
from staffing import access, services
from staffing.models import ConcernedAdult, LowLevelConcern, LowLevelConcernPolicy

pytestmark = pytest.mark.django_db


def _concern(actor, *, member=None, adult=None, day=datetime.date(2025, 10, 6), flag=False):
    new = None if member or adult else services.NewAdult("A visiting coach", "contractor")
    return services.low_level_concern_record(
        actor=actor,
        member=member,
        adult=adult,
        new=new,
        happened_on=day,
        raised_by="A colleague",
        what_happened="Arrived without signing in and went to a classroom alone.",
        threshold_may_be_met=flag,
    )


@pytest.fixture
def people(school, dsl, deputy_dsl, headteacher, teacher, governor, school_admin):
    return {
        "dsl": dsl,
        "deputy_dsl": deputy_dsl,
        "headteacher": headteacher,
        "teacher": teacher,
        "governor": governor,
        "school_admin": school_admin,
    }


def _readers(people, adult) -> set[str]:
    return {
        name
        for name, m in people.items()
        if access.adults_visible_to(viewer=m).filter(pk=adult.pk).exists()
    }


def test_a_concern_about_a_teacher_is_read_by_the_headteacher_and_dsl_only(people):
    adult = _concern(people["headteacher"], member=people["teacher"]).adult
    assert adult.user == people["teacher"].user
    assert _readers(people, adult) == {"headteacher", "dsl"}


def test_a_concern_about_the_dsl_is_for_the_headteacher_only(people):
    adult = _concern(people["headteacher"], member=people["dsl"]).adult
    assert _readers(people, adult) == {"headteacher"}
    deputy = _concern(people["headteacher"], member=people["deputy_dsl"]).adult
    assert _readers(people, deputy) == {"headteacher"}


def test_a_concern_about_the_headteacher_is_for_the_dsl_and_the_named_chair(people, school):
    adult = _concern(people["dsl"], member=people["headteacher"]).adult
    assert _readers(people, adult) == {"dsl"}
    services.low_level_policy_set(
        actor=people["headteacher"], deputy_dsl_reads=True, chair=people["governor"]
    )
    assert _readers(people, adult) == {"dsl", "deputy_dsl", "governor"}
    # The chair reads nothing else; the deputy reads what the DSL reads.
    other = _concern(people["dsl"]).adult
    assert _readers(people, other) == {"headteacher", "dsl", "deputy_dsl"}


def test_the_adult_concerned_never_sees_it_in_any_role(people, school):
    """The DSL who is also a governor at the school still does not see their own."""
    second_role = MembershipFactory(school=school, role=Role.GOVERNOR, user=people["dsl"].user)
    services.low_level_policy_set(
        actor=people["headteacher"], deputy_dsl_reads=False, chair=second_role
    )
    adult = _concern(people["headteacher"], member=people["dsl"]).adult
    assert not access.adults_visible_to(viewer=second_role).filter(pk=adult.pk).exists()


def test_another_schools_dsl_sees_nothing(people, other_school_dsl):
    adult = _concern(people["dsl"]).adult
    assert not access.adults_visible_to(viewer=other_school_dsl).filter(pk=adult.pk).exists()


def test_the_register_and_adult_pages_over_http(client_for, people):
    first = _concern(people["dsl"], member=people["teacher"])
    adult = first.adult
    register = reverse("staffing:low_level_register")
    page = reverse("staffing:low_level_adult", args=[adult.pk])
    for name in ("teacher", "deputy_dsl", "governor", "school_admin"):
        client = client_for(people[name])
        assert client.get(register).status_code == 403, name
        assert client.get(page).status_code == 403, name
    response = client_for(people["dsl"]).get(register)
    assert response.status_code == 200
    assert "teacher@oakfield.example" in response.content.decode()
    response = client_for(people["headteacher"]).get(page)
    assert response.status_code == 200
    assert "Arrived without signing in" in response.content.decode()
    reads = AuditEvent.objects.filter(
        action__in=[AuditAction.LOW_LEVEL_REGISTER_VIEWED, AuditAction.LOW_LEVEL_ADULT_VIEWED]
    )
    assert reads.count() == 2
    assert reads.get(action=AuditAction.LOW_LEVEL_ADULT_VIEWED).target_id == str(adult.pk)


def test_a_dsl_recording_about_a_fellow_dsl_is_told_who_reads_it(client_for, people):
    client = client_for(people["dsl"])
    form = client.get(reverse("staffing:low_level_record"))
    assert form.status_code == 200
    response = client.post(
        reverse("staffing:low_level_record"),
        {
            "about": f"member-{people['deputy_dsl'].pk}",
            "happened_on_day": "3",
            "happened_on_month": "11",
            "happened_on_year": "2025",
            "raised_by": "A parent",
            "what_happened": "Messaged a parent from a personal account.",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "read by the headteacher only" in response.content.decode()
    adult = ConcernedAdult.objects.get()
    assert _readers(people, adult) == {"headteacher"}


def test_the_form_asks_for_a_name_for_someone_new(client_for, people):
    response = client_for(people["headteacher"]).post(
        reverse("staffing:low_level_record"),
        {
            "about": "new",
            "happened_on_day": "3",
            "happened_on_month": "11",
            "happened_on_year": "2025",
            "raised_by": "A parent",
            "what_happened": "Something.",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the adult&#x27;s name." in body
    assert "Choose the adult&#x27;s role." in body
    assert not LowLevelConcern.objects.exists()


def test_a_pattern_over_time_prompts_the_lado(time_machine, client_for, people):
    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    adult = _concern(people["dsl"], day=datetime.date(2024, 11, 1)).adult
    _concern(people["dsl"], adult=adult, day=datetime.date(2025, 6, 1))
    page = reverse("staffing:low_level_adult", args=[adult.pk])
    quiet = client_for(people["dsl"]).get(page).content.decode()
    assert "Consider consulting the local authority designated officer" not in quiet
    _concern(people["dsl"], adult=adult, day=datetime.date(2025, 9, 1))
    _concern(people["dsl"], adult=adult, day=datetime.date(2026, 2, 1))
    prompted = client_for(people["dsl"]).get(page).content.decode()
    assert "3 concerns within a year: a pattern to consider." in prompted
    assert reverse("concerns:allegations") in prompted
    assert "not a finding about the adult" in prompted


def test_a_threshold_flag_prompts_the_lado_at_once(client_for, people):
    adult = _concern(people["dsl"], flag=True).adult
    page = client_for(people["headteacher"]).get(
        reverse("staffing:low_level_adult", args=[adult.pk])
    )
    assert "says the harm threshold may be met" in page.content.decode()
    register = client_for(people["headteacher"]).get(reverse("staffing:low_level_register"))
    assert "Consider consulting the LADO" in register.content.decode()


def test_leaving_date_starts_the_retention_review_once(client_for, people):
    adult = _concern(people["dsl"]).adult
    url = reverse("staffing:low_level_adult_left", args=[adult.pk])
    client = client_for(people["dsl"])
    body = {"left_on_day": "20", "left_on_month": "12", "left_on_year": "2025"}
    assert client.post(url, body).status_code == 302
    adult.refresh_from_db()
    assert adult.left_on == datetime.date(2025, 12, 20)
    page = client.get(reverse("staffing:low_level_adult", args=[adult.pk])).content.decode()
    assert "Cairn deletes nothing by itself" in page
    again = client.post(url, body)
    assert again.status_code == 400
    assert "A leaving date is already recorded." in again.content.decode()


def test_only_the_headteacher_sets_the_readers(client_for, people, other_school_dsl):
    with pytest.raises(ValidationError, match="Only the headteacher"):
        services.low_level_policy_set(actor=people["dsl"], deputy_dsl_reads=True, chair=None)
    with pytest.raises(ValidationError, match="governor of your school"):
        services.low_level_policy_set(
            actor=people["headteacher"], deputy_dsl_reads=True, chair=people["teacher"]
        )
    client = client_for(people["headteacher"])
    assert client.get(reverse("staffing:low_level_policy")).status_code == 200
    response = client.post(
        reverse("staffing:low_level_policy"),
        {"deputy_dsl_reads": "on", "chair": str(people["governor"].pk)},
    )
    assert response.status_code == 302
    policy = LowLevelConcernPolicy.objects.get()
    assert policy.deputy_dsl_reads
    assert policy.chair == people["governor"]
    assert (
        client_for(people["deputy_dsl"]).get(reverse("staffing:low_level_register")).status_code
        == 200
    )
    assert AuditEvent.objects.filter(action=AuditAction.LOW_LEVEL_POLICY_SET).count() == 1


def test_a_concern_is_refused_without_its_facts(people, other_school_dsl):
    with pytest.raises(ValidationError, match="what happened"):
        services.low_level_concern_record(
            actor=people["dsl"],
            new=services.NewAdult("Someone", "volunteer"),
            happened_on=datetime.date(2025, 1, 1),
            raised_by="A colleague",
            what_happened=" ",
        )
    with pytest.raises(ValidationError, match="someone else at your school"):
        _concern(people["dsl"], member=other_school_dsl)
    with pytest.raises(ValidationError, match="someone else at your school"):
        _concern(people["dsl"], member=people["dsl"])
    assert not ConcernedAdult.objects.exists()
