"""A finding that rests on a child protection file from the child's last school, in the browser:
the receiving DSL opens the finding, reads which school the records came from, and follows the
evidence to the transferred records on the child's chronology. axe runs on each page."""

import re
from datetime import timedelta

import time_machine
from playwright.sync_api import Page, expect

from background.testing import run_pending_tasks
from concerns.tests.factories import make_concern, staff_member
from patterns.models import Finding
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from tests.browser.conftest import assert_accessible, sign_in_as
from transfer import services
from transfer.tests.helpers import receiving_dsl
from transfer.tests.test_facts import START, _history_at_first_school, _sealed_file


def test_the_receiving_dsl_reads_where_the_evidence_came_from(
    page: Page, live_server, dsl, pupil, school, unrelated_school
):
    arrived = PupilFactory(legal_forename="Ava", legal_surname="Testchild")
    EnrolmentFactory(pupil=arrived, school=unrelated_school, start_date=START.date())
    with time_machine.travel(START, tick=True) as traveller:
        _history_at_first_school(dsl, pupil, school)
        traveller.shift(timedelta(days=14))
        transfer, passphrase = _sealed_file(dsl, pupil, unrelated_school)
        receiver = receiving_dsl(unrelated_school)
        make_concern(
            author=staff_member(school=unrelated_school),
            pupil=arrived,
            facts="No coat in the rain; said there was no food at home.",
        )
        services.bundle_import(
            actor=receiver,
            sealed=services.bundle_bytes(transfer),
            passphrase=passphrase,
            pupil_id=arrived.pk,
        )
        run_pending_tasks()
    finding = Finding.objects.get(pupil=arrived, detector="cumulative-neglect", is_current=True)

    sign_in_as(page, live_server, receiver)
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    expect(page.get_by_text(f"2 concerns transferred from {school.name}").first).to_be_visible()
    evidence = page.get_by_role("link", name=f"Concern, transferred from {school.name}")
    expect(evidence).to_have_count(2)
    assert_accessible(page)

    evidence.first.click()
    # The child's chronology, showing the transferred records of that record's day.
    expect(page).to_have_url(re.compile(rf"/chronology/{arrived.pk}/\?kind=transferred&"))
    expect(page.get_by_text("Came in hungry").first).to_be_visible()
    assert_accessible(page)
