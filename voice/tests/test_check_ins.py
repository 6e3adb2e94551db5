"""Check-in schedules: defaults by status, per-school cadences, due and overdue lists, and a
child whose status changes getting the new cadence."""

import datetime

import pytest

from audit.models import AuditAction, AuditEvent
from pupils.models import Pupil
from voice.models import SupportLevel, VoiceSettings
from voice.selectors import (
    DueState,
    check_in_for_pupil,
    check_ins_for_adult,
    last_heard_from,
    not_heard_from,
)
from voice.services import check_in_schedule_set, support_status_record
from voice.tests.factories import VoiceEntryFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _aware(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


@pytest.fixture
def early_help_child(pupil, dsl, trusted_adult, time_machine):
    """On early help from 5 January 2026 (42 days by default); last heard 10 February."""
    time_machine.move_to("2026-01-05T09:00:00+00:00", tick=False)
    support_status_record(
        actor=dsl, pupil=pupil, level=SupportLevel.EARLY_HELP, starts_on=D(2026, 1, 5)
    )
    check_in_schedule_set(actor=dsl, pupil=pupil, trusted_adult=trusted_adult, cadence_days=None)
    VoiceEntryFactory(
        pupil=pupil, recorded_by=trusted_adult, words__occurred_at=_aware("2026-02-10")
    )
    return pupil


def test_default_cadence_follows_the_status(school, early_help_child):
    check_in = check_in_for_pupil(pupil=early_help_child, school=school, as_of=D(2026, 3, 2))
    assert (check_in.level, check_in.cadence_days) == (SupportLevel.EARLY_HELP, 42)
    assert check_in.due_on == D(2026, 3, 24)
    assert check_in.state == DueState.UPCOMING
    assert check_in_for_pupil(
        pupil=early_help_child, school=school, as_of=D(2026, 3, 22)
    ).state == (DueState.DUE)


def test_overdue_list_across_a_status_change(
    client_for, time_machine, school, dsl, trusted_adult, early_help_child
):
    """On early help the child is not overdue on 2 March; the DSL records a child protection
    plan from 9 March; from then the fortnightly cadence makes the child overdue."""
    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    dsl_client = client_for(dsl)
    overdue_heading = "Not heard from in longer than their cadence"
    page = dsl_client.get("/voice/check-ins/school/").content.decode()
    assert "Every child with a cadence has been heard from within it." in page
    assert "Ava Testchild" in page
    assert not_heard_from(school=school) == []

    response = dsl_client.post(
        f"/voice/pupils/{early_help_child.pk}/check-ins/",
        {
            "level": "cp_plan",
            "starts_on": "2026-03-09",
            "trusted_adult": str(trusted_adult.pk),
            "cadence_days": "",
            "reason": "Initial child protection conference",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.SUPPORT_STATUS_RECORDED, pupil_id=early_help_child.pk
    ).exists()
    # The trusted adult did not change, so no new schedule row was written.
    assert not AuditEvent.objects.filter(
        action=AuditAction.CHECK_IN_SCHEDULE_SET, at__date=D(2026, 3, 2)
    ).exists()

    time_machine.move_to("2026-03-05T09:00:00+00:00", tick=False)
    assert not_heard_from(school=school) == []

    time_machine.move_to("2026-03-10T09:00:00+00:00", tick=False)
    (overdue,) = not_heard_from(school=school)
    assert overdue.pupil == early_help_child
    assert (overdue.level, overdue.cadence_days) == (SupportLevel.CP_PLAN, 14)
    assert overdue.due_on == D(2026, 2, 24)
    assert overdue.days_overdue == 14
    # A fresh sign-in: the idle timeout has ended the session from 2 March.
    page = client_for(dsl).get("/voice/check-ins/school/").content.decode()
    assert overdue_heading in page
    assert "Overdue by 14 days" in page
    assert "Child protection plan" in page
    mine = client_for(trusted_adult).get("/voice/check-ins/").content.decode()
    assert "Ava Testchild" in mine
    assert "Overdue by 14 days" in mine

    # Heard from again: off the list.
    VoiceEntryFactory(
        pupil=early_help_child, recorded_by=trusted_adult, words__occurred_at=_aware("2026-03-10")
    )
    assert not_heard_from(school=school) == []


def test_a_cadence_set_by_hand_lasts_until_the_status_changes(
    time_machine, school, dsl, trusted_adult, early_help_child
):
    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    check_in_schedule_set(
        actor=dsl, pupil=early_help_child, trusted_adult=trusted_adult, cadence_days=7
    )
    check_in = check_in_for_pupil(pupil=early_help_child, school=school)
    assert (check_in.cadence_days, check_in.cadence_set_by_hand) == (7, True)
    assert check_in.state == DueState.OVERDUE

    time_machine.move_to("2026-03-03T09:00:00+00:00", tick=False)
    support_status_record(
        actor=dsl, pupil=early_help_child, level=SupportLevel.MONITORING, starts_on=D(2026, 3, 3)
    )
    check_in = check_in_for_pupil(pupil=early_help_child, school=school)
    assert (check_in.cadence_days, check_in.cadence_set_by_hand) == (42, False)


def test_a_school_sets_its_own_cadences(client_for, time_machine, school, dsl, early_help_child):
    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    data = {
        "cp_plan_days": "10",
        "cin_days": "21",
        "early_help_days": "14",
        "monitoring_days": "56",
        "due_soon_days": "2",
    }
    response = client_for(dsl).post("/voice/settings/", data)
    assert response.status_code == 302
    assert VoiceSettings.objects.get(school=school).early_help_days == 14
    check_in = check_in_for_pupil(pupil=early_help_child, school=school)
    assert (check_in.cadence_days, check_in.state) == (14, DueState.OVERDUE)
    event = AuditEvent.objects.get(action=AuditAction.VOICE_SETTINGS_CHANGED)
    assert event.details["before"]["early_help_days"] == 42
    bad = client_for(dsl).post("/voice/settings/", {**data, "cin_days": "0"})
    assert "Ensure this value is greater than or equal to 1." in bad.content.decode()


def test_never_heard_counts_from_when_the_status_began(time_machine, school, dsl, pupil):
    time_machine.move_to("2026-02-01T09:00:00+00:00", tick=False)
    support_status_record(
        actor=dsl, pupil=pupil, level=SupportLevel.CP_PLAN, starts_on=D(2026, 1, 1)
    )
    check_in = check_in_for_pupil(pupil=pupil, school=school)
    assert check_in.last_heard is None
    assert check_in.due_on == D(2026, 1, 15)
    assert check_in.days_overdue == 17


def test_no_status_no_cadence(school, dsl, trusted_adult, pupil):
    check_in_schedule_set(actor=dsl, pupil=pupil, trusted_adult=trusted_adult, cadence_days=None)
    check_in = check_in_for_pupil(pupil=pupil, school=school)
    assert (check_in.level, check_in.cadence_days, check_in.state) == (
        SupportLevel.NONE,
        None,
        None,
    )


def test_my_check_ins_lists_only_my_children_still_on_roll(
    time_machine, school, dsl, trusted_adult, teacher, early_help_child
):
    from pupils.tests.factories import EnrolmentFactory

    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    enrolment = EnrolmentFactory(school=school, end_date=D(2026, 2, 1), end_reason="moved_away")
    left = Pupil.objects.get(pk=enrolment.pupil_id)
    support_status_record(actor=dsl, pupil=left, level=SupportLevel.CIN, starts_on=D(2026, 1, 5))
    check_in_schedule_set(actor=dsl, pupil=left, trusted_adult=trusted_adult, cadence_days=None)
    assert [c.pupil for c in check_ins_for_adult(viewer=trusted_adult)] == [early_help_child]
    assert check_ins_for_adult(viewer=teacher) == []


def test_the_trusted_adult_must_work_at_the_school(client_for, dsl, other_school_dsl, pupil):
    response = client_for(dsl).post(
        f"/voice/pupils/{pupil.pk}/check-ins/",
        {"level": "cin", "starts_on": "2026-01-05", "trusted_adult": str(other_school_dsl.pk)},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_last_heard_from_and_the_front_sheet_card(
    rf, time_machine, school, dsl, teacher, trusted_adult, early_help_child
):
    from django.template import Context, Template

    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    heard = last_heard_from(early_help_child, school=school)
    assert heard is not None
    assert heard.at == _aware("2026-02-10")
    assert heard.by == "Tess Trusted"
    template = Template("{% load voice %}{% voice_last_heard pupil %}")
    request = rf.get("/")
    request.membership = dsl
    html = template.render(Context({"request": request, "pupil": early_help_child}))
    assert "Last heard from" in html
    assert "10 February 2026" in html
    assert "by Tess Trusted" in html
    request.membership = teacher
    assert template.render(Context({"request": request, "pupil": early_help_child})) == ""


def test_home_pages_show_check_ins_due(
    client_for, time_machine, dsl, trusted_adult, teacher, early_help_child
):
    time_machine.move_to("2026-03-30T09:00:00+00:00", tick=False)
    mine = client_for(trusted_adult).get("/").content.decode()
    assert "1 of the children you check in with is due or overdue a check-in" in mine
    assert "Overdue by 6 days" in mine
    team = client_for(dsl).get("/").content.decode()
    assert "1 child not heard from in longer than their cadence" in team
    other = client_for(teacher).get("/").content.decode()
    assert "Record what a child has told you" in other
    assert "Ava Testchild" not in other


def test_a_trusted_adult_who_left_is_flagged(client_for, dsl, trusted_adult, early_help_child):
    trusted_adult.is_active = False
    trusted_adult.save()
    page = client_for(dsl).get("/voice/check-ins/school/").content.decode()
    assert "Tess Trusted" in page
    assert "No longer in this role" in page
