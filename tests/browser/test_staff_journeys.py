"""Issue 22, items 7 and 8, in the browser: the teacher records a concern and later sees it
received and by whom; the idle warning appears and "Stay signed in" keeps the session; a draft
is kept as it is typed and restored after signing in again. axe-core checks every page.

With CAIRN_SCREENSHOTS set to a folder, each step is saved there as a picture to look at.
"""

import os
import re
import time

import pyotp
import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from accounts.middleware import SESSION_LAST_SEEN
from accounts.models import TOTPDevice
from concerns.models import Concern, ConcernDraft, Outcome
from concerns.tests.factories import make_decision
from conftest import signed_in_client
from tests.browser.conftest import assert_accessible, sign_in_as

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
PASSWORD = "correct horse battery staple"


def _shot(page: Page, name: str) -> None:
    if shots := os.environ.get("CAIRN_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/staff-{name}.png", full_page=True)


def _session(page: Page) -> SessionStore:
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=cookie["value"])


def test_the_teacher_sees_their_concern_received_and_by_whom(
    page: Page, live_server, teacher, dsl, pupil
):
    sign_in_as(page, live_server, teacher)
    page.goto(f"{live_server.url}/concerns/new/")
    page.get_by_label("Child", exact=True).select_option(label=f"{pupil.display_name} (Year 4)")
    page.get_by_label("What you saw or heard").fill("Said she had not eaten since Friday.")
    # One way to record a mark: with JavaScript, the drawing (or its lists); no second set.
    expect(page.get_by_label("What the mark looks like")).to_be_hidden()
    page.locator("#body-map-side").select_option("front")
    page.locator("#body-map-region").select_option("abdomen")
    expect(page.get_by_text("Selected: front, abdomen.")).to_be_visible()
    page.get_by_label("Description of the mark at the selected place").fill("Small red mark")
    page.get_by_role("button", name="Add mark").click()
    assert_accessible(page)
    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_text("Concern recorded.")).to_be_visible()
    concern = Concern.objects.get()
    assert concern.body_marks.get().region == "abdomen"

    page.goto(f"{live_server.url}/concerns/mine/")
    expect(page.get_by_text("to the safeguarding team, not opened yet")).to_be_visible()
    _shot(page, "mine-sent")
    assert_accessible(page)

    # The DSL opens it: received, and by whom.
    signed_in_client(dsl).get(f"/concerns/{concern.pk}/")
    page.reload()
    expect(page.get_by_text(f"by {dsl.user.full_name}")).to_be_visible()
    expect(page.get_by_text("Received", exact=True)).to_be_visible()
    _shot(page, "mine-received")

    # The DSL decides: being dealt with, and by whom; never the decision.
    make_decision(dsl=dsl, concern=concern, outcome=Outcome.SOCIAL_CARE)
    page.get_by_role("link", name=pupil.display_name).click()
    expect(page.get_by_text("Being dealt with", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("social care"))).to_have_count(0)
    _shot(page, "concern-being-dealt-with")
    assert_accessible(page)


@pytest.fixture
def short_timeout(settings):
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 1
    settings.CAIRN_IDLE_WARNING_SECONDS = 57
    return settings


def test_the_idle_warning_offers_to_stay_signed_in(page: Page, live_server, teacher, short_timeout):
    sign_in_as(page, live_server, teacher)
    page.goto(f"{live_server.url}/concerns/mine/")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("we will sign you out in")
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    _shot(page, "idle-warning")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    _shot(page, "idle-warning-phone")
    before = float(_session(page)[SESSION_LAST_SEEN])
    time.sleep(1)
    with page.expect_response(re.compile("/stay-signed-in/$")) as answer:
        page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
    assert float(_session(page)[SESSION_LAST_SEEN]) > before
    page.goto(f"{live_server.url}/concerns/mine/")
    expect(page.get_by_role("heading", name="Your concerns and actions")).to_be_visible()


@pytest.fixture
def teacher_with_authenticator(teacher, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    TOTPDevice.objects.create(user=teacher.user, secret=SECRET, confirmed_at="2026-01-01T00:00Z")
    return teacher


def test_a_draft_is_restored_after_signing_in_again(
    page: Page, live_server, teacher_with_authenticator, pupil
):
    teacher = teacher_with_authenticator
    sign_in_as(page, live_server, teacher)
    page.goto(f"{live_server.url}/concerns/new/")
    page.get_by_label("Child", exact=True).select_option(label=f"{pupil.display_name} (Year 4)")
    page.get_by_label("Where").fill("Year 4 cloakroom")
    page.get_by_label("What you saw or heard").fill("She said her dad locked her out on")
    page.get_by_label("The child's own words").focus()  # the change saves the draft
    expect(page.get_by_role("status")).to_contain_text("Draft saved at", timeout=10_000)
    _shot(page, "draft-saved")
    assert_accessible(page)
    assert ConcernDraft.objects.get(author=teacher).pupil == pupil

    # Idle for two hours: the next page asks to sign in, and leads back.
    session = _session(page)
    session[SESSION_LAST_SEEN] = time.time() - 2 * 60 * 60
    session.save()
    page.reload()
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=%2Fconcerns%2Fnew%2F$"))
    expect(page.get_by_text("You were signed out because you had been idle.")).to_be_visible()
    _shot(page, "signed-out-idle")
    page.get_by_label("Email address").fill(teacher.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/concerns/new/$"))
    expect(page.get_by_text("You started this concern earlier")).to_be_visible()
    expect(page.get_by_label("What you saw or heard")).to_have_value(
        "She said her dad locked her out on"
    )
    expect(page.get_by_label("Where")).to_have_value("Year 4 cloakroom")
    _shot(page, "draft-restored")
    assert_accessible(page)
    page.get_by_label("What you saw or heard").fill(
        "She said her dad locked her out on Saturday night."
    )
    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_text("Concern recorded.")).to_be_visible()
    assert not ConcernDraft.objects.exists()


def test_the_decision_form_works_without_javascript(browser, live_server, dsl, teacher, pupil):
    """Without JavaScript every option's questions are shown under it; only the chosen option's
    are checked, with a specific message when its reason is missing."""
    from concerns.models import Decision
    from concerns.tests.factories import make_concern

    concern = make_concern(author=teacher, pupil=pupil)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = sign_in_as(context.new_page(), live_server, dsl)
    page.goto(f"/concerns/{concern.pk}/decide/")
    expect(page.get_by_label("Review date")).to_be_visible()
    expect(page.get_by_label("Reference given by the police")).to_be_visible()
    expect(page.get_by_label("Name of the adult", exact=True)).to_be_visible()
    # axe needs JavaScript: the same pages are checked with it in the tests above and in
    # tests/browser/test_concerns.py.
    page.get_by_label("Referral to the police").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the reason for the referral to the police"
    )
    _shot(page, "decide-no-javascript-error")
    page.get_by_label("Why (the rationale)").fill("Disclosure of an assault at home.")
    page.get_by_label("Reference given by the police").fill("PC-2026-7")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    assert Decision.objects.get().referral_reference == "PC-2026-7"
    context.close()
