"""The merged chronology: order, filters, who sees what, household view, exports and audit."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from chronology.entries import Window
from chronology.exports import MARKING, REDACTED
from chronology.selectors import ChronologyFilters, chronology_for
from concerns import services
from concerns.models import ChildPresent, Outcome
from concerns.tests.factories import (
    elsewhere_pupil,
    enrolled_pupil,
    make_concern,
    make_decision,
    staff_member,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(teacher, dsl, pupil):
    now = timezone.now()
    old = make_concern(
        author=teacher, pupil=pupil, facts="old", occurred_at=now - timedelta(days=30)
    )
    new = make_concern(
        author=teacher, pupil=pupil, facts="new", occurred_at=now - timedelta(days=1)
    )
    make_decision(dsl=dsl, concern=new, outcome=Outcome.SOCIAL_CARE)
    services.behaviour_record(
        actor=dsl,
        pupil=pupil,
        occurred_at=now - timedelta(days=10),
        incident_type="Threw a chair",
        description="Upset after lunch.",
    )
    services.encompass_record(
        actor=dsl,
        data=services.EncompassInput(
            pupils=[pupil],
            police_reference="OE-77",
            occurred_at=now - timedelta(days=5),
            received_at=now - timedelta(days=5),
            child_present=ChildPresent.YES,
            welfare_check_on=timezone.localdate(),
        ),
    )
    return old, new


def test_entries_are_merged_newest_first(dsl, pupil, history):
    chronology = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    kinds = [e.kind for e in chronology.entries]
    assert kinds == ["decision", "concern", "encompass", "behaviour", "concern"]
    assert chronology.entries[0].significant  # a referral
    times = [e.occurred_at for e in chronology.entries]
    assert times == sorted(times, reverse=True)


def test_the_concern_sources_read_the_visible_parts_once(dsl, pupil, history):
    with CaptureQueriesContext(connection) as queries:
        chronology = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    parts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "concerns_concernpupil"."concern_id"')
        and '"concerns_concernpupil"."part"' in q["sql"]
    ]
    assert len(parts) == 1  # the concerns, decisions and actions sources share one read
    [decision] = [e for e in chronology.entries if e.kind == "decision"]
    assert decision.title == "Referral to children's social care (ref. MASH-123)"
    assert decision.significant
    # Outside one page, nothing is kept: a second chronology reads afresh.
    with CaptureQueriesContext(connection) as again:
        chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    assert len(again) == len(queries)


def test_filters_by_kind_window_words_and_significance(dsl, pupil, history):
    def kinds(**kwargs):
        filters = ChronologyFilters(**kwargs)
        return [e.kind for e in chronology_for(viewer=dsl, pupils=[pupil], filters=filters).entries]

    assert kinds(kinds=frozenset({"behaviour"})) == ["behaviour"]
    week_ago = timezone.localdate() - timedelta(days=7)
    assert "behaviour" not in kinds(window=Window(start=week_ago))
    assert kinds(text="chair") == ["behaviour"]
    assert set(kinds(significant_only=True)) == {"decision", "concern", "encompass"}


def test_encompass_is_for_the_dsl_team_only(headteacher, pupil, history):
    chronology = chronology_for(viewer=headteacher, pupils=[pupil], filters=ChronologyFilters())
    assert "encompass" not in {e.kind for e in chronology.entries}
    assert "decision" in {e.kind for e in chronology.entries}


def test_staff_sources_give_only_their_own(teacher, dsl, pupil, school, history):

    colleague = staff_member(school=school)
    chronology = chronology_for(viewer=colleague, pupils=[pupil], filters=ChronologyFilters())
    assert [e.kind for e in chronology.entries] == []


def test_page_is_audited_and_shows_entries(client_for, dsl, pupil, history):
    response = client_for(dsl).get(reverse("chronology:pupil", args=[pupil.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Threw a chair" in body
    assert "OE-77" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.CHRONOLOGY_VIEWED, pupil_id=pupil.pk
    ).exists()


def test_htmx_filter_returns_the_partial(client_for, dsl, pupil, history):
    response = client_for(dsl).get(
        reverse("chronology:pupil", args=[pupil.pk]), {"kind": "behaviour"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Threw a chair" in body
    assert "OE-77" not in body


@pytest.mark.usefixtures("history")
def test_household_shows_each_child_only_where_the_viewer_may(
    client_for, dsl, teacher, pupil, school
):
    sibling = enrolled_pupil(school=school, legal_forename="Sib", legal_surname="Ling")
    make_concern(author=teacher, pupil=sibling, facts="sibling hungry")
    elsewhere = elsewhere_pupil(legal_forename="Far", legal_surname="Away")
    response = client_for(dsl).get(
        reverse("chronology:household"),
        {"pupil": [str(pupil.pk), str(sibling.pk), str(elsewhere.pk)]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "sibling hungry" in body
    assert "Threw a chair" in body
    assert "Far Away" not in body
    audited = set(
        AuditEvent.objects.filter(action=AuditAction.CHRONOLOGY_VIEWED).values_list(
            "pupil_id", flat=True
        )
    )
    assert audited == {pupil.pk, sibling.pk}


def test_csv_export_is_marked_redacted_and_audited(client_for, dsl, teacher, pupil, history):
    url = reverse("chronology:export", args=[pupil.pk, "csv"])
    body = client_for(dsl).get(url, {"redact": "1"}).content.decode()
    assert body.startswith(f"# {MARKING}")
    assert teacher.user.full_name not in body
    assert REDACTED in body
    assert "Police (Operation Encompass)" in body
    plain = client_for(dsl).get(url).content.decode()
    assert teacher.user.full_name in plain
    exports = AuditEvent.objects.filter(action=AuditAction.CHRONOLOGY_EXPORTED)
    assert [e.details["redacted"] for e in exports.order_by("seq")] == [True, False]


def test_exports_name_each_kind_once_and_remove_assignees_without_staff_names(
    client_for, dsl, deputy_dsl, teacher, pupil, history
):
    _old, new = history
    services.action_assign(
        actor=dsl,
        concern=new,
        assignee=deputy_dsl,
        description="Speak to the school nurse",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    assignee = deputy_dsl.user.full_name
    csv_url = reverse("chronology:export", args=[pupil.pk, "csv"])
    pdf_url = reverse("chronology:export", args=[pupil.pk, "pdf"])
    plain_pdf = pdf_text(client_for(dsl).get(pdf_url).content)
    assert "Decision: Referral to children's social care" in plain_pdf
    assert "Decision: Decision" not in plain_pdf
    assert "Behaviour: Behaviour" not in plain_pdf
    assert f"Action for {assignee}" in plain_pdf
    redacted_csv = client_for(dsl).get(csv_url, {"redact": "1"}).content.decode()
    redacted_pdf = pdf_text(client_for(dsl).get(pdf_url, {"redact": "1"}).content)
    for body in (redacted_csv, redacted_pdf):
        assert assignee not in body
        assert f"Action for {REDACTED}" in body.replace("\n", " ")


def test_pdf_export_is_paginated_and_marked(client_for, dsl, teacher, pupil):
    start = timezone.now() - timedelta(days=400)
    for day in range(60):
        make_concern(
            author=teacher,
            pupil=pupil,
            facts=f"Entry {day}: came in hungry and tired, no coat.",
            occurred_at=start + timedelta(days=day),
        )
    response = client_for(dsl).get(reverse("chronology:export", args=[pupil.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of" in text
    assert "Page 2 of" in text


def test_unknown_export_format_is_404(client_for, dsl, pupil):
    response = client_for(dsl).get(reverse("chronology:export", args=[pupil.pk, "docx"]))
    assert response.status_code == 404


def test_entries_are_escaped(client_for, dsl, teacher, pupil):
    make_concern(author=teacher, pupil=pupil, facts='<script>alert("x")</script> & <b>')
    services.behaviour_record(
        actor=dsl,
        pupil=pupil,
        occurred_at=timezone.now() - timedelta(hours=2),
        incident_type='<img src=x onerror="alert(1)">',
    )
    body = client_for(dsl).get(reverse("chronology:pupil", args=[pupil.pk])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in body
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_actions_outcomes_and_notes_appear(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    decision = make_decision(dsl=dsl, concern=concern, outcome=Outcome.SOCIAL_CARE)
    services.referral_outcome_record(
        actor=dsl,
        decision=decision,
        received_on=timezone.localdate(),
        outcome="Single assessment opened.",
        school_agrees=True,
    )
    action = services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=teacher,
        description="Check in daily",
        due_on=timezone.localdate(),
    )
    services.action_complete(actor=teacher, action=action, note="Checked in all week.")
    services.concern_add_note(actor=teacher, concern=concern, text="She smiled today.")
    kinds = {
        e.kind: e
        for e in chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters()).entries
    }
    assert {"concern", "decision", "referral_outcome", "action", "action_done", "note"} <= set(
        kinds
    )
    assert "the school agrees" in kinds["referral_outcome"].title
    assert kinds["action_done"].summary == "Checked in all week."
    staff_view = chronology_for(viewer=teacher, pupils=[pupil], filters=ChronologyFilters())
    assert {e.kind for e in staff_view.entries} == {"concern", "note"}
