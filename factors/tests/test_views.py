"""The factors page over HTTP: who reads, records and withdraws; the form's errors; the audit."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from conftest import with_access_reason
from factors.models import KnownFactor, KnownFactorWithdrawal
from factors.tests.factories import KnownFactorFactory, KnownFactorWithdrawalFactory
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from schools.tests.factories import MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _page(pupil):
    return reverse("factors:pupil", args=[pupil.pk])


def _withdraw(factor):
    return reverse("factors:withdraw", args=[factor.pk])


def _form(**overrides):
    data = {
        "code": "3B",
        "source": "assessment",
        "known_from_day": "20",
        "known_from_month": "2",
        "known_from_year": "2026",
        "note": "Single assessment after the police notification.",
    }
    data.update(overrides)
    return data


def _reason(factor, reason):
    return {f"withdraw-{factor.pk}-reason": reason}


def test_dsl_reads_an_empty_page_with_the_form_and_the_read_is_audited(client_for, dsl, pupil):
    response = client_for(dsl).get(_page(pupil))
    page = response.content.decode()
    assert response.status_code == 200
    assert "None recorded." in page
    assert '<optgroup label="About the parent(s) or carer(s)">' in page
    assert 'name="known_from_day"' in page
    assert 'value="21"' not in page
    event = AuditEvent.objects.get(action=AuditAction.FACTORS_VIEWED)
    assert (event.pupil_id, event.target_id, event.actor) == (pupil.pk, str(pupil.pk), dsl.user)


def test_dsl_records_a_factor(client_for, dsl, pupil):
    client = client_for(dsl)
    response = client.post(_page(pupil), _form())
    assert response.status_code == 302
    assert response["Location"] == _page(pupil)
    factor = KnownFactor.objects.get()
    assert (factor.code, factor.known_from) == ("3B", datetime.date(2026, 2, 20))
    assert factor.recorded_by == dsl
    assert AuditEvent.objects.filter(action=AuditAction.FACTOR_RECORDED, pupil_id=pupil.pk).exists()
    page = client.get(_page(pupil)).content.decode()
    assert "3B: Domestic violence: concerns about the child" in page
    assert "Children&#x27;s social care assessment" in page
    assert "20 February 2026" in page
    assert "Single assessment after the police notification." in page
    assert dsl.user.full_name in page
    assert "Withdraw this factor" in page


def test_missing_code_shows_the_error_summary(client_for, dsl, pupil):
    response = client_for(dsl).post(_page(pupil), _form(code=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_code">Choose the factor.</a>' in page
    assert not KnownFactor.objects.exists()
    # What was typed is kept.
    assert 'name="known_from_day" type="text" inputmode="numeric" value="20"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "21"}, "code", "21 &#x27;No factors identified&#x27; is not a factor"),
        ({"code": "99Z"}, "code", "99Z is not a Children in Need assessment factor code."),
        (
            {"known_from_day": "3", "known_from_month": "3"},
            "known_from_day",
            "The date must be today or in the past.",
        ),
        ({"known_from_month": ""}, "known_from_day", "The date must include a month."),
        (
            {"known_from_day": "", "known_from_month": "", "known_from_year": ""},
            "known_from_day",
            "Enter the date the school learned of it.",
        ),
        (
            {"known_from_day": "30", "known_from_month": "2"},
            "known_from_day",
            "The date must be a real date.",
        ),
        ({"known_from_year": "26"}, "known_from_day", "The year must include 4 numbers."),
        ({"source": ""}, "source_0", "Choose how the school knows."),
    ],
)
def test_invalid_input_is_refused_with_a_message(client_for, dsl, pupil, overrides, field, message):
    response = client_for(dsl).post(_page(pupil), _form(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{message}' in page
    assert not KnownFactor.objects.exists()


def test_a_factor_already_current_is_refused(client_for, dsl, pupil):
    KnownFactorFactory(pupil=pupil, recorded_by=dsl, known_from=datetime.date(2026, 1, 5))
    page = client_for(dsl).post(_page(pupil), _form()).content.decode()
    assert "3B is already recorded for this child, known from 5 January 2026." in page
    assert KnownFactor.objects.count() == 1


def test_dsl_withdraws_a_factor_and_it_stays_on_the_page(client_for, dsl, deputy_dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=deputy_dsl)
    client = client_for(dsl)
    response = client.post(_withdraw(factor), _reason(factor, "Recorded for the wrong child."))
    assert response.status_code == 302
    assert response["Location"] == _page(pupil)
    withdrawal = KnownFactorWithdrawal.objects.get()
    assert (withdrawal.factor_id, withdrawal.withdrawn_by) == (factor.pk, dsl)
    assert AuditEvent.objects.filter(
        action=AuditAction.FACTOR_WITHDRAWN, pupil_id=pupil.pk
    ).exists()
    page = client.get(_page(pupil)).content.decode()
    assert "Withdrawn factors" in page
    assert "Recorded for the wrong child." in page
    assert f"2 Mar 2026 by {dsl.user.full_name}" in page
    assert "None recorded." in page  # no current factor any more
    assert "Withdraw this factor" not in page


def test_withdraw_needs_a_reason(client_for, dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    response = client_for(dsl).post(_withdraw(factor), _reason(factor, "  "))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert f'<a href="#id_withdraw-{factor.pk}-reason">Say why the factor is withdrawn.</a>' in page
    assert '<details class="govuk-details" open>' in page
    assert not KnownFactorWithdrawal.objects.exists()


def test_a_factor_is_withdrawn_once(client_for, dsl, pupil):
    withdrawal = KnownFactorWithdrawalFactory(
        factor=KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    )
    client = client_for(dsl)
    response = client.post(_withdraw(withdrawal.factor), _reason(withdrawal.factor, "Again."))
    assert response.status_code == 302
    assert "This factor had already been withdrawn." in client.get(_page(pupil)).content.decode()
    assert KnownFactorWithdrawal.objects.count() == 1


def test_another_schools_dsl_gets_404_for_everything(client_for, dsl, other_school_dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    client = client_for(other_school_dsl)
    assert client.get(_page(pupil)).status_code == 404
    assert client.post(_page(pupil), _form(code="4B")).status_code == 404
    assert client.post(_withdraw(factor), _reason(factor, "Not ours.")).status_code == 404
    assert KnownFactor.objects.count() == 1
    assert not KnownFactorWithdrawal.objects.exists()


def test_a_school_of_the_same_trust_sees_only_its_own_factors(client_for, dsl, pupil, trust):
    """The child moved: the new school's DSL reads the child's page, without the old school's
    factors, and cannot withdraw them."""
    new_school = SchoolFactory(trust=trust)
    EnrolmentFactory(pupil=pupil, school=new_school, start_date=datetime.date(2026, 2, 1))
    new_dsl = MembershipFactory(school=new_school, role="dsl")
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    client = client_for(new_dsl)
    page = client.get(_page(pupil)).content.decode()
    assert "None recorded." in page
    assert f'id="factor-{factor.pk}"' not in page
    assert client.post(_withdraw(factor), _reason(factor, "Not ours.")).status_code == 404


@pytest.mark.parametrize("role", ["teacher", "headteacher", "governor", "school_admin"])
def test_other_roles_are_refused(request, client_for, dsl, pupil, role):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    client = client_for(request.getfixturevalue(role))
    assert client.get(_page(pupil)).status_code == 403
    assert client.post(_page(pupil), _form(code="4B")).status_code == 403
    assert client.post(_withdraw(factor), _reason(factor, "Because.")).status_code == 403
    assert KnownFactor.objects.count() == 1
    assert not KnownFactorWithdrawal.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.FACTORS_VIEWED).exists()


def test_trust_lead_reads_only_where_the_trust_allows_and_after_a_reason(
    client_for, trust_lead, dsl, pupil
):
    KnownFactorFactory(pupil=pupil, recorded_by=dsl, code="4B")
    client = client_for(trust_lead)
    assert client.get(_page(pupil)).status_code == 404  # the trust does not allow it
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    asks = client.get(_page(pupil))
    assert asks.status_code == 302
    assert asks["Location"].startswith(reverse("pupils:access_reason", args=[pupil.pk]))
    client = with_access_reason(client, pupil, reason="Reviewing the household")
    page = client.get(_page(pupil)).content.decode()
    assert "4B: Mental health" in page
    assert "Record a factor" not in page
    assert "Withdraw this factor" not in page
    event = AuditEvent.objects.get(action=AuditAction.FACTORS_VIEWED)
    assert event.reason == "Reviewing the household"
    # A trust lead never records or withdraws.
    assert client.post(_page(pupil), _form()).status_code == 404
    factor = KnownFactor.objects.get()
    assert client.post(_withdraw(factor), _reason(factor, "No.")).status_code == 403
    assert KnownFactor.objects.count() == 1


def test_deputy_records_for_a_child_who_has_left(client_for, deputy_dsl, school):
    left = PupilFactory()
    EnrolmentFactory(pupil=left, school=school, end_date=datetime.date(2025, 7, 20))
    assert client_for(deputy_dsl).post(_page(left), _form()).status_code == 302
    assert KnownFactor.objects.get().pupil_id == left.pk
