"""Recording and withdrawing known factors: the rules, the audit, and the pattern refresh."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditAction, AuditEvent
from background.testing import queued_kwargs
from factors import services
from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
from factors.tests.factories import KnownFactorFactory
from patterns.tasks import findings_refresh_queued
from pupils.tests.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _march(time_machine):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)


def _record(actor, pupil, **overrides):
    values = {
        "code": "3B",
        "source": FactorSource.ASSESSMENT,
        "known_from": datetime.date(2026, 2, 20),
        "note": "  Single assessment.  ",
    }
    values.update(overrides)
    return services.factor_record(actor=actor, pupil=pupil, **values)


def test_record_audits_and_refreshes_findings(dsl, pupil):
    factor = _record(dsl, pupil, code=" 4b ")
    assert (factor.code, factor.school_id, factor.recorded_by) == ("4B", dsl.school_id, dsl)
    assert factor.note == "Single assessment."
    event = AuditEvent.objects.get(action=AuditAction.FACTOR_RECORDED)
    assert (event.pupil_id, event.target_id) == (pupil.pk, str(factor.pk))
    assert event.details == {"code": "4B", "source": "assessment", "known_from": "2026-02-20"}
    assert queued_kwargs(findings_refresh_queued) == [{"pupil_ids": [str(pupil.pk)]}]


def test_today_is_allowed_but_not_tomorrow(dsl, pupil):
    assert _record(dsl, pupil, known_from=TODAY).known_from == TODAY
    with pytest.raises(ValidationError) as error:
        _record(dsl, pupil, code="4B", known_from=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict == {"known_from": ["The date must be today or in the past."]}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("21", "21 'No factors identified' is not a factor: if nothing is known, record nothing."),
        ("99Z", "99Z is not a Children in Need assessment factor code."),
    ],
)
def test_codes_that_are_not_factors_are_refused(dsl, pupil, code, message):
    with pytest.raises(ValidationError) as error:
        _record(dsl, pupil, code=code)
    assert error.value.message_dict == {"code": [message]}
    assert not KnownFactor.objects.exists()


def test_legacy_codes_are_accepted_for_older_records(dsl, pupil):
    factor = _record(dsl, pupil, code="18A", known_from=datetime.date(2019, 6, 1))
    assert factor.description == "Physical abuse (legacy code, before 2021)"


def test_an_unknown_source_is_refused(dsl, pupil):
    with pytest.raises(ValidationError) as error:
        _record(dsl, pupil, source="rumour")
    assert list(error.value.message_dict) == ["source"]


def test_a_note_too_long_is_refused(dsl, pupil):
    with pytest.raises(ValidationError) as error:
        _record(dsl, pupil, note="x" * (services.NOTE_MAX_CHARS + 1))
    assert list(error.value.message_dict) == ["note"]


def test_the_same_factor_is_not_current_twice(dsl, pupil):
    first = _record(dsl, pupil)
    with pytest.raises(ValidationError, match="3B is already recorded for this child, known from"):
        _record(dsl, pupil, known_from=datetime.date(2026, 3, 1))
    services.factor_withdraw(actor=dsl, factor=first, reason="Date was wrong.")
    again = _record(dsl, pupil, known_from=datetime.date(2026, 3, 1))
    assert again.pk != first.pk


@pytest.mark.parametrize("role", ["teacher", "headteacher", "governor", "school_admin"])
def test_only_the_safeguarding_team_records(request, pupil, role):
    with pytest.raises(PermissionDenied):
        _record(request.getfixturevalue(role), pupil)


def test_not_for_a_child_never_on_the_roll(dsl):
    with pytest.raises(PermissionDenied):
        _record(dsl, PupilFactory())


def test_for_a_child_who_has_left(dsl):
    left = PupilFactory()
    EnrolmentFactory(pupil=left, school=dsl.school, end_date=datetime.date(2025, 7, 20))
    assert _record(dsl, left).pupil == left


def test_withdraw_audits_and_refreshes_findings(dsl, deputy_dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    withdrawal = services.factor_withdraw(
        actor=deputy_dsl, factor=factor, reason=" Recorded for the wrong child. "
    )
    assert withdrawal.reason == "Recorded for the wrong child."
    assert withdrawal.withdrawn_by == deputy_dsl
    factor.refresh_from_db()
    assert factor.is_withdrawn
    event = AuditEvent.objects.get(action=AuditAction.FACTOR_WITHDRAWN)
    assert (event.pupil_id, event.target_id) == (pupil.pk, str(factor.pk))
    assert event.details == {"code": "3B", "reason": "Recorded for the wrong child."}
    assert queued_kwargs(findings_refresh_queued) == [{"pupil_ids": [str(pupil.pk)]}]


def test_withdraw_needs_a_reason(dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(ValidationError) as error:
        services.factor_withdraw(actor=dsl, factor=factor, reason="   ")
    assert error.value.message_dict == {"reason": ["Say why the factor is withdrawn."]}
    assert not KnownFactorWithdrawal.objects.exists()


def test_a_factor_is_withdrawn_once(dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    services.factor_withdraw(actor=dsl, factor=factor, reason="Wrong.")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.factor_withdraw(actor=dsl, factor=factor, reason="Wrong again.")
    assert KnownFactorWithdrawal.objects.count() == 1


def test_another_schools_factor_is_not_withdrawn(dsl, other_school_dsl, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(PermissionDenied):
        services.factor_withdraw(actor=other_school_dsl, factor=factor, reason="Not ours.")
    assert not KnownFactorWithdrawal.objects.exists()


def test_a_teacher_does_not_withdraw(dsl, teacher, pupil):
    factor = KnownFactorFactory(pupil=pupil, recorded_by=dsl)
    with pytest.raises(PermissionDenied):
        services.factor_withdraw(actor=teacher, factor=factor, reason="Because.")
