"""A DSL sees a child's situation at a glance, in plain words (issue 22, items 1 to 5): codes in
words from one place, sources as a reader cites them, the front sheet's summary, the pupil list's
flags and forgiving search, the inbox grouped by kind, and findings' evidence in the records'
own words. Real database, real HTTP through the Django test client."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.tests.factories import PlanFactory
from concerns.models import Outcome
from concerns.tests.factories import enrolled_pupil, make_concern, make_decision
from patterns.models import FindingSeverity, FindingSubject
from patterns.tests.factories import FindingFactory
from pupils import names
from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory
from sources import citations, words

# --- Codes in words, from one place -------------------------------------------------------------


def test_each_kind_of_code_reads_as_words():
    assert words.in_words("MWBC", "ethnicity") == "White and Black Caribbean"
    assert words.in_words("wbri", "ethnicity") == "White, British"
    assert words.in_words("deputy_dsl", "role") == "Deputy designated safeguarding lead"
    assert words.in_words("child_on_child") == "Child-on-child abuse"
    assert words.in_words("neglect_sign", "indicator") == "A sign of neglect"
    assert words.in_words("upper_back", "body_region") == "Upper back"
    assert words.in_words("moved_away") == "Moved away"
    assert words.in_words("R", "year_group") == "Reception"
    # A code no list knows is still shown as words, never as the slug; words stay words.
    assert words.in_words("some_new_thing") == "Some new thing"
    assert words.in_words("Designated safeguarding lead", "role") == "Designated safeguarding lead"
    assert words.in_words(None) == ""
    with pytest.raises(KeyError, match="no code list 'nope'"):
        words.vocabulary("nope")


def test_codes_inside_free_text_become_words_and_words_map_back_to_codes():
    text = "3 signs: neglect_sign, late_collection, foo_bar; see patterns/data/x_y.csv"
    assert words.codes_in_text(text) == (
        "3 signs: a sign of neglect, collected late, foo_bar; see patterns/data/x_y.csv"
    )
    assert words.from_words("collected LATE", "indicator") == "late_collection"
    assert words.from_words("hunger", "indicator") == "hunger"
    assert words.from_words("not a thing", "indicator") is None


def test_the_filters_are_on_every_template(client_for, deputy_dsl, dsl, pupil):
    from django.template import engines

    template = engines["django"].from_string(
        '{{ "MWBA"|in_words:"ethnicity" }}|{{ "neglect_sign"|codes_in_words }}|'
        '{{ "NSPCC [V], national-reviews.md §4"|plain_citation }}'
    )
    assert template.render({}) == "White and Black African|a sign of neglect|NSPCC, SecEd"
    # The access log names the role in words.
    client = client_for(deputy_dsl)
    client.get(reverse("pupils:detail", args=[pupil.pk]))
    log = client.get(reverse("pupils:access_log", args=[pupil.pk])).content.decode()
    assert "Deputy designated safeguarding lead" in log
    assert "deputy_dsl" not in log


# --- Sources as a person reads them -------------------------------------------------------------


def test_guidance_references_have_no_internal_markers_and_the_current_edition():
    raw = (
        'KCSIE 2024, Part one, "Abuse and neglect" [U wording] (Cairn domain reference, '
        "records-and-access.md §3); NICE CG89 §1.3 [V phrase, U level]"
    )
    shown = citations.guidance_reference(raw)
    assert shown == (
        "Keeping children safe in education 2025 (Department for Education), Part one, "
        '"Abuse and neglect"; NICE CG89 section 1.3'
    )
    assert citations.KCSIE_YEAR == 2025
    from patterns.citations import plain

    assert plain is citations.plain  # one references table, read from one place


def test_the_detector_settings_show_and_take_indicators_in_words(client_for, dsl, school):
    from patterns.models import DetectorSettings

    client = client_for(dsl)
    url = reverse("patterns:settings_edit", args=["cumulative-neglect"])
    page = client.get(url).content.decode()
    assert "Collected late" in page
    assert "late_collection" not in page
    data = {
        "enabled": "on",
        "min_signs": "3",
        "window_days": "42",
        "min_adults": "2",
        "review_at": "5",
        "late_days": "3",
        "indicators": "Hunger, collected late, neglect_sign",
    }
    assert client.post(url, data).status_code == 302
    row = DetectorSettings.objects.get(school=school, detector="cumulative-neglect")
    assert row.values["indicators"] == ["hunger", "late_collection", "neglect_sign"]


# --- The front sheet at a glance ----------------------------------------------------------------


@pytest.fixture
def busy_child(school, dsl, teacher, pupil):
    """A child with a concern awaiting a decision, one being monitored with an overdue action,
    a plan, a finding of their own and one about their household."""
    from concerns import services

    waiting = make_concern(author=teacher, pupil=pupil, category_codes=("neglect", "physical"))
    monitored = make_concern(author=teacher, pupil=pupil, facts="Bruise on the arm, no account.")
    make_decision(dsl=dsl, concern=monitored, outcome=Outcome.MONITOR)
    services.action_assign(
        actor=dsl,
        concern=monitored,
        description="Speak with the school nurse about the bruise",
        assignee=dsl,
        due_on=timezone.localdate() - timedelta(days=2),
    )
    PlanFactory(pupil=pupil, recorded_by=dsl, kind="cp", cp_category="NEG")
    sister = enrolled_pupil(school=school, legal_forename="Bea", legal_surname="Testchild")
    home = HouseholdFactory()
    HouseholdMemberFactory(household=home, pupil=pupil)
    HouseholdMemberFactory(household=home, pupil=sister)
    FindingFactory(school=school, pupil=pupil, severity=FindingSeverity.REVIEW)
    FindingFactory(
        school=school,
        pupil=None,
        subject_kind=FindingSubject.HOUSEHOLD,
        household_id=str(home.pk),
        detector="trio",
    )
    return {"waiting": waiting, "monitored": monitored, "sister": sister, "home": home}


def test_the_front_sheet_shows_where_the_child_stands_above_everything_else(
    client_for, dsl, pupil, busy_child
):
    page = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    glance = page.split('id="at-a-glance"', 1)[1].split("The child</h2>", 1)[0]
    assert "Open to children&#x27;s social care: child protection plan (neglect)" in glance
    assert "2 open concerns (1 awaiting a decision)" in glance
    assert "Awaiting a decision" in glance
    assert "Being monitored" in glance
    assert "Neglect, Physical abuse" in glance
    assert "1 open action (1 overdue)" in glance
    assert "Speak with the school nurse" in glance
    assert "Overdue" in glance
    assert "Monitor, " in glance
    assert "review by" in glance
    assert "1 about the child, 1 about the household" in glance
    assert "About the household of " in glance
    assert "Bea Testchild" in glance
    assert "Child&#x27;s voice last heard" in glance or "Child's voice last heard" in glance
    assert "Not heard in Cairn yet" in glance
    # The sister's front sheet shows the household's finding too.
    sister = client_for(dsl).get(reverse("pupils:detail", args=[busy_child["sister"].pk]))
    assert "About the household of" in sister.content.decode()


def test_the_summary_says_when_the_child_was_last_heard(client_for, dsl, teacher, pupil):
    from voice.tests.factories import voice_entry

    voice_entry(pupil=pupil, recorded_by=teacher, words="I like school")
    page = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    heard = page.split('id="glance-voice"', 1)[1].split("</dd>", 1)[0]
    assert "ago), by " in heard


def test_the_summary_and_flags_are_left_out_for_roles_that_do_not_read_them(
    teacher, governor, headteacher, pupil
):
    from casework import glance as casework_glance
    from concerns import glance as concerns_glance
    from voice import glance as voice_glance

    assert concerns_glance.front_sheet_glance(viewer=teacher, pupil=pupil) == []
    assert concerns_glance.list_flags(viewer=governor, pupil_ids=[pupil.pk]) == {}
    assert casework_glance.list_flags(viewer=headteacher, pupil_ids=[pupil.pk]) == {}
    assert voice_glance.front_sheet_glance(viewer=governor, pupil=pupil) == []


def test_a_child_with_nothing_open_reads_so(client_for, dsl, pupil):
    page = client_for(dsl).get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    glance = page.split('id="at-a-glance"', 1)[1].split("The child</h2>", 1)[0]
    assert glance.count("None open") == 3  # concerns, actions, findings
    assert "No decision yet" in glance


def test_the_headteacher_sees_no_casework_flags_and_the_trust_lead_no_findings(
    client_for, headteacher, pupil, busy_child, trust_lead_reason
):
    from conftest import with_access_reason

    head = client_for(headteacher).get(reverse("pupils:detail", args=[pupil.pk])).content
    assert b"Open findings" in head
    lead = with_access_reason(client_for(trust_lead_reason), pupil)
    page = lead.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert "Open findings" not in page  # findings are read at the school only
    assert "Child&#x27;s voice last heard" not in page


# --- The pupil list: flags without a query per child, and forgiving search -----------------------


def test_names_are_folded_and_forgiven():
    assert names.fold("O’Connor-Smith") == "oconnorsmith"
    assert names.fold("Zoë") == "zoe"
    assert names.match_score("Murpy", ["Aoife", "Murphy", "", ""]) is not None
    assert names.match_score("oconnor", ["Liam", "O'Connor", "", ""]) == 0
    assert names.match_score("urph", ["Aoife", "Murphy", "", ""]) == 1
    assert names.match_score("Ali", ["Amy", "Jones", "", ""]) is None  # too short to forgive
    assert names.match_score("jnoes", ["Amy", "Jones", "", ""]) == 3  # two letters swapped
    assert names.match_score("murphy aoife", ["Aoife", "Murphy", "", ""]) == 0
    assert names.match_score("murphy zed", ["Aoife", "Murphy", "", ""]) is None
    assert names.match_score("  ", ["Aoife", "Murphy"]) is None
    assert names.distance("abcdefgh", "a", 2) == 3


def test_search_forgives_typos_and_punctuation_and_lists_flags(
    client_for, dsl, school, pupil, busy_child
):
    murphy = enrolled_pupil(school=school, legal_forename="Aoife", legal_surname="Murphy")
    oconnor = enrolled_pupil(school=school, legal_forename="Liam", legal_surname="O'Connor")
    enrolled_pupil(school=school, legal_forename="Amy", legal_surname="Jones")
    client = client_for(dsl)
    page = client.get(reverse("pupils:search"), {"q": "Murpy"}).content.decode()
    assert "Aoife Murphy" in page
    assert "Amy Jones" not in page
    page = client.get(reverse("pupils:search"), {"q": "oconnor"}).content.decode()
    assert "O&#x27;Connor" in page
    page = client.get(reverse("pupils:search"), {"q": murphy.upn.lower()}).content.decode()
    assert "Aoife Murphy" in page
    # Flags for every listed child in a fixed number of queries.
    with CaptureQueriesContext(connection) as few:
        listed = client.get(reverse("pupils:search")).content.decode()
    assert "Child protection plan" in listed
    assert "2 open concerns" in listed
    assert "2 open findings" in listed  # the child's own and the household's
    for _ in range(5):
        enrolled_pupil(school=school)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("pupils:search"))
    assert len(more) == len(few)
    assert oconnor.pk


def test_the_header_search_box_is_for_the_safeguarding_team_only(client_for, dsl, teacher):
    assert b'id="header-search-q"' in client_for(dsl).get(reverse("schools:home")).content
    assert b'id="header-search-q"' not in client_for(teacher).get(reverse("schools:home")).content


# --- The inbox ----------------------------------------------------------------------------------


def test_the_inbox_names_each_child_and_groups_due_work(client_for, dsl, pupil, busy_child):
    from concerns.models import Decision

    Decision.objects.filter(concern=busy_child["monitored"]).update(
        review_date=timezone.localdate() - timedelta(days=1)
    )
    page = client_for(dsl).get(reverse("concerns:inbox")).content.decode()
    actions = page.split('id="overdue-actions"', 1)[1].split("</details>", 1)[0]
    assert "Overdue actions: 1" in actions
    assert pupil.display_name in actions
    assert "Overdue" in actions
    reviews = page.split('id="reviews-due"', 1)[1].split("</details>", 1)[0]
    assert "Monitoring reviews due: 1" in reviews
    assert pupil.display_name in reviews
    assert "Overdue" in reviews


def test_an_empty_inbox_says_none_for_each_kind(client_for, dsl):
    page = client_for(dsl).get(reverse("concerns:inbox")).content.decode()
    assert "Overdue actions: none." in page
    assert "Monitoring reviews due: none." in page
    assert "Casework overdue: none." in page


# --- Findings a DSL can read --------------------------------------------------------------------


def test_evidence_rows_show_date_kind_role_and_the_records_own_words(
    client_for, dsl, school, teacher, pupil
):
    concern = make_concern(author=teacher, pupil=pupil, facts="Came in with no coat " * 20)
    decision = make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    finding = FindingFactory(
        school=school,
        pupil=pupil,
        detail="2 signs (neglect_sign, hunger).",
        evidence=[
            {"kind": "concern", "id": str(concern.pk), "date": "2025-01-13"},
            {"kind": "decision", "id": str(decision.pk), "date": "2025-01-14"},
            {"kind": "attendance", "id": "from-a-file", "date": "2025-01-15"},
        ],
    )
    page = client_for(dsl).get(reverse("patterns:detail", args=[finding.pk])).content.decode()
    assert "13 Jan 2025" in page
    assert "14 Jan 2025" in page
    assert "By the member of staff" in page
    assert "By the designated safeguarding lead" in page
    assert "“Came in with no coat Came in" in page
    assert "…”" in page
    assert "Monitor: Pattern of neglect" in page
    assert "You cannot open this record." in page
    assert str(concern.pk) not in page.replace(f"/concerns/{concern.pk}/", "")
    assert "a sign of neglect" in page
    assert "neglect_sign" not in page
    assert "cumulative-neglect" not in page.replace("/cumulative-neglect/", "")


def test_a_household_finding_is_named_by_its_children(client_for, dsl, school, pupil, busy_child):
    from patterns.models import Finding

    household = Finding.objects.get(subject_kind=FindingSubject.HOUSEHOLD)
    page = client_for(dsl).get(reverse("patterns:detail", args=[household.pk])).content.decode()
    assert "About the household of" in page
    assert "Bea Testchild" in page
    inbox = client_for(dsl).get(reverse("patterns:inbox")).content.decode()
    assert "The household of" in inbox
