"""The DSL searches the concerns, amends one (a new version with a reason), refers an allegation
about an adult to the LADO and reads the allegations register. axe-core checks every page."""

from playwright.sync_api import Page, expect

from concerns.models import AllegationRecord, ConcernVersion
from concerns.tests.factories import make_concern
from tests.browser.conftest import assert_accessible, sign_in_as


def test_dsl_searches_amends_and_refers_an_allegation_to_the_lado(
    page: Page, live_server, dsl, teacher, pupil
):
    concern = make_concern(
        author=teacher,
        pupil=pupil,
        facts="Said the lunchtime supervisor grabbed her arm hard in the dinner queue.",
        child_words="He squeezed my arm and it hurt.",
        category_codes=("physical",),
    )
    make_concern(author=teacher, pupil=pupil, facts="Came in without a coat; said she was cold.")
    sign_in_as(page, live_server, dsl)

    page.goto(f"{live_server.url}/concerns/inbox/")
    page.get_by_role("link", name="Search concerns").click()
    expect(page.get_by_role("heading", level=1, name="Search concerns")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Words").fill("supervisor")
    page.get_by_label("Category").select_option(label="Physical abuse")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 concern", exact=True)).to_be_visible()
    assert_accessible(page)

    page.locator("#results").get_by_role("link").click()
    expect(page.get_by_text("He squeezed my arm and it hurt.")).to_be_visible()
    page.get_by_role("link", name="Amend the record (a new version, with a reason)").click()
    expect(page.get_by_role("heading", name="Amend the record")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What was seen or heard").fill(
        "Said the lunchtime supervisor grabbed her left arm hard in the dinner queue at 12:20."
    )
    page.get_by_role("button", name="Save amendment").click()  # no reason given yet
    expect(page.get_by_role("alert")).to_be_visible()
    assert ConcernVersion.objects.filter(concern=concern).count() == 1
    assert_accessible(page)
    page.get_by_label("Why are you amending the record?").fill(
        "The teacher added the time and which arm when we spoke."
    )
    page.get_by_role("button", name="Save amendment").click()
    expect(page.get_by_text("Amendment saved as a new version.")).to_be_visible()
    expect(page.get_by_text("grabbed her left arm hard")).to_be_visible()
    assert ConcernVersion.objects.filter(concern=concern).count() == 2
    assert_accessible(page)

    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("Allegation about an adult: LADO").check()
    page.get_by_label("Why (the rationale)").fill(
        "An allegation that an adult in school has harmed a child: referred to the LADO today."
    )
    page.get_by_label("Name of the adult", exact=True).fill("Chris Examplesupervisor")
    page.get_by_label("Their role", exact=True).fill("Lunchtime supervisor")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    assert AllegationRecord.objects.get().adult_name == "Chris Examplesupervisor"

    page.goto(f"{live_server.url}/concerns/inbox/")
    page.get_by_role("link", name="Allegations register").click()
    expect(
        page.get_by_role("heading", name="Allegations about adults (LADO register)")
    ).to_be_visible()
    register = page.get_by_role("table", name="Allegations referred to the LADO")
    expect(register.get_by_role("cell", name="Chris Examplesupervisor")).to_be_visible()
    expect(register.get_by_role("cell", name="Lunchtime supervisor")).to_be_visible()
    assert_accessible(page)
