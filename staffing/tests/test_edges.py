"""The edges of staffing's rules: who gets nothing, what each write refuses, the words each
record is shown with."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from staffing import access, services
from staffing.models import (
    ConcernedAdult,
    LowLevelConcern,
    LowLevelConcernPolicy,
    TrainingRecord,
    TrainingType,
)
from staffing.templatetags.staffing_home import staffing_home_panel
from staffing.training import Standing

pytestmark = pytest.mark.django_db


def test_a_trust_lead_has_no_training_record_or_register(trust_lead, teacher, dsl):
    record = services.training_record(
        actor=dsl,
        person=teacher,
        training_type=TrainingType.NEGLECT,
        completed_on=datetime.date(2025, 1, 1),
        provider="P",
        evidence=None,
    )
    with pytest.raises(Http404):
        access.access_training_person(viewer=trust_lead, membership_id=teacher.pk)
    with pytest.raises(Http404):
        access.access_training_evidence(viewer=trust_lead, record_id=record.pk)
    assert not access.reads_low_level_register(viewer=trust_lead)
    assert not access.adults_visible_to(viewer=trust_lead).exists()


def test_a_colleague_is_not_found_and_a_record_without_evidence_has_none(
    dsl, teacher, other_teacher
):
    record = services.training_record(
        actor=dsl,
        person=teacher,
        training_type=TrainingType.NEGLECT,
        completed_on=datetime.date(2025, 1, 1),
        provider="P",
    )
    with pytest.raises(Http404):
        access.access_training_person(viewer=other_teacher, membership_id=teacher.pk)
    assert access.access_training_person(viewer=teacher, membership_id=teacher.pk) == teacher
    with pytest.raises(Http404):
        access.access_training_evidence(viewer=dsl, record_id=record.pk)
    import uuid

    with pytest.raises(Http404):
        access.access_training_person(viewer=dsl, membership_id=uuid.uuid4())


def test_the_evidence_file_gone_from_disk_is_not_found(client_for, dsl, teacher):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    record = services.training_record(
        actor=dsl,
        person=teacher,
        training_type=TrainingType.NEGLECT,
        completed_on=datetime.date(2025, 1, 1),
        provider="P",
        evidence=SimpleUploadedFile("c.txt", b"certificate"),
    )
    services.evidence_path(record).unlink()
    response = client_for(dsl).get(reverse("staffing:evidence", args=[record.pk]))
    assert response.status_code == 404


def test_the_chair_reads_but_does_not_record(client_for, headteacher, governor, dsl):
    from django.urls import reverse

    services.low_level_policy_set(actor=headteacher, deputy_dsl_reads=False, chair=governor)
    assert access.reads_low_level_register(viewer=governor)
    assert not access.records_low_level(viewer=governor)
    client = client_for(governor)
    assert client.get(reverse("staffing:low_level_register")).status_code == 200
    assert client.get(reverse("staffing:low_level_record")).status_code == 403
    adult = services.low_level_concern_record(
        actor=dsl,
        member=headteacher,
        happened_on=datetime.date(2025, 1, 1),
        raised_by="R",
        what_happened="W",
    ).adult
    url = reverse("staffing:low_level_adult_left", args=[adult.pk])
    assert client.post(url, {}).status_code == 403


def test_writes_refuse_what_they_cannot_record(dsl, other_school_dsl, school_admin):
    with pytest.raises(ValidationError, match="who raised"):
        services.low_level_concern_record(
            actor=dsl,
            new=services.NewAdult("N", "volunteer"),
            happened_on=datetime.date(2025, 1, 1),
            raised_by=" ",
            what_happened="W",
        )
    with pytest.raises(ValidationError, match="the adult's name"):
        services.low_level_concern_record(
            actor=dsl,
            happened_on=datetime.date(2025, 1, 1),
            raised_by="R",
            what_happened="W",
        )
    adult = services.low_level_concern_record(
        actor=other_school_dsl,
        new=services.NewAdult("N", "volunteer"),
        happened_on=datetime.date(2025, 1, 1),
        raised_by="R",
        what_happened="W",
    ).adult
    with pytest.raises(ValidationError, match="an adult at your school"):
        services.low_level_concern_record(
            actor=dsl,
            adult=adult,
            happened_on=datetime.date(2025, 1, 1),
            raised_by="R",
            what_happened="W",
        )
    assert LowLevelConcern.objects.count() == 1


def test_records_read_as_words(dsl, teacher, headteacher):
    record = services.training_record(
        actor=dsl,
        person=teacher,
        training_type=TrainingType.PREVENT,
        completed_on=datetime.date(2025, 1, 2),
        provider="P",
    )
    assert str(record) == "Prevent awareness on 02 Jan 2025"
    concern = services.low_level_concern_record(
        actor=dsl,
        new=services.NewAdult("Lee Marsh", "contractor", "Coach"),
        happened_on=datetime.date(2025, 1, 2),
        raised_by="R",
        what_happened="W",
    )
    assert str(concern) == "Low-level concern of 02 Jan 2025"
    assert str(concern.adult) == "Lee Marsh"
    policy = services.low_level_policy_set(actor=headteacher, deputy_dsl_reads=False, chair=None)
    assert str(policy).startswith("Low-level concerns policy of ")
    assert Standing.OVERDUE.label == "Overdue"
    assert ConcernedAdult.objects.get().job_title == "Coach"
    assert LowLevelConcernPolicy.objects.count() == 1
    assert TrainingRecord.objects.count() == 1


def test_the_home_panel_is_empty_without_a_school(rf, trust_lead):
    request = rf.get("/")
    request.membership = trust_lead
    assert staffing_home_panel({"request": request}) == ""
    assert staffing_home_panel({}) == ""
