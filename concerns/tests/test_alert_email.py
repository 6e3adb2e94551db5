"""The DSL team's e-mail about new concerns (concerns/tasks.py), several queued at once."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from background.testing import run_pending_tasks
from concerns.tasks import dsl_team_alert_email
from concerns.tests.factories import enrolled_pupil, make_concern, staff_member

pytestmark = pytest.mark.django_db


def test_concerns_queued_together_are_emailed_in_one_run_each_to_its_own_team(
    school, other_school, dsl, deputy_dsl, teacher
):
    elsewhere_dsl = staff_member(school=other_school, role=dsl.role)
    ours = [
        make_concern(author=teacher, pupil=enrolled_pupil(school=school), urgent=urgent)
        for urgent in (False, True, False)
    ]
    theirs = make_concern(
        author=staff_member(school=other_school), pupil=enrolled_pupil(school=other_school)
    )
    with CaptureQueriesContext(connection) as queries:
        ran = run_pending_tasks()
    emails = [t for t in ran if t.task_path == dsl_team_alert_email.module_path]
    assert [t.return_value for t in emails if "coalesced_into" not in str(t.return_value)] == [4]
    alerts_read = [q for q in queries.captured_queries if '"concerns_alert"' in q["sql"]]
    assert len(alerts_read) == 1  # the alerts of all four concerns, in one query
    by_concern = {m.body.split("/concerns/")[1].split("/")[0]: m for m in mail.outbox}
    assert set(by_concern) == {str(c.pk) for c in [*ours, theirs]}
    for concern in ours:
        assert set(by_concern[str(concern.pk)].to) == {dsl.user.email, deputy_dsl.user.email}
    assert by_concern[str(theirs.pk)].to == [elsewhere_dsl.user.email]
    urgent = [m for m in mail.outbox if "urgent" in m.subject]
    assert [m.body for m in urgent] == [by_concern[str(ours[1].pk)].body]
