"""Detectors over what happened around the child (issue 17's casework records): missing from
education, a child not seen, parents who do not engage, answers to challenge; and the injuries,
voice and neglect detectors reading the parents' explanations and missed health appointments.
Each raised on its pattern, quiet on its near-miss, its evidence named, and every window and
threshold tested at its edge and one past it."""

import dataclasses

import pytest

from patterns.detectors.education import (
    ChildNotSeenSettings,
    MissingEducationSettings,
    child_not_seen,
    missing_education,
)
from patterns.detectors.engagement import (
    EscalationSettings,
    ParentEngagementSettings,
    escalation_needed,
    parent_non_engagement,
)
from patterns.detectors.injury import InjuryPatternSettings, injury_pattern
from patterns.detectors.neglect import (
    CumulativeNeglectSettings,
    PersistentNeglectSettings,
    cumulative_neglect,
    persistent_neglect,
)
from patterns.detectors.voice import VoiceAbsentSettings, voice_absent
from patterns.facts import DecisionKind, LeavingReason, RollFact
from patterns.registry import Severity
from patterns.tests.builders import (
    absence,
    at,
    concern,
    contact,
    d,
    days,
    decision,
    engagement,
    household_child,
    leaving,
    plan,
    pupil,
    stage,
    voice,
)

CME = LeavingReason.CHILD_MISSING_EDUCATION


def _kinds(raised):
    return [(e.kind, e.id) for e in raised.evidence]


# ---- missing from education -------------------------------------------------------------------


def test_leaving_for_home_education_soon_after_concerns():
    child = pupil(
        concerns=(concern("c1", "2024-10-08", "neglect"), concern("c2", "2024-12-04", "hunger")),
        leavings=(leaving("l1", "2025-02-06"),),
    )
    [raised] = missing_education(child, as_of=d("2025-02-06"), config=MissingEducationSettings())
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "Left the roll on 6 Feb 2025 (elective home education): 2 concerns between 8 Oct 2024 "
        "and 4 Dec 2024."
    )
    assert ("leaving", "l1") in _kinds(raised)
    assert ("concern", "c2") in _kinds(raised)


def test_leaving_while_concerns_open_or_on_a_plan_asks_for_a_review_now():
    config = MissingEducationSettings()
    open_ = pupil(leavings=(leaving("l1", "2025-02-06", "moved_away", open_concerns=1),))
    [raised] = missing_education(open_, as_of=d("2025-02-07"), config=config)
    assert raised.severity is Severity.REVIEW_NOW
    assert "moved away, destination unknown" in raised.detail
    assert "1 concern still open" in raised.detail
    on_plan = pupil(
        leavings=(leaving("l1", "2025-02-06", "cme"),),
        plans=(plan("pl1", "2024-09-01"), plan("pl0", "2023-01-01", "2023-06-01")),
    )
    [raised] = missing_education(on_plan, as_of=d("2025-02-07"), config=config)
    assert raised.severity is Severity.REVIEW_NOW
    assert raised.detail.endswith("while on a plan.")
    assert ("plan", "pl1") in _kinds(raised)


def test_leaving_for_a_named_school_or_with_nothing_recorded_is_quiet():
    config = MissingEducationSettings()
    named = pupil(
        concerns=(concern("c1", "2025-01-08", "hunger"),),
        leavings=(leaving("l1", "2025-02-06", "moved_school", open_concerns=1),),
    )
    assert missing_education(named, as_of=d("2025-02-07"), config=config) == []
    nothing = pupil(leavings=(leaving("l1", "2025-02-06"),))
    assert missing_education(nothing, as_of=d("2025-02-07"), config=config) == []


@pytest.mark.parametrize(("concern_days", "raised"), [(183, True), (182, False)])
def test_leaving_concern_window_edge(concern_days, raised):
    # 8 Aug 2024 to 6 Feb 2025 is 183 days counting both.
    child = pupil(
        concerns=(concern("c1", "2024-08-08", "hunger"),), leavings=(leaving("l1", "2025-02-06"),)
    )
    config = MissingEducationSettings(concern_days=concern_days)
    assert bool(missing_education(child, as_of=d("2025-02-06"), config=config)) is raised


@pytest.mark.parametrize(("as_of", "raised"), [("2025-05-06", True), ("2025-05-07", False)])
def test_leaving_stays_current_for_its_window(as_of, raised):
    child = pupil(leavings=(leaving("l1", "2025-02-06", open_concerns=1),))
    found = missing_education(child, as_of=d(as_of), config=MissingEducationSettings())
    assert bool(found) is raised


def test_a_roll_ending_counts_once_beside_the_casework_leaving():
    ended = RollFact("e1", "p1", "s1", d("2020-09-01"), at("2025-02-06"), d("2025-02-06"), CME)
    earlier = dataclasses.replace(ended, id="e0", end_date=d("2025-01-06"))
    child = pupil(
        concerns=(concern("c1", "2024-12-04", "hunger"),),
        roll=(ended, earlier),
        leavings=(leaving("l1", "2025-02-06", "cme"),),
    )
    found = missing_education(child, as_of=d("2025-02-06"), config=MissingEducationSettings())
    assert [r.evidence[-1].kind for r in found] == ["enrolment", "leaving"]
    assert "referred as a child missing education" in found[1].detail
    open_roll = dataclasses.replace(ended, end_date=None, end_reason=None)
    quiet = missing_education(
        pupil(roll=(open_roll,)), as_of=d("2025-02-06"), config=MissingEducationSettings()
    )
    assert quiet == []


@pytest.mark.parametrize(
    ("as_of", "raised"),
    [("2025-04-01", False), ("2025-04-02", True), ("2025-06-28", True), ("2025-06-29", False)],
)
def test_not_back_when_expected_after_the_grace_day(as_of, raised):
    child = pupil(absences=(absence("aa1", "2025-03-17", "2025-03-31"),))
    found = missing_education(child, as_of=d(as_of), config=MissingEducationSettings())
    assert bool(found) is raised
    if found:
        assert found[0].severity is Severity.REVIEW
        assert found[0].detail.startswith("Not back from an agreed absence: expected on 31 Mar")


def test_not_back_with_concerns_or_returned_or_long_ago():
    config = MissingEducationSettings()
    worried = pupil(
        concerns=(concern("c1", "2024-11-14", "honour_based_abuse", words="I'm scared"),),
        absences=(absence("aa1", "2025-03-17", "2025-03-31"),),
    )
    [raised] = missing_education(worried, as_of=d("2025-04-02"), config=config)
    assert raised.severity is Severity.REVIEW_NOW
    assert raised.detail == (
        "Not back from an agreed absence: expected on 31 Mar 2025, 2 days ago, with 1 concern "
        "on 14 Nov 2024."
    )
    back = pupil(absences=(absence("aa1", "2025-03-17", "2025-03-31", returned="2025-03-31"),))
    assert missing_education(back, as_of=d("2025-04-10"), config=config) == []
    old = pupil(absences=(absence("aa1", "2024-09-02", "2024-09-09"),))
    assert missing_education(old, as_of=d("2025-04-10"), config=config) == []


@pytest.mark.parametrize(
    ("born", "raised"),
    [("2020-05-12", True), ("2020-05-13", False), ("2009-05-13", True), ("2009-05-12", False)],
)
def test_a_household_child_of_school_age_on_no_roll_age_edges(born, raised):
    child = pupil(household_children=(household_child("hc1", born, "2025-05-12"),))
    found = missing_education(child, as_of=d("2025-05-12"), config=MissingEducationSettings())
    assert bool(found) is raised


def test_household_children_on_no_roll_named_and_counted():
    config = MissingEducationSettings()
    two = pupil(
        household_children=(
            household_child("hc1", "2015-09-01", "2025-05-12"),
            household_child("hc2", "2017-01-01", "2025-05-12"),
            household_child("hc3", "2016-01-01", "2025-05-12", setting="school"),
        )
    )
    [raised] = missing_education(two, as_of=d("2025-05-12"), config=config)
    assert raised.severity is Severity.REVIEW
    assert (
        raised.detail == "2 children of the household of school age (aged 9, 8) on no school roll."
    )
    assert _kinds(raised) == [("household_child", "hc1"), ("household_child", "hc2")]
    one = pupil(household_children=(household_child("hc1", "2015-09-01", "2025-05-12"),))
    [raised] = missing_education(one, as_of=d("2025-05-12"), config=config)
    assert raised.detail.startswith("A child of the household of school age (aged 9)")


# ---- child not seen ---------------------------------------------------------------------------


def _off(first: str, last: str, **counts):
    return (*days("2025-01-06", "2025-02-28"), *days(first, last, authorised=2, **counts))


def test_not_seen_for_a_week_while_concerns_are_open():
    child = pupil(
        concerns=(concern("c1", "2025-01-22", "physical_abuse"),),
        attendance=_off("2025-03-03", "2025-03-07"),
    )
    [raised] = child_not_seen(child, as_of=d("2025-03-07"), config=ChildNotSeenSettings())
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "Not seen in school for 5 school days, from 3 Mar 2025 to 7 Mar 2025, with 1 concern on "
        "22 Jan 2025."
    )
    assert ("attendance", "p1:2025-03-03") in _kinds(raised)
    assert ("concern", "c1") in _kinds(raised)


@pytest.mark.parametrize(("run", "raised"), [(5, True), (6, False)])
def test_not_seen_with_concerns_run_edge(run, raised):
    child = pupil(
        concerns=(concern("c1", "2025-01-22", "neglect"),),
        attendance=_off("2025-03-03", "2025-03-07"),
    )
    config = ChildNotSeenSettings(with_concerns_days=run)
    assert bool(child_not_seen(child, as_of=d("2025-03-07"), config=config)) is raised


@pytest.mark.parametrize(("run", "raised"), [(20, True), (21, False)])
def test_not_seen_without_concerns_run_edge(run, raised):
    child = pupil(attendance=_off("2025-03-03", "2025-03-28"))
    config = ChildNotSeenSettings(without_concerns_days=run)
    found = child_not_seen(child, as_of=d("2025-03-28"), config=config)
    assert bool(found) is raised
    if found:
        assert found[0].severity is Severity.REVIEW


def test_not_seen_long_or_unexplained_while_concerns_open_asks_for_a_review_now():
    concerns = (concern("c1", "2025-02-20", "neglect"),)
    config = ChildNotSeenSettings()
    long = pupil(concerns=concerns, attendance=_off("2025-03-03", "2025-03-28"))
    [raised] = child_not_seen(long, as_of=d("2025-03-28"), config=config)
    assert raised.severity is Severity.REVIEW_NOW
    unexplained = pupil(
        concerns=concerns, attendance=_off("2025-03-03", "2025-03-07", unexplained=2)
    )
    [raised] = child_not_seen(unexplained, as_of=d("2025-03-07"), config=config)
    assert raised.severity is Severity.REVIEW_NOW


def test_seeing_the_child_or_hearing_their_words_breaks_the_run():
    concerns = (concern("c1", "2025-02-20", "neglect"),)
    config = ChildNotSeenSettings()
    heard = pupil(
        concerns=concerns,
        attendance=_off("2025-03-03", "2025-03-07"),
        voice=(voice("v1", "2025-03-05", "I'm poorly"),),
    )
    assert child_not_seen(heard, as_of=d("2025-03-07"), config=config) == []
    words = pupil(
        concerns=(*concerns, concern("c2", "2025-03-04", "other", words="I'm ok")),
        attendance=_off("2025-03-03", "2025-03-07"),
    )
    assert child_not_seen(words, as_of=d("2025-03-07"), config=config) == []
    seen_since = pupil(
        concerns=concerns,
        attendance=_off("2025-03-03", "2025-03-07"),
        voice=(voice("v1", "2025-03-08", "home visit"),),
    )
    assert child_not_seen(seen_since, as_of=d("2025-03-08"), config=config) == []
    in_school = pupil(concerns=concerns, attendance=days("2025-01-06", "2025-03-07"))
    assert child_not_seen(in_school, as_of=d("2025-03-07"), config=config) == []
    assert child_not_seen(pupil(concerns=concerns), as_of=d("2025-03-07"), config=config) == []


@pytest.mark.parametrize(("as_of", "raised"), [("2025-03-14", True), ("2025-03-15", False)])
def test_a_register_gone_quiet_is_not_current(as_of, raised):
    child = pupil(
        concerns=(concern("c1", "2025-02-20", "neglect"),),
        attendance=_off("2025-03-03", "2025-03-07"),
    )
    assert bool(child_not_seen(child, as_of=d(as_of), config=ChildNotSeenSettings())) is raised


def test_a_household_child_nobody_has_seen():
    config = ChildNotSeenSettings()
    worried = pupil(
        concerns=(concern("c1", "2025-04-28", "clothing"),),
        household_children=(household_child("hc1", "2015-09-01", "2025-05-12"),),
    )
    [raised] = child_not_seen(worried, as_of=d("2025-05-12"), config=config)
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "A child of the household aged 9, in no setting, never recorded as seen by a "
        "professional; 1 concern about this child on 28 Apr 2025."
    )
    assert _kinds(raised) == [("concern", "c1"), ("household_child", "hc1")]
    in_nursery = pupil(
        concerns=worried.concerns,
        household_children=(
            household_child("hc1", "2022-09-01", "2025-05-12", setting="early_years"),
        ),
    )
    assert child_not_seen(in_nursery, as_of=d("2025-05-12"), config=config) == []


@pytest.mark.parametrize(("as_of", "raised"), [("2025-07-19", True), ("2025-07-18", False)])
def test_a_household_child_unseen_without_concerns_waits_from_when_known(as_of, raised):
    # Known on 20 Jan 2025 (born 10 Jan); 180 days later is 19 Jul 2025.
    child = pupil(household_children=(household_child("hc1", "2025-01-10", "2025-01-20"),))
    found = child_not_seen(child, as_of=d(as_of), config=ChildNotSeenSettings())
    assert bool(found) is raised
    if found:
        assert found[0].severity is Severity.CONSIDER


@pytest.mark.parametrize(("as_of", "raised"), [("2025-11-16", True), ("2025-11-15", False)])
def test_a_household_child_last_seen_edge(as_of, raised):
    # Last seen 20 May 2025; 180 days later is 16 Nov 2025.
    child = pupil(
        household_children=(household_child("hc1", "2025-01-10", "2025-01-20", seen="2025-05-20"),)
    )
    found = child_not_seen(child, as_of=d(as_of), config=ChildNotSeenSettings())
    assert bool(found) is raised
    if found:
        assert "last seen by a professional on 20 May 2025" in found[0].detail


# ---- parent non-engagement --------------------------------------------------------------------


def test_appointments_missed_twice_is_considered():
    child = pupil(
        engagement=(
            engagement("g1", "2024-10-15", "missed", appointment="health"),
            engagement("g2", "2025-01-21", "cancelled", appointment="school"),
        )
    )
    [raised] = parent_non_engagement(
        child, as_of=d("2025-01-21"), config=ParentEngagementSettings()
    )
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == (
        "The parents' engagement between 15 Oct 2024 and 21 Jan 2025: 2 appointments missed or "
        "cancelled."
    )
    assert _kinds(raised) == [("engagement", "g1"), ("engagement", "g2")]


def test_one_missed_appointment_or_a_checked_explanation_is_quiet():
    config = ParentEngagementSettings()
    once = pupil(engagement=(engagement("g1", "2024-10-15", "missed", appointment="health"),))
    assert parent_non_engagement(once, as_of=d("2025-01-21"), config=config) == []
    checked = pupil(
        engagement=(
            engagement("g1", "2024-10-15", "hostility"),
            engagement("g2", "2024-10-16", "explanation", explained="injury", checked="consistent"),
        )
    )
    assert parent_non_engagement(checked, as_of=d("2025-01-21"), config=config) == []


def test_refused_access_alone_asks_for_a_review_and_with_concerns_now():
    config = ParentEngagementSettings()
    refused = pupil(engagement=(engagement("g1", "2025-02-12", "refused"),))
    [raised] = parent_non_engagement(refused, as_of=d("2025-02-12"), config=config)
    assert raised.severity is Severity.REVIEW
    assert raised.detail == "The parents' engagement on 12 Feb 2025: access refused 1 time."
    worried = dataclasses.replace(refused, concerns=(concern("c1", "2025-01-10", "hunger"),))
    [raised] = parent_non_engagement(worried, as_of=d("2025-02-12"), config=config)
    assert raised.severity is Severity.REVIEW_NOW
    assert raised.detail.endswith("; 1 concern about the child in the same months.")


def test_two_kinds_of_non_engagement_ask_for_a_review():
    child = pupil(
        engagement=(
            engagement("g1", "2025-03-05", "hostility"),
            engagement(
                "g2", "2025-03-06", "explanation", explained="absence", checked="not_checked"
            ),
        )
    )
    [raised] = parent_non_engagement(
        child, as_of=d("2025-03-06"), config=ParentEngagementSettings()
    )
    assert raised.severity is Severity.REVIEW
    assert "1 episode of hostility towards staff; 1 explanation never checked" in raised.detail


@pytest.mark.parametrize(("window", "raised"), [(99, True), (98, False)])
def test_parent_engagement_window_edge(window, raised):
    # 15 Oct 2024 to 21 Jan 2025 is 99 days counting both.
    child = pupil(
        engagement=(
            engagement("g1", "2024-10-15", "missed", appointment="health"),
            engagement("g2", "2025-01-21", "missed", appointment="health"),
        )
    )
    config = ParentEngagementSettings(window_days=window)
    assert bool(parent_non_engagement(child, as_of=d("2025-01-21"), config=config)) is raised


# ---- escalation needed ------------------------------------------------------------------------


def _answered(answer: str = "nfa", agrees: bool | None = True):
    return contact(
        "a1", "2024-09-25", decision="d1", answer=answer, answered="2024-10-08", agrees=agrees
    )


def test_no_further_action_then_new_concerns():
    child = pupil(contacts=(_answered(),), concerns=(concern("c3", "2024-12-02", "hygiene"),))
    [raised] = escalation_needed(child, as_of=d("2024-12-02"), config=EscalationSettings())
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "Children's social care answered \u201cno further action\u201d on 8 Oct 2024; "
        "1 new concern since, on 2 Dec 2024."
    )
    assert _kinds(raised) == [("agency_contact", "a1"), ("concern", "c3")]
    more = dataclasses.replace(
        child, concerns=(*child.concerns, concern("c4", "2025-01-29", "late_collection"))
    )
    [raised] = escalation_needed(more, as_of=d("2025-01-29"), config=EscalationSettings())
    assert raised.severity is Severity.REVIEW_NOW


def test_an_answer_challenged_or_not_closing_or_nothing_new_is_quiet():
    config = EscalationSettings()
    new = (concern("c3", "2024-12-02", "hygiene"),)
    stages = (stage("s1", "2024-10-10"),)
    challenged = pupil(contacts=(_answered(),), concerns=new, escalation_stages=stages)
    assert escalation_needed(challenged, as_of=d("2024-12-02"), config=config) == []
    accepted = pupil(contacts=(_answered("accepted"),), concerns=new)
    assert escalation_needed(accepted, as_of=d("2024-12-02"), config=config) == []
    waiting = pupil(contacts=(contact("a1", "2024-09-25"),), concerns=new)
    assert escalation_needed(waiting, as_of=d("2024-12-02"), config=config) == []
    before = pupil(contacts=(_answered(),), concerns=(concern("c0", "2024-09-20", "hygiene"),))
    assert escalation_needed(before, as_of=d("2024-12-02"), config=config) == []


@pytest.mark.parametrize(("window", "raised"), [(56, True), (55, False)])
def test_escalation_window_edge(window, raised):
    # 8 Oct to 2 Dec 2024 is 56 days counting both.
    child = pupil(contacts=(_answered(),), concerns=(concern("c3", "2024-12-02", "hygiene"),))
    config = EscalationSettings(window_days=window)
    assert bool(escalation_needed(child, as_of=d("2024-12-02"), config=config)) is raised


@pytest.mark.parametrize(("as_of", "raised"), [("2024-10-13", False), ("2024-10-14", True)])
def test_a_disagreement_not_challenged_after_the_challenge_days(as_of, raised):
    child = pupil(contacts=(_answered("no_concerns", agrees=False),))
    found = escalation_needed(child, as_of=d(as_of), config=EscalationSettings())
    assert bool(found) is raised
    if found:
        assert found[0].severity is Severity.REVIEW
        assert found[0].detail == (
            "Children's social care answered \u201cno concerns\u201d on 8 Oct 2024; the school "
            "disagreed and no escalation has been opened."
        )


def test_a_disagreement_with_new_concerns_asks_for_a_review_now():
    child = pupil(
        contacts=(
            contact(
                "a1",
                "2024-09-25",
                agency="police",
                answer="early_help",
                answered="2024-10-08",
                agrees=False,
            ),
        ),
        concerns=(concern("c3", "2024-10-09", "hunger"),),
    )
    [raised] = escalation_needed(child, as_of=d("2024-10-09"), config=EscalationSettings())
    assert raised.severity is Severity.REVIEW_NOW
    assert raised.detail.startswith("The police answered \u201credirected to early help\u201d")


@pytest.mark.parametrize(("unseen", "raised"), [(5, True), (6, False)])
def test_an_answer_then_the_child_not_seen(unseen, raised):
    child = pupil(
        contacts=(contact("a1", "2025-02-10", answer="nfa", answered="2025-02-20"),),
        attendance=_off("2025-03-03", "2025-03-07"),
    )
    config = EscalationSettings(unseen_days=unseen)
    found = escalation_needed(child, as_of=d("2025-03-07"), config=config)
    assert bool(found) is raised
    if found:
        assert found[0].severity is Severity.REVIEW_NOW
        assert "not seen in school for 5 school days since" in found[0].detail


def test_new_concerns_need_not_count():
    child = pupil(contacts=(_answered(),), concerns=(concern("c3", "2024-12-02", "hygiene"),))
    config = EscalationSettings(min_new_concerns=0)
    assert escalation_needed(child, as_of=d("2024-12-02"), config=config) == []


@pytest.mark.parametrize(("as_of", "raised"), [("2025-02-25", False), ("2025-02-26", True)])
def test_a_referral_decided_but_not_made(as_of, raised):
    child = pupil(decisions=(decision("d1", "2025-02-24", DecisionKind.REFERRAL),))
    found = escalation_needed(child, as_of=d(as_of), config=EscalationSettings())
    assert bool(found) is raised
    if found:
        assert found[0].severity is Severity.REVIEW_NOW
        assert found[0].detail == (
            "The DSL decided on 24 Feb 2025 to refer to children's social care; no contact "
            "making the referral is recorded."
        )
        assert _kinds(found[0]) == [("decision", "d1")]


def test_a_referral_made_answered_or_long_ago_is_quiet():
    config = EscalationSettings()
    referral = decision("d1", "2025-02-24", DecisionKind.REFERRAL)
    linked = pupil(decisions=(referral,), contacts=(contact("a1", "2025-02-20", decision="d1"),))
    assert escalation_needed(linked, as_of=d("2025-03-10"), config=config) == []
    sent = pupil(decisions=(referral,), contacts=(contact("a1", "2025-02-25"),))
    assert escalation_needed(sent, as_of=d("2025-03-10"), config=config) == []
    earlier = pupil(decisions=(referral,), contacts=(contact("a1", "2025-02-20"),))
    assert escalation_needed(earlier, as_of=d("2025-03-10"), config=config)
    asked = pupil(decisions=(referral,), contacts=(contact("a1", "2025-02-25", purpose="asked"),))
    assert escalation_needed(asked, as_of=d("2025-03-10"), config=config)
    answered = pupil(
        decisions=(decision("d1", "2025-02-24", DecisionKind.REFERRAL, outcome="2025-02-28"),)
    )
    assert escalation_needed(answered, as_of=d("2025-03-10"), config=config) == []
    monitor = pupil(decisions=(decision("d1", "2025-02-24", DecisionKind.MONITOR),))
    assert escalation_needed(monitor, as_of=d("2025-03-10"), config=config) == []
    old = pupil(decisions=(referral,))
    assert escalation_needed(old, as_of=d("2025-05-25"), config=config) == []
    assert escalation_needed(old, as_of=d("2025-05-24"), config=config)


# ---- injuries, voice and neglect read the casework records ------------------------------------


def _injuries_explained(checked: str):
    return pupil(
        concerns=(
            concern("c1", "2024-10-14", "injury", regions=("left_forearm",)),
            concern("c2", "2025-02-11", "injury", regions=("right_hand",)),
        ),
        engagement=(
            engagement("g1", "2024-10-15", "explanation", explained="injury", checked=checked),
            engagement("g2", "2025-02-11", "explanation", explained="injury", checked=checked),
        ),
    )


def test_injuries_with_parents_explanations_never_checked():
    [raised] = injury_pattern(
        _injuries_explained("not_checked"), as_of=d("2025-02-11"), config=InjuryPatternSettings()
    )
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "2 injuries recorded between 14 Oct 2024 and 11 Feb 2025; 2 explanations never checked; "
        "2 injuries explained only by a parent."
    )
    assert ("engagement", "g1") in _kinds(raised)


def test_injuries_with_explanations_that_do_not_fit():
    [raised] = injury_pattern(
        _injuries_explained("inconsistent"), as_of=d("2025-02-11"), config=InjuryPatternSettings()
    )
    assert "2 explanations checked and found not to fit" in raised.detail


@pytest.mark.parametrize(("days_after", "parent_only"), [(7, True), (8, False)])
def test_a_parents_explanation_counts_within_its_days(days_after, parent_only):
    child = pupil(
        concerns=(concern("c1", "2024-10-14", "injury"),),
        engagement=(
            engagement(
                "g1",
                f"2024-10-{14 + days_after}",
                "explanation",
                explained="injury",
                checked="consistent",
            ),
        ),
    )
    found = injury_pattern(child, as_of=d("2024-10-31"), config=InjuryPatternSettings())
    assert bool(found) is parent_only
    heard = voice_absent(child, as_of=d("2024-10-31"), config=VoiceAbsentSettings())
    assert bool(heard) is parent_only


def test_an_injury_explained_by_the_child_is_not_the_parents_only():
    child = pupil(
        concerns=(concern("c1", "2024-10-14", "injury", words="I fell off my bike"),),
        engagement=(
            engagement("g1", "2024-10-15", "explanation", explained="injury", checked="consistent"),
        ),
    )
    assert injury_pattern(child, as_of=d("2024-10-31"), config=InjuryPatternSettings()) == []
    assert voice_absent(child, as_of=d("2024-10-31"), config=VoiceAbsentSettings()) == []


def test_an_injury_beside_a_missed_health_appointment():
    child = pupil(
        concerns=(concern("c1", "2024-10-14", "injury"),),
        engagement=(engagement("g1", "2024-11-18", "missed", appointment="health"),),
    )
    [raised] = injury_pattern(child, as_of=d("2024-11-18"), config=InjuryPatternSettings())
    assert "1 concern about neglect on 18 Nov 2024" in raised.detail
    assert ("engagement", "g1") in _kinds(raised)


def test_missed_health_appointments_count_as_signs_of_neglect():
    child = pupil(
        concerns=(
            concern("c1", "2024-10-07", "untreated_health", author="t"),
            concern("c2", "2025-01-20", "untreated_health", author="t"),
        ),
        engagement=(
            engagement("g1", "2024-11-18", "missed", appointment="health"),
            engagement("g2", "2024-12-02", "missed", appointment="school"),
        ),
    )
    [raised] = persistent_neglect(child, as_of=d("2025-01-20"), config=PersistentNeglectSettings())
    assert "(missed_appointments, untreated_health) on 3 days" in raised.detail
    assert ("engagement", "g1") in _kinds(raised)
    assert ("engagement", "g2") not in _kinds(raised)
    weeks = pupil(
        concerns=(
            concern("c1", "2025-01-06", "hunger", author="t"),
            concern("c2", "2025-01-13", "hygiene", author="u"),
        ),
        engagement=(engagement("g1", "2025-01-15", "cancelled", appointment="health"),),
    )
    [raised] = cumulative_neglect(weeks, as_of=d("2025-01-15"), config=CumulativeNeglectSettings())
    assert raised.detail.startswith("3 concerns showing signs of neglect")


def test_a_register_with_no_day_in_school_is_one_run():
    child = pupil(
        concerns=(concern("c1", "2025-02-20", "neglect"),),
        attendance=days("2025-03-03", "2025-03-07", authorised=2),
    )
    [raised] = child_not_seen(child, as_of=d("2025-03-07"), config=ChildNotSeenSettings())
    assert raised.detail.startswith("Not seen in school for 5 school days, from 3 Mar 2025")
