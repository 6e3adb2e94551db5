"""The DSL team's other records: the school's concern categories, a behaviour incident typed in
and a behaviour export imported from the MIS, and an Operation Encompass notification from the
police. axe-core checks every page, with and without errors on it."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from concerns.models import BehaviourIncident, Category, ChildPresent, EncompassNotification
from tests.browser.conftest import assert_accessible, sign_in_as


def test_dsl_adds_a_category_then_retires_it(page: Page, live_server, dsl):
    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}/concerns/inbox/")
    page.get_by_role("link", name="Concern categories").click()
    expect(page.get_by_role("heading", level=1, name="Concern categories")).to_be_visible()
    expect(page.get_by_role("link", name="Neglect", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add category").click()  # no name given
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Young carers")
    page.get_by_label("Signs to look for").fill(
        "Often late or tired; talks of looking after a parent."
    )
    page.get_by_label("What to do now").fill("Record what you noticed and tell a DSL this week.")
    page.get_by_role("button", name="Add category").click()
    expect(page.get_by_text("Category added.")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Young carers"))
    expect(row).to_contain_text("Added by the school")
    expect(row).to_contain_text("Yes")
    assert_accessible(page)

    row.get_by_role("link", name="Young carers").click()
    expect(page.get_by_role("heading", level=1, name="Change “Young carers”")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Offer this category when staff record a concern").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Category saved.")).to_be_visible()
    expect(row).to_contain_text("No (retired)")
    assert Category.objects.get(label="Young carers").is_active is False

    page.goto(f"{live_server.url}/concerns/new/")
    expect(page.get_by_label("Neglect", exact=True)).to_be_visible()
    expect(page.get_by_label("Young carers")).to_have_count(0)


def test_dsl_adds_a_behaviour_incident_and_a_police_notification(
    page: Page, live_server, dsl, pupil
):
    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}/chronology/{pupil.pk}/")
    page.get_by_role("link", name="Add a behaviour incident").click()
    expect(page.get_by_role("heading", level=1, name="Add a behaviour incident")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()  # no type of incident given
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type of incident").fill("Threw a chair")
    page.get_by_label("What happened").fill(
        "Threw a chair across the classroom after a spelling test."
    )
    page.get_by_label("Action taken").fill("Time in the quiet room; talked with her teacher.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Behaviour incident recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chronology: Ava Testchild")
    expect(page.get_by_text("Threw a chair").first).to_be_visible()
    assert BehaviourIncident.objects.get(pupil=pupil).incident_type == "Threw a chair"
    assert_accessible(page)

    page.goto(f"{live_server.url}/concerns/inbox/")
    page.get_by_role("link", name="Record a police notification (Operation Encompass)").click()
    expect(
        page.get_by_role("heading", name="Record a police notification (Operation Encompass)")
    ).to_be_visible()
    assert_accessible(page)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Police reference").fill("OE/2026/00417")
    page.get_by_label("Date of the incident").fill(yesterday.isoformat())
    page.get_by_label("Time of the incident").fill("21:40")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save").click()  # no child chosen yet
    expect(page.get_by_role("alert")).to_be_visible()
    # The list of children is described by its error as well as its hint (WCAG 3.3.1, 1.3.1).
    error = page.locator("#id_pupils-error").inner_text()
    expect(
        page.get_by_label("Children in the household at this school")
    ).to_have_accessible_description(re.compile(re.escape(error.replace("Error:", "").strip())))
    assert_accessible(page)
    page.get_by_label("Children in the household at this school").select_option(
        label="Ava Testchild"
    )
    page.get_by_label("The child's voice, if the police recorded it").fill(
        "Told the officer she stayed upstairs with her headphones on."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Police notification recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Concerns inbox")).to_be_visible()
    notification = EncompassNotification.objects.get()
    assert notification.police_reference == "OE/2026/00417"
    assert notification.child_present == ChildPresent.NO
    assert list(notification.pupils.all()) == [pupil]
    assert_accessible(page)


def test_dsl_checks_then_imports_a_behaviour_export(page: Page, live_server, dsl, pupil, tmp_path):
    bad = tmp_path / "behaviour-bad.csv"
    bad.write_text(
        "incident_id,upn,date,time,type,recorded_by\n"
        f"B-1,{pupil.upn},2026-01-12,10:15,Refused to work,A teacher\n"
        "B-2,R000000000000,2026-01-13,,Shouting,A teacher\n",
        encoding="utf-8",
    )
    good = tmp_path / "behaviour.csv"
    good.write_text(
        "incident_id,upn,date,time,type,description,recorded_by\n"
        f"B-1,{pupil.upn},2026-01-12,10:15,Refused to work,Head down all lesson,A teacher\n",
        encoding="utf-8",
    )
    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}/concerns/inbox/")
    page.get_by_role("link", name="Import behaviour from the MIS").click()
    expect(
        page.get_by_role("heading", name="Import behaviour incidents from the MIS")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Behaviour export (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported: 1 problem(s).")
    expect(page.get_by_text("'R000000000000' is not a pupil here")).to_be_visible()
    assert not BehaviourIncident.objects.exists()
    assert_accessible(page)

    page.get_by_label("Behaviour export (CSV)").set_input_files(str(good))
    page.get_by_label("Check the file without importing it").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("1 incidents would be imported; 0 already held.")).to_be_visible()
    assert not BehaviourIncident.objects.exists()
    assert_accessible(page)

    page.get_by_label("Behaviour export (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("1 incidents imported; 0 already held.")).to_be_visible()
    assert BehaviourIncident.objects.get().incident_type == "Refused to work"
