"""Detectors over months and terms, for every child, and about the child's own voice: each
raised on its pattern, quiet on its near-miss, its evidence named, and every window, count and
cut-off tested at its edge and one past it (issue 21 item 5)."""

from datetime import timedelta

import pytest

from patterns.detectors.casework import (
    PriorHistorySettings,
    ReferralClosedAgainSettings,
    prior_history,
    referral_closed_again,
)
from patterns.detectors.household import TrioSettings, trio_child
from patterns.detectors.injury import InjuryPatternSettings, injury_pattern
from patterns.detectors.neglect import PersistentNeglectSettings, persistent_neglect
from patterns.detectors.voice import (
    VoiceAbsentSettings,
    VoiceDistressSettings,
    voice_absent,
    voice_distress,
)
from patterns.facts import DecisionKind
from patterns.registry import Severity
from patterns.tests.builders import concern, d, decision, factor, pupil, voice

# ---- persistent neglect ---------------------------------------------------------------------


def _months_of_signs(first: str = "2024-10-07"):
    """One teacher's notes: hunger in October, clothing in November, hunger again in January."""
    return pupil(
        concerns=(
            concern("c1", first, "hunger", author="t"),
            concern("c2", "2024-11-18", "clothing", author="t"),
            concern("c3", "2025-01-20", "hunger", author="t"),
        )
    )


def test_persistent_neglect_over_months_from_one_adult():
    [raised] = persistent_neglect(
        _months_of_signs(), as_of=d("2025-01-20"), config=PersistentNeglectSettings()
    )
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == (
        "3 concerns showing signs of neglect (clothing, hunger) on 3 days between 7 Oct 2024 "
        "and 20 Jan 2025, over 105 days, from 1 adult."
    )
    assert [e.id for e in raised.evidence] == ["c1", "c2", "c3"]
    more = pupil(
        concerns=(*_months_of_signs().concerns, concern("c4", "2025-02-03", "missed_appointments"))
    )
    [review] = persistent_neglect(more, as_of=d("2025-02-03"), config=PersistentNeglectSettings())
    assert review.severity is Severity.REVIEW


def test_persistent_neglect_quiet_on_two_signs_months_apart_or_one_bad_week():
    config = PersistentNeglectSettings()
    two = pupil(
        concerns=(concern("c1", "2024-10-07", "hunger"), concern("c2", "2025-03-10", "tiredness"))
    )
    assert persistent_neglect(two, as_of=d("2025-03-10"), config=config) == []
    week = pupil(concerns=tuple(concern(f"c{i}", f"2025-01-{13 + i}", "hunger") for i in range(3)))
    assert persistent_neglect(week, as_of=d("2025-01-16"), config=config) == []
    assert persistent_neglect(pupil(), as_of=d("2025-01-16"), config=config) == []


@pytest.mark.parametrize(("window", "raised"), [(106, True), (105, False)])
def test_persistent_neglect_window_edge(window, raised):
    # 7 Oct 2024 to 20 Jan 2025 is 106 days counting both.
    config = PersistentNeglectSettings(window_days=window)
    found = persistent_neglect(_months_of_signs(), as_of=d("2025-01-20"), config=config)
    assert bool(found) is raised


@pytest.mark.parametrize(("span", "raised"), [(105, True), (106, False)])
def test_persistent_neglect_span_edge(span, raised):
    config = PersistentNeglectSettings(min_span_days=span)
    found = persistent_neglect(_months_of_signs(), as_of=d("2025-01-20"), config=config)
    assert bool(found) is raised


@pytest.mark.parametrize(("dates", "raised"), [(3, True), (4, False)])
def test_persistent_neglect_days_edge(dates, raised):
    config = PersistentNeglectSettings(min_dates=dates)
    found = persistent_neglect(_months_of_signs(), as_of=d("2025-01-20"), config=config)
    assert bool(found) is raised


# ---- injuries over months -------------------------------------------------------------------

PARENT = "Mum said she fell over in the garden."


def test_injury_pattern_autumn_and_spring_with_a_parent_only_explanation():
    child = pupil(
        concerns=(
            concern(
                "i1", "2024-11-04", "injury", regions=("left_leg",), words="I fell off my bike"
            ),
            concern("i2", "2025-03-03", "injury", regions=("upper_back",), text=PARENT),
        )
    )
    [raised] = injury_pattern(child, as_of=d("2025-03-03"), config=InjuryPatternSettings())
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "2 injuries recorded between 4 Nov 2024 and 3 Mar 2025; 1 injury at a site unusual for "
        "accidents (upper back); 1 injury explained only by a parent."
    )
    assert [e.id for e in raised.evidence] == ["i1", "i2"]


def test_injury_pattern_alongside_neglect_and_unsuitable_explanations():
    child = pupil(
        concerns=(
            concern("n1", "2024-10-01", "hygiene"),
            concern("i1", "2025-01-10", "injury", explanation=False, regions=("head",)),
        )
    )
    [raised] = injury_pattern(child, as_of=d("2025-01-10"), config=InjuryPatternSettings())
    assert raised.severity is Severity.REVIEW  # two things noted about one injury
    assert "1 explanation recorded as unsuitable" in raised.detail
    assert "1 concern about neglect on 1 Oct 2024" in raised.detail
    assert {e.id for e in raised.evidence} == {"n1", "i1"}


def test_injury_pattern_an_active_childs_knocks_only_ask_to_consider():
    knocks = pupil(
        concerns=tuple(
            concern(f"k{i}", day, "injury", regions=("right_leg",), words="I fell at football")
            for i, day in enumerate(["2024-09-20", "2024-12-02", "2025-03-14"])
        )
    )
    [raised] = injury_pattern(knocks, as_of=d("2025-03-14"), config=InjuryPatternSettings())
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == "3 injuries recorded between 20 Sep 2024 and 14 Mar 2025."
    two = pupil(concerns=knocks.concerns[:2])
    assert injury_pattern(two, as_of=d("2025-03-14"), config=InjuryPatternSettings()) == []
    assert injury_pattern(pupil(), as_of=d("2025-03-14"), config=InjuryPatternSettings()) == []
    # A parent's words with the child's own account beside them are not "parent only".
    both = pupil(concerns=(concern("b1", "2025-03-14", "injury", text=PARENT, words="I fell"),))
    assert injury_pattern(both, as_of=d("2025-03-14"), config=InjuryPatternSettings()) == []


@pytest.mark.parametrize(("window", "raised"), [(151, True), (150, False)])
def test_injury_pattern_window_edge(window, raised):
    # The unusual-site injury on 14 Oct 2024 is day 151 of a window ending 13 Mar 2025.
    child = pupil(concerns=(concern("i1", "2024-10-14", "injury", regions=("neck",)),))
    config = InjuryPatternSettings(window_days=window)
    assert bool(injury_pattern(child, as_of=d("2025-03-13"), config=config)) is raised


@pytest.mark.parametrize(("count", "raised"), [(3, True), (4, False)])
def test_injury_pattern_count_edge(count, raised):
    knocks = pupil(
        concerns=tuple(concern(f"k{i}", f"2025-0{i + 1}-06", "injury") for i in range(3))
    )
    config = InjuryPatternSettings(min_injuries=count)
    assert bool(injury_pattern(knocks, as_of=d("2025-03-06"), config=config)) is raised


# ---- the trio for every child ---------------------------------------------------------------


def _family_factor(fid, day, indicator):
    return factor(fid, day, indicator, household="")


def test_trio_for_a_child_no_household_links():
    child = pupil(
        factors=(
            _family_factor("f1", "2025-01-08", "domestic_abuse_household"),
            _family_factor("f2", "2025-01-09", "parental_mental_health"),
        ),
        concerns=(concern("c1", "2025-01-20", "parental_substance_misuse"),),
    )
    [raised] = trio_child(child, as_of=d("2025-01-20"), config=TrioSettings())
    assert raised.severity is Severity.REVIEW_NOW
    assert raised.detail == (
        "Known for the child's family: domestic abuse, parental mental ill-health, parental "
        "substance misuse."
    )
    assert [(e.kind, e.id) for e in raised.evidence] == [
        ("factor:household", "f1"),
        ("factor:household", "f2"),
        ("concern", "c1"),
    ]
    two = pupil(factors=child.factors)
    [review] = trio_child(two, as_of=d("2025-01-20"), config=TrioSettings())
    assert review.severity is Severity.REVIEW
    one = pupil(factors=child.factors[:1])
    assert trio_child(one, as_of=d("2025-01-20"), config=TrioSettings()) == []
    # A child in a recorded household: the household's own finding covers it.
    housed = pupil(factors=child.factors, household_ids=frozenset({"h1"}))
    assert trio_child(housed, as_of=d("2025-01-20"), config=TrioSettings()) == []


@pytest.mark.parametrize(("window", "raised"), [(13, True), (12, False)])
def test_trio_child_window_edge(window, raised):
    child = pupil(
        factors=(
            _family_factor("f1", "2025-01-08", "domestic_abuse_household"),
            _family_factor("f2", "2025-01-09", "parental_mental_health"),
        )
    )
    config = TrioSettings(window_days=window)
    assert bool(trio_child(child, as_of=d("2025-01-20"), config=config)) is raised


# ---- voice absent ---------------------------------------------------------------------------


def _silent(n: int = 3):
    return tuple(concern(f"c{i}", f"2025-0{i + 1}-10", "hunger") for i in range(n))


def test_voice_absent_several_concerns_and_no_words():
    [raised] = voice_absent(
        pupil(concerns=_silent()), as_of=d("2025-03-10"), config=VoiceAbsentSettings()
    )
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == (
        "3 concerns between 10 Jan 2025 and 10 Mar 2025 and none of the child's own words "
        "recorded in the last 180 days."
    )
    five = pupil(concerns=tuple(concern(f"c{i}", f"2025-0{i + 1}-10", "hunger") for i in range(5)))
    [review] = voice_absent(five, as_of=d("2025-05-10"), config=VoiceAbsentSettings())
    assert review.severity is Severity.REVIEW


def test_voice_absent_quiet_when_the_child_was_heard():
    config = VoiceAbsentSettings()
    heard = pupil(concerns=_silent(), voice=(voice("v1", "2025-02-01"),))
    assert voice_absent(heard, as_of=d("2025-03-10"), config=config) == []
    spoke = pupil(concerns=(*_silent(2), concern("c9", "2025-03-10", "hunger", words="No tea")))
    assert voice_absent(spoke, as_of=d("2025-03-10"), config=config) == []
    # Behaviour incidents and police notifications are not concerns someone wrote with the child.
    other = pupil(
        concerns=(*_silent(2), concern("b1", "2025-03-10", "behaviour_change", kind="behaviour"))
    )
    assert voice_absent(other, as_of=d("2025-03-10"), config=config) == []


def test_voice_absent_after_an_injury_only_the_parents_account():
    config = VoiceAbsentSettings()
    injured = pupil(concerns=(concern("i1", "2025-03-03", "injury", text=PARENT),))
    [raised] = voice_absent(injured, as_of=d("2025-03-03"), config=config)
    assert raised.detail == (
        "1 injury on 3 Mar 2025 explained only by a parent, with no account from the child."
    )
    assert [e.id for e in raised.evidence] == ["i1"]
    later = pupil(concerns=injured.concerns, voice=(voice("v1", "2025-03-04"),))
    assert voice_absent(later, as_of=d("2025-03-04"), config=config) == []
    both = pupil(concerns=(*_silent(), concern("i1", "2025-03-10", "injury", text=PARENT)))
    [review] = voice_absent(both, as_of=d("2025-03-10"), config=config)
    assert review.severity is Severity.REVIEW
    assert [e.id for e in review.evidence] == ["c0", "c1", "c2", "i1"]


@pytest.mark.parametrize(("window", "raised"), [(60, True), (59, False)])
def test_voice_absent_window_edge(window, raised):
    # 10 Jan to 10 Mar 2025 is 60 days counting both.
    config = VoiceAbsentSettings(window_days=window)
    assert (
        bool(voice_absent(pupil(concerns=_silent()), as_of=d("2025-03-10"), config=config))
        is raised
    )


@pytest.mark.parametrize(("count", "raised"), [(3, True), (4, False)])
def test_voice_absent_count_edge(count, raised):
    config = VoiceAbsentSettings(min_concerns=count)
    assert (
        bool(voice_absent(pupil(concerns=_silent()), as_of=d("2025-03-10"), config=config))
        is raised
    )


# ---- voice distress -------------------------------------------------------------------------


def test_voice_distress_reads_the_childs_words_and_names_the_matches():
    child = pupil(
        voice=(voice("v1", "2025-01-10", "I was on my own all weekend and I was hungry."),),
        concerns=(concern("c1", "2025-02-03", "hunger", words="Nobody was home, I’m starving"),),
    )
    [raised] = voice_distress(child, as_of=d("2025-02-03"), config=VoiceDistressSettings())
    assert raised.severity is Severity.REVIEW  # words on two days
    assert raised.detail == (
        "The child's words on 2 days speak of being hungry (“hungry”, “starving”); being left "
        "alone (“nobody was home”, “on my own”)."
    )
    assert [(e.kind, e.id) for e in raised.evidence] == [("voice", "v1"), ("concern", "c1")]


def test_voice_distress_hurt_asks_for_review_and_ticks_count():
    hurt = pupil(voice=(voice("v1", "2025-01-10", "Dad hits me when he is angry"),))
    [raised] = voice_distress(hurt, as_of=d("2025-01-10"), config=VoiceDistressSettings())
    assert raised.severity is Severity.REVIEW
    ticked = pupil(concerns=(concern("c1", "2025-01-10", "hunger", themes=("caring",)),))
    [once] = voice_distress(ticked, as_of=d("2025-01-10"), config=VoiceDistressSettings())
    assert once.severity is Severity.CONSIDER
    assert once.detail == (
        "The child's words on 1 day speak of looking after themselves or others (ticked by the "
        "person recording)."
    )


def test_voice_distress_quiet_on_everyday_words_and_a_schools_own_list():
    sad = pupil(voice=(voice("v1", "2025-01-10", "I miss Grandad. I'm sad but school is nice."),))
    assert voice_distress(sad, as_of=d("2025-01-10"), config=VoiceDistressSettings()) == []
    assert voice_distress(pupil(), as_of=d("2025-01-10"), config=VoiceDistressSettings()) == []
    # A school that adds its children's word for hungry: "clemmed", with any ending.
    local = pupil(voice=(voice("v1", "2025-01-10", "I'm clemmed, Miss"),))
    config = VoiceDistressSettings(hunger=frozenset({"clemmed*"}))
    [raised] = voice_distress(local, as_of=d("2025-01-10"), config=config)
    assert "being hungry (“clemmed*”)" in raised.detail


@pytest.mark.parametrize(("window", "raised"), [(11, True), (10, False)])
def test_voice_distress_window_edge(window, raised):
    child = pupil(voice=(voice("v1", "2025-01-10", "I was scared"),))
    config = VoiceDistressSettings(window_days=window)
    assert bool(voice_distress(child, as_of=d("2025-01-20"), config=config)) is raised


@pytest.mark.parametrize(("days", "severity"), [(2, Severity.REVIEW), (3, Severity.CONSIDER)])
def test_voice_distress_review_edge(days, severity):
    child = pupil(
        voice=(voice("v1", "2025-01-10", "I was scared"), voice("v2", "2025-01-17", "scared"))
    )
    config = VoiceDistressSettings(review_at_days=days)
    [raised] = voice_distress(child, as_of=d("2025-01-20"), config=config)
    assert raised.severity is severity


# ---- referred, closed, referred again; prior history ----------------------------------------


def _referrals():
    return (
        decision("r1", "2021-03-01", DecisionKind.REFERRAL, case="k1", concerns=("o1",)),
        decision("x1", "2021-04-12", DecisionKind.NFA, case="k1", closes=True),
    )


def test_referral_closed_again_years_apart():
    child = pupil(
        history=_referrals(),
        decisions=(decision("r2", "2025-01-20", DecisionKind.EARLY_HELP, case="k2"),),
    )
    [raised] = referral_closed_again(
        child, as_of=d("2025-01-20"), config=ReferralClosedAgainSettings()
    )
    assert raised.severity is Severity.REVIEW
    assert raised.detail == (
        "2 referrals (early help, referral to children's social care) since 1 Mar 2021, with 1 "
        "closure between them; the latest on 20 Jan 2025."
    )
    assert [e.id for e in raised.evidence] == ["r1", "x1", "r2"]
    # Referred twice on one case that was never closed: work continuing, not the pattern.
    open_case = pupil(
        decisions=(_referrals()[0], decision("r2", "2021-05-01", DecisionKind.REFERRAL))
    )
    assert (
        referral_closed_again(
            open_case, as_of=d("2021-05-01"), config=ReferralClosedAgainSettings()
        )
        == []
    )
    assert (
        referral_closed_again(
            pupil(history=_referrals()), as_of=d("2025-01-20"), config=ReferralClosedAgainSettings()
        )
        == []
    )


@pytest.mark.parametrize(("recent", "raised"), [(11, True), (10, False)])
def test_referral_closed_again_recent_edge(recent, raised):
    child = pupil(
        history=_referrals(),
        decisions=(decision("r2", "2025-01-20", DecisionKind.POLICE, case="k2"),),
    )
    config = ReferralClosedAgainSettings(recent_days=recent)
    assert bool(referral_closed_again(child, as_of=d("2025-01-30"), config=config)) is raised


def test_prior_history_new_concerns_after_a_referral_years_ago():
    child = pupil(history=_referrals(), concerns=(concern("c1", "2025-01-20", "hunger"),))
    [raised] = prior_history(child, as_of=d("2025-01-20"), config=PriorHistorySettings())
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == (
        "1 referral on record (the first 1 Mar 2021), 1 closure; 1 new concern on 20 Jan 2025."
    )
    assert [e.id for e in raised.evidence] == ["r1", "x1", "c1"]
    more = pupil(
        history=_referrals(),
        concerns=(*child.concerns, concern("c2", "2025-02-03", "clothing")),
    )
    [review] = prior_history(more, as_of=d("2025-02-03"), config=PriorHistorySettings())
    assert review.severity is Severity.REVIEW


def test_prior_history_quiet_after_a_school_closure_alone_or_without_history():
    """A concern the school closed itself is everyday record-keeping, not a history with
    children's social care; a referral still open counts."""
    config = PriorHistorySettings()
    closed = pupil(
        decisions=(decision("x1", "2024-11-05", DecisionKind.NFA, concerns=("o1",), closes=True),),
        concerns=(concern("c1", "2025-01-13", "clothing"),),
    )
    assert prior_history(closed, as_of=d("2025-01-13"), config=config) == []
    assert (
        prior_history(pupil(concerns=closed.concerns), as_of=d("2025-01-13"), config=config) == []
    )
    open_referral = pupil(
        decisions=(decision("r1", "2024-11-05", DecisionKind.EARLY_HELP, concerns=("o1",)),),
        concerns=(concern("c1", "2025-01-13", "clothing"),),
    )
    [raised] = prior_history(open_referral, as_of=d("2025-01-13"), config=config)
    assert (
        raised.detail
        == "1 referral on record (the first 5 Nov 2024); 1 new concern on 13 Jan 2025."
    )
    # The concern the referral answered is not new.
    same = pupil(
        decisions=(decision("r1", "2025-01-14", DecisionKind.REFERRAL, concerns=("c1",)),),
        concerns=(concern("c1", "2025-01-13", "clothing"),),
    )
    assert prior_history(same, as_of=d("2025-01-20"), config=config) == []


@pytest.mark.parametrize(("window", "raised"), [(11, True), (10, False)])
def test_prior_history_window_edge(window, raised):
    child = pupil(history=_referrals(), concerns=(concern("c1", "2025-01-20", "hunger"),))
    config = PriorHistorySettings(window_days=window)
    assert bool(prior_history(child, as_of=d("2025-01-30"), config=config)) is raised


def test_edges_are_what_the_docstrings_say():
    """The defaults the edge tests move are the documented ones (a change shows up here)."""
    assert PersistentNeglectSettings().window_days == 365
    assert InjuryPatternSettings().window_days == 365
    assert VoiceAbsentSettings().window_days == 180
    assert ReferralClosedAgainSettings().recent_days == 365
    assert timedelta(days=PriorHistorySettings().window_days) == timedelta(days=90)
