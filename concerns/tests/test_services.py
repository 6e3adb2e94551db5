"""Services: versions and supersession, nothing deleted, audit in the same transaction."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import services as audit_services
from audit.models import AuditAction, AuditEvent
from concerns import services
from concerns.models import (
    Category,
    Concern,
    ConcernVersion,
    Decision,
    Outcome,
    Part,
)
from concerns.tests.factories import (
    enrolled_pupil,
    make_concern,
    make_decision,
)

pytestmark = pytest.mark.django_db


def test_categories_are_seeded_once_from_the_data_file(school):
    services.categories_ensure(school=school)
    services.categories_ensure(school=school)
    codes = set(Category.objects.filter(school=school).values_list("code", flat=True))
    assert {"neglect", "physical", "emotional", "sexual", "child_on_child"} <= codes
    neglect = Category.objects.get(school=school, code="neglect")
    assert neglect.cp_code == "NEG"
    assert "KCSIE 2024, Part one" in neglect.source
    assert neglect.signs
    assert neglect.what_to_do
    assert Category.objects.filter(school=school).count() == len(codes)


def test_categories_seen_inside_a_transaction_are_asked_for_again(school):
    services.categories_ensure(school=school)  # made, and seen, inside the test's transaction
    with CaptureQueriesContext(connection) as queries:
        services.categories_ensure(school=school)
    assert len(queries.captured_queries) == 1  # they could still be rolled back


@pytest.mark.django_db(transaction=True)
def test_a_school_seen_with_committed_categories_is_not_asked_about_again(school):
    services.categories_ensure(school=school)  # made (committed: no transaction around it)
    services.categories_ensure(school=school)  # seen, and remembered by this process
    with CaptureQueriesContext(connection) as queries:
        services.categories_ensure(school=school)
    assert queries.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_the_concern_is_written_in_its_callers_transaction_or_not_at_all(teacher, pupil):
    data = services.ConcernInput(
        children=[services.ChildPart(pupil=pupil, part=Part.SUBJECT)],
        occurred_at=timezone.now() - timedelta(hours=1),
        facts="Came in without a coat.",
    )
    with pytest.raises(RuntimeError, match="caller's transaction"):
        services.concern_record_in_transaction(actor=teacher, data=data)
    assert not Concern.objects.exists()
    with transaction.atomic():
        services.concern_record_in_transaction(actor=teacher, data=data)
    assert Concern.objects.count() == 1


def test_amendments_are_versions_and_the_first_stays(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil, facts="first")
    services.concern_amend(
        actor=dsl, concern=concern, facts="second", child_words="", categories=[], reason="typo"
    )
    services.concern_amend(
        actor=dsl, concern=concern, facts="third", child_words="", categories=[], reason="more"
    )
    assert list(concern.versions.order_by("number").values_list("number", "facts")) == [
        (1, "first"),
        (2, "second"),
        (3, "third"),
    ]
    with pytest.raises(ValidationError):
        services.concern_amend(
            actor=dsl, concern=concern, facts="x", child_words="", categories=[], reason=" "
        )


def test_database_refuses_an_amendment_without_a_reason(teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConcernVersion.objects.create(
            concern=concern, number=2, facts="x", written_at=timezone.now()
        )


def test_decision_changes_supersede_and_cannot_fork(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    first = make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    data = services.DecisionInput(outcome=Outcome.EARLY_HELP, rationale="Escalating")
    with pytest.raises(ValidationError, match="why"):
        services.decision_record(actor=dsl, concern=concern, data=data, supersedes=first)
    second = services.decision_record(
        actor=dsl, concern=concern, data=data, supersedes=first, change_reason="New concern"
    )
    assert second.supersedes == first
    with pytest.raises(ValidationError, match="already been changed"):
        services.decision_record(
            actor=dsl, concern=concern, data=data, supersedes=first, change_reason="again"
        )
    assert Decision.objects.count() == 2


def test_nothing_can_be_deleted(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    make_decision(dsl=dsl, concern=concern)
    with pytest.raises(ProtectedError):
        concern.delete()
    assert Concern.objects.count() == 1


def test_audit_failure_rolls_back_the_concern(teacher, pupil, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(audit_services, "record", broken)
    with pytest.raises(RuntimeError):
        make_concern(author=teacher, pupil=pupil)
    assert not Concern.objects.exists()
    assert not ConcernVersion.objects.exists()


def test_recording_audits_each_child_in_the_same_transaction(teacher, pupil, school):
    witness = enrolled_pupil(school=school)
    concern = make_concern(author=teacher, pupil=pupil, others=[(witness, Part.WITNESS)])
    events = AuditEvent.objects.filter(action=AuditAction.CONCERN_RECORDED)
    assert set(events.values_list("pupil_id", flat=True)) == {pupil.pk, witness.pk}
    assert set(events.values_list("target_id", flat=True)) == {str(concern.pk)}


def test_a_concern_needs_a_subject_child_and_a_past_time(teacher, pupil):
    with pytest.raises(ValidationError, match="about"):
        services.concern_record(
            actor=teacher,
            data=services.ConcernInput(
                children=[services.ChildPart(pupil=pupil, part=Part.WITNESS)],
                occurred_at=timezone.now(),
                facts="x",
            ),
        )
    with pytest.raises(ValidationError, match="future"):
        services.concern_record(
            actor=teacher,
            data=services.ConcernInput(
                children=[services.ChildPart(pupil=pupil, part=Part.SUBJECT)],
                occurred_at=timezone.now() + timedelta(hours=1),
                facts="x",
            ),
        )


def test_an_action_is_completed_once(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    action = services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=teacher,
        description="Check in",
        due_on=timezone.localdate(),
    )
    services.action_complete(actor=teacher, action=action, note="Done")
    with pytest.raises(ValidationError):
        services.action_complete(actor=teacher, action=action, note="Again")


def test_staff_from_another_school_cannot_be_assigned(teacher, dsl, other_school_dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    with pytest.raises(ValidationError):
        services.action_assign(
            actor=dsl,
            concern=concern,
            assignee=other_school_dsl,
            description="x",
            due_on=timezone.localdate(),
        )
