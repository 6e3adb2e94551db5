"""The front sheet's body kept between requests (pupils/sheet_cache.py, ADR 23): the same page
as one rendered afresh, for every role; every change shown on the very next request; the gate
and the audit events on every request, kept or not."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import READ_ACTIONS, AuditAction, AuditEvent
from audit.selectors import latest_change
from casework.tests.factories import PlanFactory
from concerns.tests.factories import make_concern
from conftest import with_access_reason
from factors.models import FactorSource
from factors.services import factor_record
from patterns.services import findings_refresh_changed
from pupils import sheet_cache
from pupils.models import SocialCareStatus
from pupils.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PupilFactory,
)
from retention.services import legal_hold_place
from schools.models import Role
from schools.services import membership_change_role, school_update_settings
from voice.services import VoiceContent, voice_entry_record

# What differs between two renders of the same page by design: the CSRF token is masked afresh
# for every response, and the CSP nonce is new for every request.
_PER_RESPONSE = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+')


def _page(client, pupil) -> tuple[str, int]:
    """The front sheet's text with its per-response tokens blanked, and its statement count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("pupils:detail", args=[pupil.pk]))
    assert response.status_code == 200
    return _PER_RESPONSE.sub(r"\1-", response.content.decode()), len(queries)


@pytest.fixture
def same_minute(monkeypatch):
    """Hold the cache's clock on one minute, so a test's views are never split by a minute
    turning over (which would only cost a fresh render, but would make the counts vary)."""
    monkeypatch.setattr(sheet_cache, "this_minute", lambda: "2026-12-03T12:00")


@pytest.fixture
def busy_pupil(pupil, dsl, teacher, other_school):
    """A child with something in most panels and a brother at the trust's other school."""
    make_concern(author=teacher, pupil=pupil)
    PlanFactory(pupil=pupil, school=dsl.school)
    brother = EnrolmentFactory(
        school=other_school,
        pupil=PupilFactory(legal_forename="Ben", social_care_status=SocialCareStatus.OPEN),
    ).pupil
    household = HouseholdFactory(trust=other_school.trust)
    HouseholdMemberFactory(household=household, pupil=pupil)
    HouseholdMemberFactory(household=household, pupil=brother)
    return pupil


@pytest.mark.usefixtures("same_minute")
@pytest.mark.parametrize("role", ["dsl", "deputy_dsl", "headteacher", "trust_lead_reason"])
def test_a_kept_front_sheet_is_the_page_rendered_afresh(
    request, settings, client_for, busy_pupil, role
):
    viewer = request.getfixturevalue(role)
    client = client_for(viewer)
    if viewer.role == Role.TRUST_LEAD:
        with_access_reason(client, busy_pupil)
    first, first_queries = _page(client, busy_pupil)
    kept, kept_queries = _page(client, busy_pupil)
    settings.CAIRN_FRONT_SHEET_CACHE = 0
    afresh, afresh_queries = _page(client, busy_pupil)
    assert kept == first == afresh
    # The first view reads the newest write (one statement) and renders; the kept one only reads.
    assert kept_queries < afresh_queries == first_queries - 1


@pytest.mark.usefixtures("same_minute")
def test_each_viewer_has_their_own_page(client_for, dsl, headteacher, busy_pupil):
    pages = {m.role: _page(client_for(m), busy_pupil)[0] for m in (dsl, headteacher)}
    assert pages[Role.DSL] != pages[Role.HEADTEACHER]
    # The access log link is the safeguarding team's; the headteacher's kept page never has it.
    log = reverse("pupils:access_log", args=[busy_pupil.pk])
    assert log in pages[Role.DSL]
    assert log not in _page(client_for(headteacher), busy_pupil)[0]


@pytest.mark.usefixtures("same_minute")
def test_the_gate_and_the_read_events_are_every_requests_own(
    client_for, dsl, other_school_dsl, trust_lead_no_reason, busy_pupil
):
    for _ in range(3):
        _page(client_for(dsl), busy_pupil)
    viewed = AuditEvent.objects.filter(action=AuditAction.PUPIL_VIEWED, pupil_id=busy_pupil.pk)
    assert viewed.count() == 3
    shown = AuditEvent.objects.filter(action=AuditAction.SIBLING_SHOWN_ACROSS_SCHOOLS)
    assert shown.count() == 3
    # A page kept for the DSL is no way round the gate for anyone else.
    url = reverse("pupils:detail", args=[busy_pupil.pk])
    assert client_for(other_school_dsl).get(url).status_code == 404
    assert client_for(trust_lead_no_reason).get(url).status_code != 200


def _shows_next(client, pupil, change, expected: str) -> None:
    before, _ = _page(client, pupil)
    _page(client, pupil)  # kept
    assert expected not in before
    change()
    after, _ = _page(client, pupil)
    assert expected in after


@pytest.mark.usefixtures("same_minute")
def test_a_concern_recorded_shows_on_the_next_request(client_for, dsl, teacher, pupil):
    _shows_next(
        client_for(dsl),
        pupil,
        lambda: make_concern(author=teacher, pupil=pupil, facts="Bruise on the left arm."),
        "1 open concern",
    )


@pytest.mark.usefixtures("same_minute")
def test_the_childs_voice_recorded_shows_on_the_next_request(client_for, dsl, teacher, pupil):
    content = VoiceContent(
        occurred_at=timezone.now() - timedelta(days=2),
        words="I like the football club.",
        asked_by="Class teacher",
        place="Classroom",
    )
    _shows_next(
        client_for(dsl),
        pupil,
        lambda: voice_entry_record(actor=teacher, pupil=pupil, content=content),
        "days ago), by teacher@",
    )


@pytest.mark.usefixtures("same_minute")
def test_a_known_factor_shows_on_the_next_request(client_for, dsl, pupil):
    _shows_next(
        client_for(dsl),
        pupil,
        lambda: factor_record(
            actor=dsl,
            pupil=pupil,
            code="3A",
            source=FactorSource.ASSESSMENT,
            known_from=date(2026, 1, 5),
        ),
        "<strong>3A</strong>",
    )


@pytest.mark.usefixtures("same_minute")
def test_a_legal_hold_shows_on_the_next_request(client_for, dsl, pupil):
    _shows_next(
        client_for(dsl),
        pupil,
        lambda: legal_hold_place(actor=dsl, pupil=pupil, reason="A claim was made."),
        "govuk-tag--red",
    )


def test_the_minute_turning_over_renders_afresh(monkeypatch, client_for, dsl, pupil):
    monkeypatch.setattr(sheet_cache, "this_minute", lambda: "2026-12-03T12:00")
    client = client_for(dsl)
    _, first = _page(client, pupil)
    _, kept = _page(client, pupil)
    monkeypatch.setattr(sheet_cache, "this_minute", lambda: "2026-12-03T12:01")
    _, later = _page(client, pupil)
    assert kept < first == later


@pytest.mark.usefixtures("same_minute")
def test_a_changed_role_is_another_page(client_for, school_admin, headteacher, pupil):
    page, _ = _page(client_for(headteacher), pupil)
    assert reverse("pupils:access_log", args=[pupil.pk]) not in page
    deputy = membership_change_role(
        actor=school_admin, membership=headteacher, role=Role.DEPUTY_DSL
    )
    page, _ = _page(client_for(deputy), pupil)
    assert reverse("pupils:access_log", args=[pupil.pk]) in page


def test_the_background_refresh_and_settings_moves_the_key(dsl, pupil):
    """Writes made outside the front sheet's own apps, and by the background worker, move the
    newest write as every other write does."""
    start = latest_change()
    findings_refresh_changed(pupil_ids=[str(pupil.pk)])
    refreshed = latest_change()
    assert refreshed[0] > start[0]
    school_update_settings(actor=dsl, school=dsl.school, idle_timeout_minutes=20)
    assert latest_change()[0] > refreshed[0]


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_action_but_a_read_is_a_change(dsl, pupil, action):
    before = latest_change()
    audit.record(actor=dsl, action=action, pupil_id=pupil.pk)
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", "seal").first()
    expected = before if action in READ_ACTIONS else newest
    assert latest_change() == expected


def test_only_the_newest_generation_is_kept_and_at_most_its_size():
    cache = sheet_cache.BodyCache()
    built: list[str] = []

    def body(text: str):
        def build():
            built.append(text)
            return sheet_cache.SheetBody(html=text, shown_across_schools=())

        return build

    old, new = ("12:00", 5, "a"), ("12:00", 6, "b")
    assert cache.get_or_build("x", old, body("x1"), size=2).html == "x1"
    assert cache.get_or_build("x", old, body("x2"), size=2).html == "x1"
    assert cache.get_or_build("x", new, body("x3"), size=2).html == "x3"
    # A body built for an older generation, after a newer one was kept, is not kept.
    assert cache.get_or_build("y", old, body("y1"), size=2).html == "y1"
    assert cache.get_or_build("y", new, body("y2"), size=2).html == "y2"
    cache.get_or_build("z", new, body("z1"), size=2)
    assert cache.get_or_build("x", new, body("x4"), size=2).html == "x4"  # x was dropped
    assert built == ["x1", "x3", "y1", "y2", "z1", "x4"]


def test_the_newest_write_is_read_down_its_own_index(dsl, pupil):
    from audit.selectors import _latest_change_sql

    audit.record(actor=dsl, action=AuditAction.PUPIL_VIEWED, pupil_id=pupil.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN QUERY PLAN {_latest_change_sql()}"
            if connection.vendor == "sqlite"
            else f"EXPLAIN {_latest_change_sql()}"
        )
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "audit_write_seq" in plan
