"""The findings inbox and a finding's page, per role."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from patterns.models import FindingDecision, FindingSeverity
from patterns.tests.factories import FindingDecisionFactory, FindingFactory


@pytest.fixture
def finding(school, pupil):
    return FindingFactory(school=school, pupil=pupil)


def test_inbox_lists_the_schools_findings_most_urgent_first(
    client_for, dsl, school, pupil, finding
):
    FindingFactory(
        school=school, pupil=pupil, detector="injuries", severity=FindingSeverity.REVIEW_NOW
    )
    FindingFactory(school=school, pupil=pupil, detector="trio", stale=True)
    decided = FindingFactory(school=school, pupil=pupil, detector="start-again", stale=True)
    FindingDecisionFactory(finding=decided)
    response = client_for(dsl).get(reverse("patterns:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    injuries = body.index("Two or more injuries recorded")
    neglect = body.index("Several small signs of neglect")
    assert injuries < neglect
    # Aged out with nobody deciding: still listed, and says so.
    assert "Two or all three" in body
    assert "No longer current, not decided" in body
    assert "A case closed and then reopened" not in body  # decided and aged out: hidden
    stale = client_for(dsl).get(reverse("patterns:inbox"), {"stale": "1"}).content.decode()
    assert "A case closed and then reopened" in stale
    assert "No longer raised" in stale


def test_another_schools_dsl_sees_none_of_them(client_for, other_school_dsl, finding):
    client = client_for(other_school_dsl)
    assert "Several small signs" not in client.get(reverse("patterns:inbox")).content.decode()
    assert client.get(reverse("patterns:detail", args=[finding.pk])).status_code == 404


def test_a_finding_shows_its_evidence_and_explanation_and_the_read_is_audited(
    client_for, dsl, finding, pupil
):
    response = client_for(dsl).get(reverse("patterns:detail", args=[finding.pk]))
    body = response.content.decode()
    assert "Several small signs of neglect" in body
    assert "22 Jan 2025" in body  # the evidence row's date, in words
    assert "Does not mean: that the child is neglected" in body
    assert "Record your decision" in body
    event = AuditEvent.objects.get(action=AuditAction.FINDING_VIEWED)
    assert event.pupil_id == pupil.pk


def test_the_headteacher_reads_but_does_not_decide(client_for, headteacher, finding):
    client = client_for(headteacher)
    assert (
        "Record your decision"
        not in client.get(reverse("patterns:detail", args=[finding.pk])).content.decode()
    )
    response = client.post(
        reverse("patterns:detail", args=[finding.pk]), {"outcome": "acted_on", "action_taken": "x"}
    )
    assert response.status_code == 403
    assert not FindingDecision.objects.exists()


def test_deciding_not_a_concern_needs_a_reason(client_for, deputy_dsl, finding):
    client = client_for(deputy_dsl)
    url = reverse("patterns:detail", args=[finding.pk])
    response = client.post(url, {"outcome": "not_a_concern_now"})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    assert client.post(url, {}).status_code == 200  # no outcome chosen: the form says so
    response = client.post(
        url,
        {
            "outcome": "not_a_concern_now",
            "rationale": "Explained by a bereavement; school nurse involved.",
        },
    )
    assert response.status_code == 302
    decision = FindingDecision.objects.get()
    assert decision.decided_by == deputy_dsl
    page = client.get(url).content.decode()
    assert "Not a concern now by" in page
    assert "Explained by a bereavement" in page
    assert "None yet" not in client.get(reverse("patterns:inbox")).content.decode()


def test_new_evidence_is_marked_on_a_finding_raised_again(client_for, dsl, school, pupil, finding):
    finding.is_current = False
    finding.save()
    again = FindingFactory(
        school=school,
        pupil=pupil,
        supersedes=finding,
        evidence=[*finding.evidence, {"kind": "concern", "id": "c4", "date": "2025-02-10"}],
        new_evidence=[{"kind": "concern", "id": "c4", "date": "2025-02-10"}],
    )
    assert "New evidence" in client_for(dsl).get(reverse("patterns:inbox")).content.decode()
    body = client_for(dsl).get(reverse("patterns:detail", args=[again.pk])).content.decode()
    assert body.count(">New</strong>") == 1


def test_a_household_finding_and_an_unknown_detector_still_render(client_for, dsl, school):
    household = FindingFactory(
        school=school,
        pupil=None,
        subject_kind="household",
        household_id="h1",
        detector="retired-detector",
    )
    response = client_for(dsl).get(reverse("patterns:detail", args=[household.pk]))
    assert response.status_code == 200
    assert "About a household" in response.content.decode()


def test_the_dsl_changes_a_detectors_thresholds(client_for, dsl, school):
    from patterns.models import DetectorSettings

    client = client_for(dsl)
    page = client.get(reverse("patterns:settings")).content.decode()
    assert "Several small signs of neglect" in page
    assert "On, defaults" in page
    url = reverse("patterns:settings_edit", args=["cumulative-neglect"])
    form = client.get(url).content.decode()
    assert "Default: 3." in form
    assert "from ≥ 2 staff" in form
    data = {
        "enabled": "on",
        "min_signs": "4",
        "window_days": "42",
        "min_adults": "2",
        "review_at": "5",
        "late_days": "3",
        "indicators": "hunger, hygiene, clothing",
    }
    assert client.post(url, data).status_code == 302
    row = DetectorSettings.objects.get(school=school, detector="cumulative-neglect")
    assert row.values == {"min_signs": 4, "indicators": ["clothing", "hunger", "hygiene"]}
    assert "On, thresholds changed" in client.get(reverse("patterns:settings")).content.decode()
    response = client.post(url, {**data, "min_signs": "-1"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()


def test_the_dsl_turns_a_detector_off_and_checkbox_settings_work(client_for, deputy_dsl, school):
    from patterns.models import DetectorSettings

    client = client_for(deputy_dsl)
    url = reverse("patterns:settings_edit", args=["injuries"])
    data = {"min_injuries": "2", "window_days": "42", "non_mobile_window_days": "365"}
    assert client.post(url, data).status_code == 302  # unticked: off, and non-mobile rule off
    row = DetectorSettings.objects.get(school=school, detector="injuries")
    assert row.enabled is False
    assert row.values == {"non_mobile_any": False}
    assert "Off" in client.get(reverse("patterns:settings")).content.decode()
    assert client.get(url).status_code == 200
    trio = reverse("patterns:settings_edit", args=["trio"])
    trio_data = {
        "enabled": "on",
        "window_days": "365",
        "min_parts": "2",
        "domestic_abuse": "none",
        "parental_mental_health": "",
        "parental_substance_misuse": "x",
    }
    assert client.post(trio, trio_data).status_code == 302
    assert DetectorSettings.objects.get(detector="trio").values["domestic_abuse"] == []


def test_an_unknown_detector_is_404_and_others_may_not_change_settings(
    client_for, dsl, headteacher
):
    assert client_for(dsl).get(reverse("patterns:settings_edit", args=["nope"])).status_code == 404
    assert client_for(headteacher).get(reverse("patterns:settings")).status_code == 403


def test_each_evidence_row_links_to_its_record_where_the_viewer_may_open_it(
    client_for, dsl, headteacher, school, pupil, other_school_dsl
):
    from datetime import date

    from concerns import services as concern_services
    from concerns.models import ChildPresent, Outcome
    from concerns.tests.factories import make_concern, staff_member
    from voice.tests.factories import SupportStatusFactory, VoiceEntryFactory

    teacher = staff_member(school=school)
    concern = make_concern(author=teacher, pupil=pupil)
    decision = concern_services.decision_record(
        actor=dsl,
        concern=concern,
        data=concern_services.DecisionInput(outcome=Outcome.NO_FURTHER_ACTION, rationale="Seen."),
    )
    elsewhere = make_concern(author=staff_member(school=other_school_dsl.school), pupil=pupil)
    entry = VoiceEntryFactory(pupil=pupil, recorded_by=dsl)
    status = SupportStatusFactory(pupil=pupil, recorded_by=dsl)
    notification = concern_services.encompass_record(
        actor=dsl,
        data=concern_services.EncompassInput(
            pupils=[pupil],
            police_reference="PN-3",
            occurred_at=concern.occurred_at,
            received_at=concern.written_at,
            child_present=ChildPresent.NO,
            welfare_check_on=date(2025, 1, 6),
        ),
    )
    action = concern_services.action_assign(
        actor=dsl, concern=concern, assignee=dsl, description="Food", due_on=date(2025, 1, 10)
    )
    incident = concern_services.behaviour_record(
        actor=teacher, pupil=pupil, occurred_at=concern.occurred_at, incident_type="Shouting"
    )
    hidden_entry = VoiceEntryFactory(pupil=pupil, recorded_by=other_school_dsl)
    evidence = [
        ("concern", concern.pk),
        ("decision", decision.pk),
        ("action", action.pk),
        ("behaviour", incident.pk),
        ("voice", hidden_entry.pk),
        ("factor:household", concern.pk),
        ("concern", elsewhere.pk),
        ("voice", entry.pk),
        ("cadence", status.pk),
        ("attendance", f"{pupil.pk}:2025-01-06"),
        ("encompass", notification.pk),
        ("concern", "c-from-a-file"),
    ]
    finding = FindingFactory(
        school=school,
        pupil=pupil,
        evidence=[{"kind": k, "id": str(i), "date": "2025-01-06"} for k, i in evidence],
    )
    body = client_for(dsl).get(reverse("patterns:detail", args=[finding.pk])).content.decode()
    concern_url = reverse("concerns:detail", args=[concern.pk])
    assert body.count(f'href="{concern_url}"') == 3  # the concern, its decision and action
    assert reverse("voice:entry", args=[hidden_entry.pk]) not in body  # not theirs to read
    assert "Household factor: household" in body
    assert reverse("concerns:detail", args=[elsewhere.pk]) not in body  # another school's
    assert f'href="{reverse("voice:entry", args=[entry.pk])}"' in body
    assert f'href="{reverse("voice:plan", args=[pupil.pk])}"' in body
    assert f'href="{reverse("attendance:pupil", args=[pupil.pk])}"' in body
    chronology = f'href="{reverse("chronology:pupil", args=[pupil.pk])}"'
    assert body.count(chronology) == 2  # the behaviour incident and Operation Encompass
    assert "Operation Encompass notification" in body
    assert '<td class="govuk-table__cell">Concern</td>' in body  # from a file: no link, no id
    # The headteacher reads the finding but Encompass is the DSL team's only.
    head = client_for(headteacher).get(reverse("patterns:detail", args=[finding.pk]))
    assert head.content.decode().count(chronology) == 1


def test_a_childs_findings_now_and_as_they_stood_on_a_date(client_for, dsl, school, pupil):
    """The child's findings page: those waiting now; with a date, the findings Cairn had raised
    by then with the decisions made by then, and what the records written by then show (a
    concern written later about an earlier day does not count). Audited each time."""
    import time_machine

    from concerns.tests.factories import make_concern, staff_member
    from patterns.tests.factories import FindingDecisionFactory

    assert pupil.enrolments.get().start_date < date(2025, 1, 13)
    other = staff_member(school=school)
    for day, author in (("2025-01-13", dsl), ("2025-01-20", other)):
        with time_machine.travel(datetime.fromisoformat(f"{day}T16:00+00:00"), tick=False):
            make_concern(
                author=author, pupil=pupil, occurred_at=datetime.fromisoformat(f"{day}T10:00+00:00")
            )
    # Seen on 27 Jan, written on 10 Feb: not known on 31 Jan.
    with time_machine.travel(datetime.fromisoformat("2025-02-10T16:00+00:00"), tick=False):
        make_concern(
            author=dsl, pupil=pupil, occurred_at=datetime.fromisoformat("2025-01-27T10:00+00:00")
        )
    first = FindingFactory(school=school, pupil=pupil, detector="injuries")
    FindingDecisionFactory(
        finding=first, decided_at=datetime.fromisoformat("2025-03-01T10:00+00:00")
    )
    client = client_for(dsl)
    url = reverse("patterns:pupil", args=[pupil.pk])
    with time_machine.travel(datetime.fromisoformat("2025-03-10T12:00+00:00"), tick=False):
        now = client.get(url).content.decode()
        assert "Findings</h1>" in now
        assert "Two or more injuries" in now  # decided, and still raised
        on_31 = client.get(url, {"on_day": "31", "on_month": "1", "on_year": "2025"})
        body = on_31.content.decode()
        assert "Findings as they stood on 31 January 2025" in body
        # Two concerns known by then: no pattern of three yet, from the records as written.
        assert "The records written by then raise nothing." in body
        assert "Cairn had raised no findings about this child by then." in body  # first on 3 Feb
    with time_machine.travel(datetime.fromisoformat("2025-03-10T12:00+00:00"), tick=False):
        on_12 = client.get(
            url, {"on_day": "12", "on_month": "2", "on_year": "2025"}
        ).content.decode()
    assert "Several small signs of neglect" in on_12  # the third concern was written by then
    assert "not decided by then" in on_12  # decided on 1 March
    events = AuditEvent.objects.filter(action=AuditAction.CHILD_FINDINGS_VIEWED, pupil_id=pupil.pk)
    assert [e.details["as_of"] for e in events.order_by("at")] == [None, "2025-01-31", "2025-02-12"]


def test_the_date_must_be_real_and_not_in_the_future(client_for, dsl, pupil):
    import time_machine

    url = reverse("patterns:pupil", args=[pupil.pk])
    with time_machine.travel(datetime.fromisoformat("2025-03-10T12:00+00:00"), tick=False):
        future = client_for(dsl).get(url, {"on_day": "11", "on_month": "3", "on_year": "2025"})
        wrong = client_for(dsl).get(url, {"on_day": "31", "on_month": "2", "on_year": "2025"})
    assert "The date must be today or in the past." in future.content.decode()
    assert "The date must be a real date." in wrong.content.decode()
    assert "Findings</h1>" in wrong.content.decode()


def test_a_finding_raised_again_shows_the_earlier_decisions(client_for, dsl, school, pupil):
    from patterns.tests.factories import FindingDecisionFactory

    earlier = FindingFactory(school=school, pupil=pupil, is_current=False)
    FindingDecisionFactory(finding=earlier, rationale="Coat lost on a school trip.")
    again = FindingFactory(school=school, pupil=pupil, supersedes=earlier)
    body = client_for(dsl).get(reverse("patterns:detail", args=[again.pk])).content.decode()
    assert "Earlier decisions on this pattern" in body
    assert "Coat lost on a school trip." in body
    # Sources named as a reader cites them, not as files.
    assert "national-reviews.md" not in body
    assert "Neglect: signs, symptoms and effects" in body


def test_as_they_stood_a_finding_raised_again_by_then_and_a_retired_detector(dsl, school, pupil):
    from patterns.selectors import findings_as_they_stood

    earlier = FindingFactory(school=school, pupil=pupil, is_current=False)
    FindingFactory(
        school=school,
        pupil=pupil,
        supersedes=earlier,
        first_raised_at=datetime.fromisoformat("2025-02-10T10:00+00:00"),
    )
    FindingFactory(school=school, pupil=pupil, detector="retired-detector")

    def stood(on: str):
        rows = findings_as_they_stood(viewer=dsl, pupil_id=pupil.pk, on=date.fromisoformat(on))
        return sorted((r["summary"], r["finding"].supersedes_id is not None) for r in rows)

    # On 5 Feb the first finding stood; by 10 Feb it had been raised again.
    assert stood("2025-02-05") == [
        ("Several small signs of neglect, from more than one adult, within a few weeks.", False),
        ("retired-detector", False),
    ]
    assert stood("2025-02-10") == [
        ("Several small signs of neglect, from more than one adult, within a few weeks.", True),
        ("retired-detector", False),
    ]


def test_the_home_count_is_the_dsl_teams_undecided_findings(dsl, teacher, school, pupil):
    """The home page's count: findings waiting for a decision, including one that aged out
    before anyone decided; nothing for staff outside the DSL team or with no membership."""
    from types import SimpleNamespace

    from django.template import Context, Template

    from patterns.tests.factories import FindingDecisionFactory

    FindingFactory(school=school, pupil=pupil)
    FindingFactory(school=school, pupil=pupil, detector="trio", stale=True)
    FindingDecisionFactory(finding=FindingFactory(school=school, pupil=pupil, detector="injuries"))
    template = Template("{% load findings_home %}{% findings_home_count as n %}{{ n }}")

    def count(membership):
        return template.render(Context({"request": SimpleNamespace(membership=membership)}))

    assert count(dsl) == "2"
    assert count(teacher) == "0"
    assert count(None) == "0"


def test_voice_distress_shows_the_childs_words_with_the_matches_marked(
    client_for, dsl, teacher, school, pupil
):
    """The finding page shows the child's words from each record, the matched words in <mark>,
    read with the school's own word lists; another record kind or one the viewer may not open
    shows nothing extra."""
    from concerns.tests.factories import make_concern
    from patterns.selectors import words_marked
    from patterns.services import detector_settings_set
    from voice.tests.factories import VoiceEntryFactory

    entry = VoiceEntryFactory(pupil=pupil, recorded_by=dsl, words="I was on my own, Miss.")
    concern = make_concern(author=dsl, pupil=pupil, child_words="I’m clemmed and STARVING")
    detector_settings_set(
        actor=dsl,
        school=school,
        detector="voice-distress",
        enabled=True,
        values={"hunger": ["starving", "clemmed*"]},
    )
    finding = FindingFactory(
        school=school,
        pupil=pupil,
        detector="voice-distress",
        evidence=[
            {"kind": "voice", "id": str(entry.pk), "date": "2025-01-10"},
            {"kind": "concern", "id": str(concern.pk), "date": "2025-01-11"},
            {"kind": "attendance", "id": f"{pupil.pk}:2025-01-12", "date": "2025-01-12"},
            {"kind": "voice", "id": "v-from-a-file", "date": "2025-01-12"},
        ],
    )
    body = client_for(dsl).get(reverse("patterns:detail", args=[finding.pk])).content.decode()
    assert "I was <mark>on my own</mark>, Miss." in body
    assert "I’m <mark>clemmed</mark> and <mark>STARVING</mark>" in body
    assert words_marked(viewer=teacher, finding=finding) == {}  # opens neither record
    assert words_marked(viewer=dsl, finding=FindingFactory(school=school, pupil=pupil)) == {}
    # A school that turned the detector off: the default lists still mark the words.
    detector_settings_set(
        actor=dsl, school=school, detector="voice-distress", enabled=False, values={}
    )
    assert ("on my own", True) in words_marked(viewer=dsl, finding=finding)[str(entry.pk)]
