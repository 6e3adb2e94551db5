"""A school's code equivalents over HTTP: add, withdraw with a reason, map again; imports read
only the equivalents in force, and marks already stored keep their statutory codes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceWeek, CodeMapping
from attendance.services import code_mapping_set, code_mapping_withdraw
from attendance.tests.conftest import MONDAY
from attendance.tests.factories import weeks_csv
from audit.models import AuditAction, AuditEvent

URL = reverse("attendance:mappings")


def _add(client, raw: str, code: str):
    return client.post(URL, {"raw_code": raw, "statutory_code": code})


def _withdraw(client, mapping: CodeMapping, reason: str):
    return client.post(URL, {"withdraw": str(mapping.pk), f"withdraw-{mapping.pk}-reason": reason})


def _upload(client, text: str):
    upload = SimpleUploadedFile("registers.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("attendance:upload"), {"file": upload})


def test_an_equivalent_is_withdrawn_with_who_when_and_why(client_for, dsl, school):
    client = client_for(dsl)
    assert _add(client, "I02", "I").status_code == 302
    mapping = CodeMapping.objects.get(school=school)

    page = client.get(URL).content.decode()
    assert f'name="withdraw-{mapping.pk}-reason"' in page
    assert "Withdraw I02" in page

    response = _withdraw(client, mapping, "  Our MIS uses I02 for dental appointments.  ")
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.is_withdrawn
    assert mapping.withdrawn_by == dsl
    assert mapping.withdrawn_reason == "Our MIS uses I02 for dental appointments."
    assert mapping.withdrawn_at is not None
    assert timezone.now() - mapping.withdrawn_at < timedelta(minutes=1)

    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_CODE_MAPPING_WITHDRAWN)
    assert event.target_id == str(mapping.pk)
    assert event.school_id == school.pk
    assert event.reason == "Our MIS uses I02 for dental appointments."
    assert event.details == {"raw_code": "I02", "statutory_code": "I"}

    after = client.get(URL)
    body = after.content.decode()
    assert "I02 is no longer read as I" in body
    assert "Withdrawn equivalents" in body
    assert "Our MIS uses I02 for dental appointments." in body
    assert f"by {dsl.user.full_name}" in body
    assert f'name="withdraw-{mapping.pk}-reason"' not in body
    assert [m for m, _ in after.context["own"]] == []
    assert list(after.context["withdrawn"]) == [mapping]


def test_a_withdrawn_code_can_be_mapped_again(client_for, attendance_lead, school):
    client = client_for(attendance_lead)
    _add(client, "I02", "I")
    first = CodeMapping.objects.get(school=school)
    assert _add(client, "I02", "M").status_code == 200  # still in force: refused
    _withdraw(client, first, "Dental appointments, not illness.")

    assert _add(client, "I02", "M").status_code == 302
    assert CodeMapping.objects.filter(school=school, raw_code="I02").count() == 2
    in_force = CodeMapping.objects.in_force().get(school=school, raw_code="I02")
    assert (in_force.statutory_code, in_force.created_by) == ("M", attendance_lead)
    assert list(CodeMapping.objects.withdrawn().filter(school=school)) == [first]
    page = client.get(URL)
    assert [m.statutory_code for m, _ in page.context["own"]] == ["M"]


def test_imports_read_only_equivalents_in_force_and_stored_marks_keep_their_codes(
    client_for, attendance_lead, school, pupil
):
    client = client_for(attendance_lead)
    _add(client, "ILL", "I")
    mapping = CodeMapping.objects.get(school=school)
    first_week = weeks_csv(pupil, school, MONDAY, ["ILL ILL / \\ / \\ / \\ / \\"])
    assert _upload(client, first_week).status_code == 302
    assert AttendanceWeek.objects.get(pupil=pupil).marks == "II/\\/\\/\\/\\"

    _withdraw(client, mapping, "ILL was our own code and the MIS no longer writes it.")
    next_week = weeks_csv(
        pupil, school, MONDAY + timedelta(weeks=1), ["/ \\ ILL ILL / \\ / \\ / \\"]
    )
    refused = _upload(client, next_week)
    assert refused.status_code == 200
    assert "unknown code" in refused.content.decode()
    assert "ILL" in refused.content.decode()
    # The week already stored is untouched: its statutory codes and its raw codes.
    week = AttendanceWeek.objects.get(pupil=pupil)
    assert week.marks == "II/\\/\\/\\/\\"
    assert week.raw_marks.startswith("ILL ILL")

    _add(client, "ILL", "M")
    assert _upload(client, next_week).status_code == 302
    weeks = AttendanceWeek.objects.filter(pupil=pupil).order_by("week_start")
    assert [w.marks for w in weeks] == ["II/\\/\\/\\/\\", "/\\MM/\\/\\/\\"]

    # Stored marks change only when the registers are imported again; the old week is kept.
    assert _upload(client, first_week).status_code == 302
    week = AttendanceWeek.objects.get(pupil=pupil, week_start=MONDAY)
    assert week.marks == "MM/\\/\\/\\/\\"
    assert week.amendments.get().previous_marks == "II/\\/\\/\\/\\"


def test_a_reason_is_required(client_for, school_admin, school):
    client = client_for(school_admin)
    _add(client, "I02", "I")
    mapping = CodeMapping.objects.get(school=school)
    for reason in ("", "   "):
        response = _withdraw(client, mapping, reason)
        assert response.status_code == 200
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert f'href="#id_withdraw-{mapping.pk}-reason"' in body
        assert "Enter why you are withdrawing this equivalent." in body
        assert "<title>Error: " in body
        assert '<details class="govuk-details" open>' in body
    mapping.refresh_from_db()
    assert not mapping.is_withdrawn
    assert not AuditEvent.objects.filter(
        action=AuditAction.ATTENDANCE_CODE_MAPPING_WITHDRAWN
    ).exists()


def test_another_schools_dsl_is_refused(client_for, dsl, other_school_dsl, school):
    mapping = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    response = _withdraw(client_for(other_school_dsl), mapping, "Not ours to withdraw.")
    assert response.status_code == 404
    page = client_for(other_school_dsl).get(URL)
    assert "I02" not in [m.raw_code for m, _ in page.context["own"]]
    with pytest.raises(PermissionDenied):
        code_mapping_withdraw(actor=other_school_dsl, mapping=mapping, reason="Not ours.")
    mapping.refresh_from_db()
    assert not mapping.is_withdrawn


def test_those_who_do_not_import_registers_are_refused(client_for, dsl, headteacher, school):
    mapping = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    assert _withdraw(client_for(headteacher), mapping, "A reason.").status_code == 403
    with pytest.raises(PermissionDenied):
        code_mapping_withdraw(actor=headteacher, mapping=mapping, reason="A reason.")
    mapping.refresh_from_db()
    assert not mapping.is_withdrawn


def test_an_equivalent_is_withdrawn_once(client_for, dsl, school):
    mapping = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    assert _withdraw(client_for(dsl), mapping, "Wrong code.").status_code == 302
    assert _withdraw(client_for(dsl), mapping, "Wrong code again.").status_code == 404
    with pytest.raises(ValidationError, match="withdrawn already"):
        code_mapping_withdraw(actor=dsl, mapping=mapping, reason="Wrong code again.")
    mapping.refresh_from_db()
    assert mapping.withdrawn_reason == "Wrong code."


def test_the_service_wants_a_reason(dsl, school):
    mapping = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    with pytest.raises(ValidationError, match="Enter why"):
        code_mapping_withdraw(actor=dsl, mapping=mapping, reason=" ")


def test_a_withdraw_form_naming_no_equivalent_is_404(client_for, dsl):
    assert client_for(dsl).post(URL, {"withdraw": "not-an-id"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_one_equivalent_in_force_per_code(dsl, school):
    first = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeMapping.objects.create(
            school=school, raw_code="I02", statutory_code="M", created_by=dsl
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeMapping.objects.filter(pk=first.pk).update(withdrawn_at=timezone.now())
    code_mapping_withdraw(actor=dsl, mapping=first, reason="Wrong code.")
    CodeMapping.objects.create(school=school, raw_code="I02", statutory_code="M", created_by=dsl)
    assert CodeMapping.objects.filter(school=school, raw_code="I02").count() == 2


def test_a_withdrawal_that_loses_a_race_shows_why(client_for, dsl, deputy_dsl, school, monkeypatch):
    """Two people open the page; the first withdraws. The second's form was for an equivalent in
    force when it was checked, and the service (which locks the row) refuses it on the page."""
    mapping = code_mapping_set(actor=dsl, school=school, raw_code="I02", statutory_code="I")
    stale = CodeMapping.objects.get(pk=mapping.pk)
    monkeypatch.setattr("attendance.views.access_code_mapping_to_withdraw", lambda **kw: stale)
    code_mapping_withdraw(actor=dsl, mapping=mapping, reason="Wrong code.")
    response = _withdraw(client_for(deputy_dsl), stale, "Also wrong.")
    assert response.status_code == 200
    assert "I02 was withdrawn already." in response.content.decode()
    mapping.refresh_from_db()
    assert (mapping.withdrawn_by, mapping.withdrawn_reason) == (dsl, "Wrong code.")
