"""Issue 22, item 8: a concern being typed is kept as a server-side draft, seen only by its
author, audited, deleted once submitted; after an idle sign-out, signing in again leads back."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from concerns.models import Concern, ConcernDraft
from concerns.services import categories_ensure
from concerns.tests.factories import elsewhere_pupil
from conftest import signed_in_client

pytestmark = pytest.mark.django_db

SAVE = reverse("concerns:draft_save")
RECORD = reverse("concerns:record")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _typed(pupil, **extra):
    data = {
        "child_1": str(pupil.pk),
        "part_1": "subject",
        "facts": "Half-typed: she said her dad",
        "child_words": "",
    }
    data.update(extra)
    return data


def _events(action):
    return AuditEvent.objects.filter(action=action)


def test_htmx_autosave_keeps_the_draft_and_audits_it_against_the_child(teacher, pupil):
    client = signed_in_client(teacher)
    response = client.post(SAVE, _typed(pupil), **HTMX)
    assert response.status_code == 200
    assert "Draft saved at" in response.content.decode()
    draft = ConcernDraft.objects.get(author=teacher)
    assert draft.pupil == pupil
    assert draft.fields["facts"] == "Half-typed: she said her dad"
    event = _events(AuditAction.CONCERN_DRAFT_SAVED).get()
    assert event.pupil_id == pupil.pk
    assert "dad" not in str(event.details)
    # A second save replaces the first: one draft per author.
    client.post(SAVE, _typed(pupil, facts="Half-typed: she said her dad shouted"), **HTMX)
    assert ConcernDraft.objects.get(author=teacher).fields["facts"].endswith("shouted")


def test_the_form_is_filled_in_again_from_the_draft_and_the_opening_audited(teacher, pupil):
    client = signed_in_client(teacher)
    categories_ensure(school=teacher.school)
    neglect = teacher.school.concern_categories.get(code="neglect")
    client.post(
        SAVE,
        _typed(pupil, location="Library", categories=[str(neglect.pk)], child_themes=["hunger"]),
        **HTMX,
    )
    assert ConcernDraft.objects.get(author=teacher).fields["child_themes"] == ["hunger"]
    body = client.get(RECORD).content.decode()
    assert f'value="{neglect.pk}" checked' in body
    assert 'value="hunger" checked' in body
    assert "You started this concern earlier" in body
    assert "Half-typed: she said her dad" in body
    assert 'value="Library"' in body
    assert f'<option value="{pupil.pk}" selected>' in body
    assert _events(AuditAction.CONCERN_DRAFT_OPENED).get().pupil_id == pupil.pk
    mine = client.get(reverse("concerns:mine")).content.decode()
    assert "Carry on with the concern you started about" in mine
    home = client.get(reverse("schools:home")).content.decode()
    assert f"Carry on with the concern you started about {pupil.display_name}" in home


def test_a_draft_is_seen_by_its_author_only(teacher, other_teacher, dsl, pupil):
    signed_in_client(teacher).post(SAVE, _typed(pupil), **HTMX)
    for someone in (other_teacher, dsl):
        body = signed_in_client(someone).get(RECORD).content.decode()
        assert "Half-typed" not in body
        assert "You started this concern earlier" not in body
    assert not _events(AuditAction.CONCERN_DRAFT_OPENED).exists()


def test_without_javascript_the_save_draft_button_saves_and_returns_to_the_form(teacher, pupil):
    client = signed_in_client(teacher)
    response = client.post(SAVE, _typed(pupil))
    assert response.status_code == 302
    assert response["Location"] == RECORD
    page = client.get(RECORD).content.decode()
    assert "Your draft is saved" in page
    assert "Half-typed" in page


def test_submitting_the_concern_deletes_its_draft_in_the_same_transaction(teacher, pupil):
    client = signed_in_client(teacher)
    client.post(SAVE, _typed(pupil), **HTMX)
    categories_ensure(school=teacher.school)
    now = timezone.localtime() - timedelta(minutes=30)
    finished = _typed(
        pupil,
        facts="She said her dad shouted at her all weekend.",
        occurred_on=now.date().isoformat(),
        occurred_time=now.strftime("%H:%M"),
    )
    # A refused concern keeps its draft.
    refused = client.post(RECORD, {**finished, "occurred_time": ""})
    assert refused.status_code == 400
    assert ConcernDraft.objects.filter(author=teacher).exists()
    response = client.post(RECORD, finished)
    assert response.status_code == 302
    assert Concern.objects.filter(recorded_by=teacher).count() == 1
    assert not ConcernDraft.objects.exists()
    deleted = _events(AuditAction.CONCERN_DRAFT_DELETED).get()
    assert deleted.details == {"why": "submitted as a concern"}


def _submission(pupil, key, **extra):
    now = timezone.localtime() - timedelta(minutes=30)
    return _typed(
        pupil,
        facts="She said her dad shouted at her all weekend.",
        occurred_on=now.date().isoformat(),
        occurred_time=now.strftime("%H:%M"),
        form_key=key,
        **extra,
    )


def _form_key(body: str) -> str:
    marker = 'name="form_key" value="'
    assert marker in body
    return body.split(marker, 1)[1].split('"', 1)[0]


def test_a_draft_save_arriving_after_the_submission_does_not_bring_the_draft_back(teacher, pupil):
    """The form saves itself a second after a change; pressing the button within that second
    sends the save after the concern. It is refused, and no draft is left to "carry on"."""
    client = signed_in_client(teacher)
    categories_ensure(school=teacher.school)
    key = _form_key(client.get(RECORD).content.decode())
    client.post(SAVE, _typed(pupil, form_key=key), **HTMX)
    assert ConcernDraft.objects.get(author=teacher).fields["form_key"] == key
    assert client.post(RECORD, _submission(pupil, key)).status_code == 302
    late = client.post(SAVE, _typed(pupil, form_key=key), **HTMX)
    assert late.status_code == 200
    assert "This concern has been recorded." in late.content.decode()
    assert not ConcernDraft.objects.exists()
    assert "Carry on with the concern" not in client.get(reverse("concerns:mine")).content.decode()
    # Without JavaScript, "Save draft" pressed on the page kept from before: the same answer.
    again = client.post(SAVE, _typed(pupil, form_key=key))
    assert again["Location"] == reverse("concerns:mine")
    assert not ConcernDraft.objects.exists()
    # A new form has a new key, and its draft is kept.
    fresh = _form_key(client.get(RECORD).content.decode())
    assert fresh != key
    client.post(SAVE, _typed(pupil, form_key=fresh), **HTMX)
    assert ConcernDraft.objects.filter(author=teacher).exists()


def test_the_same_form_submitted_twice_records_one_concern(teacher, pupil):
    client = signed_in_client(teacher)
    categories_ensure(school=teacher.school)
    key = _form_key(client.get(RECORD).content.decode())
    first = client.post(RECORD, _submission(pupil, key))
    second = client.post(RECORD, _submission(pupil, key))
    concern = Concern.objects.get(recorded_by=teacher)
    assert str(concern.form_key) == key
    assert (
        first["Location"]
        == second["Location"]
        == reverse("concerns:detail", kwargs={"concern_id": concern.pk})
    )
    assert _events(AuditAction.CONCERN_RECORDED).count() == 1


def test_a_key_the_page_did_not_give_is_dropped_not_shown(teacher, pupil):
    """The key is a hidden field: a malformed one is no problem for the person to read; the
    concern is recorded without a key."""
    client = signed_in_client(teacher)
    categories_ensure(school=teacher.school)
    response = client.post(RECORD, _submission(pupil, "not-a-key"))
    assert response.status_code == 302
    assert Concern.objects.get(recorded_by=teacher).form_key is None


def test_a_restored_draft_keeps_the_key_of_the_concern_being_typed(teacher, pupil):
    client = signed_in_client(teacher)
    key = _form_key(client.get(RECORD).content.decode())
    client.post(SAVE, _typed(pupil, form_key=key), **HTMX)
    assert _form_key(client.get(RECORD).content.decode()) == key


def test_another_authors_form_key_is_not_theirs_to_reuse(teacher, other_teacher, pupil):
    categories_ensure(school=teacher.school)
    theirs = signed_in_client(other_teacher)
    key = _form_key(theirs.get(RECORD).content.decode())
    assert theirs.post(RECORD, _submission(pupil, key)).status_code == 302
    mine = signed_in_client(teacher)
    assert mine.post(RECORD, _submission(pupil, key)).status_code == 302
    assert Concern.objects.filter(recorded_by=teacher, form_key=None).count() == 1
    assert Concern.objects.get(recorded_by=other_teacher).form_key is not None
    # Nor may their key hide a draft: the teacher's draft is kept.
    mine.post(SAVE, _typed(pupil, form_key=key), **HTMX)
    assert ConcernDraft.objects.filter(author=teacher).exists()


def test_the_author_may_discard_the_draft(teacher, pupil):
    client = signed_in_client(teacher)
    client.post(SAVE, _typed(pupil), **HTMX)
    response = client.post(reverse("concerns:draft_discard"))
    assert response.status_code == 302
    assert not ConcernDraft.objects.exists()
    assert _events(AuditAction.CONCERN_DRAFT_DELETED).get().details == {"why": "discarded"}
    assert "Your draft has been deleted" in client.get(RECORD).content.decode()
    # Nothing to discard: back to the form, nothing written.
    before = AuditEvent.objects.count()
    assert client.post(reverse("concerns:draft_discard")).status_code == 302
    assert AuditEvent.objects.count() == before


def test_a_draft_naming_a_child_off_the_roll_is_refused_and_nothing_written(teacher, school):
    stranger = elsewhere_pupil()
    client = signed_in_client(teacher)
    response = client.post(SAVE, _typed(stranger), **HTMX)
    assert "Choose the child" in response.content.decode()
    plain = client.post(SAVE, _typed(stranger))
    assert plain.status_code == 400
    assert "Choose the child and the kinds of concern from the lists." in plain.content.decode()
    assert not ConcernDraft.objects.exists()
    assert not _events(AuditAction.CONCERN_DRAFT_SAVED).exists()


def test_a_draft_whose_child_has_left_is_not_shown(teacher, pupil):
    signed_in_client(teacher).post(SAVE, _typed(pupil), **HTMX)
    pupil.enrolments.update(end_date=timezone.localdate() - timedelta(days=1))
    body = signed_in_client(teacher).get(RECORD).content.decode()
    assert "You started this concern earlier" not in body


def test_a_draft_before_a_child_is_chosen(teacher):
    client = signed_in_client(teacher)
    client.post(SAVE, {"facts": "Something about the Year 4 trip"}, **HTMX)
    draft = ConcernDraft.objects.get(author=teacher)
    assert draft.pupil is None
    assert "Something about the Year 4 trip" in client.get(RECORD).content.decode()


# -- The idle sign-out leads back ---------------------------------------------------------------

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_an_idle_sign_out_from_a_page_signs_in_back_to_it(teacher, settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        response = client.get(RECORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in") + "?next=%2Fconcerns%2Fnew%2F"


def test_an_idle_sign_out_of_an_htmx_request_redirects_the_whole_page(teacher, pupil, settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        response = client.post(SAVE, _typed(pupil), **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:sign_in")
    assert not ConcernDraft.objects.exists()


def test_a_draft_saved_by_the_warning_does_not_keep_the_session(teacher, pupil, settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=28), tick=False):
        saved = client.post(SAVE, _typed(pupil), HTTP_X_CAIRN_NOT_ACTIVITY="1", **HTMX)
        assert saved.status_code == 200
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        assert client.get(RECORD).status_code == 302
    assert ConcernDraft.objects.filter(author=teacher).exists()


def test_stay_signed_in_keeps_the_session(teacher, settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    stay = reverse("accounts:stay_signed_in")
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=28), tick=False):
        response = client.post(stay, HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == 204
    with time_machine.travel(START + timedelta(minutes=50), tick=False):
        assert client.get(RECORD).status_code == 200
        plain = client.post(stay, {"next": RECORD})
        assert plain["Location"] == RECORD
        unsafe = client.post(stay, {"next": "https://evil.example/"})
        assert unsafe["Location"] == reverse("schools:home")


def test_every_page_carries_the_warning_for_someone_signed_in(teacher, client, settings):
    settings.CAIRN_IDLE_WARNING_SECONDS = 90
    body = signed_in_client(teacher).get(reverse("concerns:mine")).content.decode()
    assert 'data-cairn-idle-seconds="1800"' in body
    assert 'data-cairn-warning-seconds="90"' in body
    assert "You are about to be signed out" in body
    assert "data-cairn-idle" not in client.get(reverse("accounts:sign_in")).content.decode()


# -- Without JavaScript: a concern posted after the idle limit is kept as the draft ---------------


def _finished(pupil, **extra):
    when = START - timedelta(hours=1)
    return _typed(
        pupil,
        facts="She said her dad shouted at her all weekend.",
        occurred_on=when.date().isoformat(),
        occurred_time=when.strftime("%H:%M"),
        **extra,
    )


@pytest.mark.parametrize("url", [RECORD, SAVE], ids=["submit", "save draft"])
def test_a_concern_posted_after_the_idle_limit_is_kept_as_the_draft(teacher, pupil, settings, url):
    """Typing without JavaScript for longer than the idle limit: the post signs the person out,
    but what they typed is their draft, and signing in again leads back to the form."""
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=45), tick=False):
        response = client.post(url, _finished(pupil), follow=True)
    assert response.redirect_chain[0] == (
        reverse("accounts:sign_in") + "?next=%2Fconcerns%2Fnew%2F",
        302,
    )
    page = response.content.decode()
    assert "You were signed out because you had been idle." in page
    assert "What you typed into the concern form is kept as your draft" in page
    assert "It has not been sent yet." in page
    assert not Concern.objects.exists()
    draft = ConcernDraft.objects.get(author=teacher)
    assert draft.pupil == pupil
    assert draft.fields["facts"] == "She said her dad shouted at her all weekend."
    saved = _events(AuditAction.CONCERN_DRAFT_SAVED).get()
    assert saved.pupil_id == pupil.pk
    assert "dad" not in str(saved.details)
    assert _events(AuditAction.SESSION_TIMED_OUT).count() == 1
    # Signed out: the form is not reachable until they sign in again, then it is filled in.
    assert client.get(RECORD).status_code == 302
    back = signed_in_client(teacher).get(RECORD).content.decode()
    assert "You started this concern earlier" in back
    assert "She said her dad shouted at her all weekend." in back


def test_a_post_after_the_idle_limit_without_its_csrf_token_keeps_nothing(teacher, pupil, settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
        client.handler.enforce_csrf_checks = True
    with time_machine.travel(START + timedelta(minutes=45), tick=False):
        response = client.post(RECORD, _finished(pupil))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in")
    assert not ConcernDraft.objects.exists()
    assert not _events(AuditAction.CONCERN_DRAFT_SAVED).exists()
    assert _events(AuditAction.SESSION_TIMED_OUT).count() == 1


def test_a_post_after_the_idle_limit_naming_a_child_off_the_roll_keeps_nothing(
    teacher, school, settings
):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    stranger = elsewhere_pupil()
    with time_machine.travel(START, tick=False):
        client = signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=45), tick=False):
        response = client.post(RECORD, _finished(stranger))
    assert response["Location"] == reverse("accounts:sign_in")
    assert not ConcernDraft.objects.exists()


def test_another_form_posted_after_the_idle_limit_keeps_nothing(teacher, pupil, settings):
    """Only the concern form keeps what was typed; any other post is simply refused."""
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        client, other = signed_in_client(teacher), signed_in_client(teacher)
    with time_machine.travel(START + timedelta(minutes=45), tick=False):
        response = client.post(reverse("concerns:draft_discard"), _finished(pupil))
        empty = other.post(RECORD, {})
    assert response["Location"] == reverse("accounts:sign_in")
    assert empty["Location"] == reverse("accounts:sign_in")
    assert not ConcernDraft.objects.exists()
    assert not _events(AuditAction.CONCERN_DRAFT_SAVED).exists()
