"""Retention (issue 15 item 4; records-and-access.md §9): a retention date for each record, a
review queue, keep / legal hold / destroy, destruction only with a second person, a tombstone with
no child data, and an audit trail that still verifies afterwards."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceWeek, ColumnarState
from attendance.tests.factories import import_text, weeks_csv
from audit.models import AuditAction, AuditEvent
from audit.selectors import audit_chain_verify
from concerns import services as concern_services
from concerns.models import Attachment, Concern, ConcernPupil, Part
from concerns.tests.factories import make_concern
from conftest import signed_in_client
from pupils.models import Pupil
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from retention import services
from retention.models import DestructionRequest, RetentionPolicy, Tombstone
from retention.selectors import falling_due, retention_state, review_queue, years_after
from schools.models import Role
from schools.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
REASON = "Reached the retention date; no inquiry or claim is known."


@pytest.fixture
def old_pupil(school) -> Pupil:
    """A child born long enough ago that the record has reached its retention date."""
    child = PupilFactory(
        legal_forename="Olwen", legal_surname="Formerpupil", date_of_birth=date(1996, 2, 29)
    )
    EnrolmentFactory(
        pupil=child, school=school, start_date=date(2001, 9, 1), end_date=date(2012, 7, 20)
    )
    return child


def test_the_retention_date_is_the_date_of_birth_plus_the_school_period(
    school, dsl, pupil, old_pupil
):
    state = retention_state(old_pupil)
    assert state.retention_date == date(2021, 2, 28)  # 29 February, in a common year
    assert state.years == 25
    assert "IRMS" in state.rule
    assert retention_state(pupil).retention_date == years_after(pupil.date_of_birth, 25)
    services.policy_set(actor=dsl, years=35)
    assert RetentionPolicy.objects.get(school=school).years_after_birth == 35
    assert retention_state(old_pupil).retention_date == date(2031, 2, 28)
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_POLICY_CHANGED).count() == 1
    with pytest.raises(ValidationError):
        services.policy_set(actor=dsl, years=0)


def test_the_front_sheet_shows_the_retention_date_to_the_team_and_head_only(
    pupil, dsl, headteacher, teacher
):
    due = years_after(pupil.date_of_birth, 25)
    for member in (dsl, headteacher):
        page = signed_in_client(member).get(reverse("pupils:detail", args=[pupil.pk]))
        text = page.content.decode()
        assert "Retention date" in text
        assert f"{due.day} {due:%B %Y}" in text
        assert "Not yet due" in text
    page = signed_in_client(teacher).get(reverse("pupils:detail", args=[pupil.pk]))
    assert "Retention date" not in page.content.decode()


def test_the_queue_lists_reached_records_only_and_is_audited(dsl, pupil, old_pupil):
    page = signed_in_client(dsl).get(reverse("retention:queue"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Formerpupil" in text
    assert "Testchild" not in text  # not yet due
    listed = AuditEvent.objects.get(action=AuditAction.CHILDREN_LISTED)
    assert listed.details["count"] == 1
    assert listed.details["list"] == "records due for retention review"


def test_keeping_a_record_takes_it_off_the_queue_until_the_new_date(school, dsl, old_pupil):
    today = timezone.localdate()
    assert [s.pupil for s in review_queue(school=school, today=today).due] == [old_pupil]
    with pytest.raises(ValidationError, match="Give the reason"):
        services.retention_keep(actor=dsl, pupil=old_pupil, years=5, reason=" ")
    services.retention_keep(actor=dsl, pupil=old_pupil, years=5, reason="A sibling's case is open.")
    assert review_queue(school=school, today=today).count == 0
    later = years_after(today, 5)
    assert [s.pupil for s in review_queue(school=school, today=later).due] == [old_pupil]
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_KEPT)
    assert event.pupil_id == old_pupil.pk


def test_a_legal_hold_stops_destruction_until_it_is_released(school, dsl, headteacher, old_pupil):
    proposal = services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)
    services.legal_hold_place(actor=headteacher, pupil=old_pupil, reason="A claim was made.")
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"  # a hold withdraws what was proposed
    queue = review_queue(school=school, today=timezone.localdate())
    assert [s.pupil for s in queue.held] == [old_pupil]
    with pytest.raises(ValidationError, match="legal hold"):
        services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)
    with pytest.raises(ValidationError, match="No destruction is proposed"):
        services.destruction_approve(actor=headteacher, pupil=old_pupil, confirmed=True)
    services.legal_hold_release(actor=dsl, pupil=old_pupil, reason="The claim was settled.")
    services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)
    assert Pupil.objects.filter(pk=old_pupil.pk).exists()


def test_destruction_needs_the_headteacher_and_a_second_person(school, dsl, old_pupil):
    with pytest.raises(ValidationError, match="has not reached"):
        services.destruction_propose(
            actor=dsl, pupil=EnrolmentFactory(school=school).pupil, reason=REASON
        )
    services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)
    with pytest.raises(ValidationError, match="Only the headteacher"):
        services.destruction_approve(actor=dsl, pupil=old_pupil, confirmed=True)
    # The same person acting as headteacher is not a second person.
    same_person = MembershipFactory(school=school, role=Role.HEADTEACHER, user=dsl.user)
    with pytest.raises(ValidationError, match="second person"):
        services.destruction_approve(actor=same_person, pupil=old_pupil, confirmed=True)
    head = MembershipFactory(school=school, role=Role.HEADTEACHER)
    with pytest.raises(ValidationError, match="Confirm"):
        services.destruction_approve(actor=head, pupil=old_pupil, confirmed=False)
    assert Pupil.objects.filter(pk=old_pupil.pk).exists()


def _shared_concern(author, pupil, other):
    return make_concern(author=author, pupil=pupil, others=[(other, Part.INVOLVED)])


def test_destroying_removes_the_record_and_its_files_and_keeps_a_tombstone(
    school, dsl, headteacher, teacher, old_pupil, pupil, tmp_path, settings
):
    settings.CAIRN_ATTENDANCE_STORE_DIR = tmp_path / "store"
    concern = concern_services.concern_record(
        actor=teacher,
        data=concern_services.ConcernInput(
            children=[concern_services.ChildPart(pupil=old_pupil, part=Part.SUBJECT)],
            occurred_at=timezone.now(),
            facts="Formerpupil said she was afraid to go home.",
            attachments=[SimpleUploadedFile("note.txt", b"A note from Olwen Formerpupil")],
        ),
    )
    file_path = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
    (stored,) = list(file_path.iterdir())
    shared = _shared_concern(teacher, pupil, old_pupil)  # about the other child too: kept
    import_text(
        tmp_path,
        weeks_csv(old_pupil, school, date(2011, 9, 5), ["//////////", "//////NN//"]),
        school=school,
    )
    assert AttendanceWeek.objects.filter(pupil=old_pupil).count() == 2
    token = ColumnarState.objects.get(school=school).version_token
    services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)
    former_id, upn = old_pupil.pk, old_pupil.upn

    tombstone = services.destruction_approve(actor=headteacher, pupil=old_pupil, confirmed=True)

    assert not Pupil.objects.filter(pk=former_id).exists()
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not Attachment.objects.filter(concern_id=concern.pk).exists()
    assert not AttendanceWeek.objects.filter(pupil_id=former_id).exists()
    assert not DestructionRequest.objects.exists()
    assert Concern.objects.filter(pk=shared.pk).exists()
    assert list(ConcernPupil.objects.filter(concern=shared).values_list("pupil_id", flat=True)) == [
        pupil.pk
    ]
    assert ColumnarState.objects.get(school=school).version_token != token
    assert stored.exists()  # removed only once the destruction commits (next test)
    assert tombstone.former_record_id == former_id
    assert tombstone.files_removed == 1
    assert tombstone.records_destroyed["Concern"] == 1
    assert tombstone.records_destroyed["Attendance week"] == 2
    # No child data: not the name, the UPN, the date of birth or the concern's words.
    kept = json.dumps(
        {f.name: str(getattr(tombstone, f.attname)) for f in Tombstone._meta.concrete_fields}
    )
    for child_data in ("Formerpupil", "Olwen", upn, "1996", "afraid"):
        assert child_data not in kept
    destroyed = AuditEvent.objects.get(action=AuditAction.RECORD_DESTROYED)
    assert destroyed.pupil_id == former_id
    assert tombstone.audit_seq == destroyed.seq
    # The sealed events about the child are all still there, and the chain verifies.
    assert AuditEvent.objects.filter(pupil_id=former_id).count() >= 3
    assert audit_chain_verify().intact


def test_the_file_goes_when_the_destruction_commits(
    school, dsl, headteacher, teacher, old_pupil, django_capture_on_commit_callbacks, settings
):
    concern_services.concern_record(
        actor=teacher,
        data=concern_services.ConcernInput(
            children=[concern_services.ChildPart(pupil=old_pupil, part=Part.SUBJECT)],
            occurred_at=timezone.now(),
            facts="A synthetic concern.",
            attachments=[SimpleUploadedFile("note.txt", b"synthetic")],
        ),
    )
    (stored,) = list((Path(settings.PRIVATE_MEDIA_ROOT) / "attachments").iterdir())
    services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)
    with django_capture_on_commit_callbacks(execute=True):
        services.destruction_approve(actor=headteacher, pupil=old_pupil, confirmed=True)
    assert not stored.exists()


def test_every_model_that_names_a_stored_file_is_known_to_destruction():
    known = {label for label, _, _ in services.FILES}
    naming = {
        model._meta.label
        for model in apps.get_models()
        if {"stored_name", "stored_as"} & {f.name for f in model._meta.fields}
        and any(
            f.name == "pupil" or f.name in {"concern", "entry", "meeting"}
            for f in model._meta.fields
        )
    }
    assert naming <= known


def test_the_pages_walk_through_a_decision_to_destroy(school, dsl, headteacher, old_pupil):
    team, head = signed_in_client(dsl), signed_in_client(headteacher)
    url = reverse("retention:pupil", args=[old_pupil.pk])
    page = team.get(url)
    assert "Propose destruction" in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_VIEWED).count() == 1
    refused = team.post(url, {"decision": "propose", "propose-reason": ""})
    assert "Give the reason" in refused.content.decode()
    assert team.post(url, {"decision": "propose", "propose-reason": REASON}).status_code == 302
    # The team cannot approve its own proposal; the headteacher can.
    assert "Approve destruction" not in team.get(url).content.decode()
    unconfirmed = head.post(url, {"decision": "approve"})
    assert "Confirm that no inquiry" in unconfirmed.content.decode()
    done = head.post(url, {"decision": "approve", "approve-confirmed": "on"})
    assert done.status_code == 302
    assert done.url == reverse("retention:queue")
    queue = head.get(reverse("retention:queue")).content.decode()
    assert "Records destroyed" in queue
    assert "Formerpupil" not in queue
    assert Tombstone.objects.count() == 1


def test_a_decision_not_open_now_is_refused(dsl, old_pupil, pupil):
    client = signed_in_client(dsl)
    url = reverse("retention:pupil", args=[pupil.pk])
    page = client.post(url, {"decision": "propose", "propose-reason": REASON})
    assert "That decision cannot be made" in page.content.decode()
    assert client.post(url, {"decision": "nonsense"}).status_code == 302
    assert not DestructionRequest.objects.exists()


def test_the_period_is_set_on_the_queue_page(school, dsl):
    client = signed_in_client(dsl)
    assert client.post(reverse("retention:policy"), {"years": "0"}).status_code == 302
    assert not RetentionPolicy.objects.exists()
    client.post(reverse("retention:policy"), {"years": "30"})
    assert RetentionPolicy.objects.get(school=school).years_after_birth == 30


def test_a_child_who_moved_on_is_the_new_schools_to_decide(school, other_school, dsl, old_pupil):
    EnrolmentFactory(
        pupil=old_pupil, school=other_school, start_date=date(2012, 9, 1), end_date=date(2014, 7, 1)
    )
    assert retention_state(old_pupil).school_id == other_school.pk
    assert review_queue(school=school, today=timezone.localdate()).count == 0
    assert [s.pupil for s in review_queue(school=other_school, today=timezone.localdate()).due] == [
        old_pupil
    ]
    with pytest.raises(ValidationError, match="holds the child's file"):
        services.destruction_propose(actor=dsl, pupil=old_pupil, reason=REASON)


def test_the_report_lists_what_falls_due_in_the_next_year(school, old_pupil, capsys):
    soon = PupilFactory(date_of_birth=years_after(timezone.localdate() + timedelta(days=40), -25))
    EnrolmentFactory(pupil=soon, school=school)
    assert [s.pupil for s in falling_due(today=timezone.localdate())] == [old_pupil, soon]
    call_command("retention_report")
    out = capsys.readouterr().out
    assert "or reached and not yet decided: 2." in out
    assert f"{school.name}: 2 records" in out
    assert "due for review" in out
    assert "not yet due" in out
    assert "Formerpupil" not in out
    assert old_pupil.upn not in out
