"""Every branch of concerns/access.py: who may open what. Absent and forbidden are both 404."""

import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from concerns import access, services
from concerns.models import ChildPresent, Outcome, Part
from concerns.tests.factories import make_concern, make_decision, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(teacher, dsl, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    decision = make_decision(dsl=dsl, concern=concern, outcome=Outcome.LADO)
    action = services.action_assign(
        actor=dsl, concern=concern, assignee=teacher, description="x", due_on=timezone.localdate()
    )
    return concern, decision, action


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("teacher", True),
        ("dsl", True),
        ("deputy_dsl", True),
        ("headteacher", True),
        ("governor", False),
        ("school_admin", False),
        ("trust_lead", False),
        ("attendance_lead", False),
        ("other_school_dsl", False),
    ],
)
def test_concerns_visible_to(request, records, persona, sees):
    viewer = request.getfixturevalue(persona)
    concern = records[0]
    assert (concern in access.concerns_visible_to(viewer=viewer)) is sees
    if sees:
        assert access.access_concern(viewer=viewer, concern_id=concern.pk) == concern
    else:
        with pytest.raises(Http404):
            access.access_concern(viewer=viewer, concern_id=concern.pk)


def test_trust_lead_sees_concerns_only_where_the_trust_allows(records, trust_lead):
    assert not access.concerns_visible_to(viewer=trust_lead).exists()
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    assert records[0] in access.concerns_visible_to(viewer=trust_lead)


def test_another_member_of_staff_does_not_see_it(records, school):
    colleague = staff_member(school=school)
    assert not access.concerns_visible_to(viewer=colleague).exists()


def test_triage_is_for_the_dsl_team_of_the_school(records, dsl, headteacher, other_school_dsl):
    concern, decision, _action = records
    assert access.access_concern_for_triage(viewer=dsl, concern_id=concern.pk) == concern
    for viewer in (headteacher, other_school_dsl):
        with pytest.raises(Http404):
            access.access_concern_for_triage(viewer=viewer, concern_id=concern.pk)
    assert access.access_decision_for_triage(viewer=dsl, decision_id=decision.pk) == decision


@pytest.mark.parametrize("persona", ["headteacher", "trust_lead", "other_school_dsl"])
def test_decisions_are_404_outside_the_team(request, records, persona):
    with pytest.raises(Http404):
        access.access_decision_for_triage(
            viewer=request.getfixturevalue(persona), decision_id=records[1].pk
        )


def test_unknown_ids_are_404(records, dsl):
    for check, name in (
        (access.access_decision_for_triage, "decision_id"),
        (access.access_action, "action_id"),
        (access.access_attachment, "attachment_id"),
        (access.access_concern, "concern_id"),
    ):
        with pytest.raises(Http404):
            check(viewer=dsl, **{name: uuid.uuid4()})


def test_actions_for_the_assignee_and_the_team_only(records, teacher, dsl, headteacher, school):
    action = records[2]
    assert access.access_action(viewer=teacher, action_id=action.pk) == action
    assert access.access_action(viewer=dsl, action_id=action.pk) == action
    for viewer in (headteacher, staff_member(school=school)):
        with pytest.raises(Http404):
            access.access_action(viewer=viewer, action_id=action.pk)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("dsl", True),
        ("headteacher", True),
        ("deputy_dsl", False),
        ("teacher", False),
        ("trust_lead", False),
        ("other_school_dsl", False),
    ],
)
def test_allegations_register(request, records, persona, sees):
    viewer = request.getfixturevalue(persona)
    assert access.allegations_visible_to(viewer=viewer).exists() is sees


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("dsl", True), ("deputy_dsl", True), ("headteacher", False), ("teacher", False)],
)
def test_encompass_is_for_the_dsl_team(request, dsl, pupil, persona, sees):
    services.encompass_record(
        actor=dsl,
        data=services.EncompassInput(
            pupils=[pupil],
            police_reference="OE-1",
            occurred_at=timezone.now(),
            received_at=timezone.now(),
            child_present=ChildPresent.NOT_KNOWN,
            welfare_check_on=timezone.localdate(),
        ),
    )
    viewer = request.getfixturevalue(persona)
    assert access.encompass_visible_to(viewer=viewer).exists() is sees


def test_staff_do_not_see_decisions(teacher, attendance_lead, dsl, headteacher):
    assert not access.sees_decisions(viewer=teacher)
    assert not access.sees_decisions(viewer=attendance_lead)
    assert access.sees_decisions(viewer=dsl)
    assert access.sees_decisions(viewer=headteacher)


def test_the_attendance_lead_sees_the_concerns_they_recorded(attendance_lead, teacher, pupil):
    theirs = make_concern(author=attendance_lead, pupil=pupil)
    make_concern(author=teacher, pupil=pupil)
    assert list(access.concerns_visible_to(viewer=attendance_lead)) == [theirs]
    assert access.access_concern(viewer=attendance_lead, concern_id=theirs.pk) == theirs


def test_attachments_follow_their_concern(teacher, dsl, other_school_dsl, pupil):
    from django.core.files.uploadedfile import SimpleUploadedFile

    concern = services.concern_record(
        actor=teacher,
        data=services.ConcernInput(
            children=[services.ChildPart(pupil=pupil, part=Part.SUBJECT)],
            occurred_at=timezone.now(),
            facts="A note was left.",
            attachments=[SimpleUploadedFile("n.txt", b"note")],
        ),
    )
    attachment = concern.attachments.get()
    assert access.access_attachment(viewer=dsl, attachment_id=attachment.pk) == attachment
    with pytest.raises(Http404):
        access.access_attachment(viewer=other_school_dsl, attachment_id=attachment.pk)
