"""Pure tests of the detectors about the child."""

import dataclasses

from patterns.detectors.child import (
    AdolescentSettings,
    BehaviourChangeSettings,
    DisabledChildSettings,
    InjuriesSettings,
    VoiceSettings,
    adolescent_risks,
    behaviour_change_with_welfare,
    disabled_child_concerns,
    injuries,
    voice_not_heard,
)
from patterns.registry import Severity
from patterns.tests.builders import cadence, concern, d, pupil, voice

AS_OF = d("2025-03-31")


def test_two_injuries_within_weeks():
    first = concern("c1", "2025-03-03", "injury", explanation=True)
    second = concern("c2", "2025-03-24", "injury", explanation=False)
    [raised] = injuries(pupil(concerns=(first, second)), as_of=AS_OF, config=InjuriesSettings())
    assert raised.severity is Severity.REVIEW
    assert raised.detail.endswith("1 explanation recorded as unsuitable.")
    third = concern("c3", "2025-03-24", "injury")
    [raised] = injuries(pupil(concerns=(first, third)), as_of=AS_OF, config=InjuriesSettings())
    assert raised.severity is Severity.CONSIDER
    assert injuries(pupil(concerns=(first,)), as_of=AS_OF, config=InjuriesSettings()) == []


def test_any_injury_to_a_child_not_yet_mobile():
    hurt = concern("c1", "2025-03-12", "injury")
    [raised] = injuries(
        pupil(mobile=False, concerns=(hurt,)), as_of=AS_OF, config=InjuriesSettings()
    )
    assert raised.severity is Severity.REVIEW_NOW
    assert "to a child not yet mobile" in raised.detail
    # Off by setting, and nothing at all without an injury.
    off = dataclasses.replace(InjuriesSettings(), non_mobile_any=False)
    assert injuries(pupil(mobile=False, concerns=(hurt,)), as_of=AS_OF, config=off) == []
    assert injuries(pupil(mobile=False), as_of=AS_OF, config=InjuriesSettings()) == []


def test_behaviour_change_alongside_welfare():
    config = BehaviourChangeSettings()
    change = concern("c1", "2025-01-15", "behaviour_change")
    hungry = concern("c2", "2025-02-05", "hunger")
    [raised] = behaviour_change_with_welfare(
        pupil(concerns=(change, hungry)), as_of=AS_OF, config=config
    )
    assert raised.detail.startswith("Change in behaviour recorded on 15 Jan 2025")
    assert (
        behaviour_change_with_welfare(pupil(concerns=(change,)), as_of=AS_OF, config=config) == []
    )
    assert (
        behaviour_change_with_welfare(pupil(concerns=(hungry,)), as_of=AS_OF, config=config) == []
    )


def test_adolescent_risks():
    config = AdolescentSettings()
    teen = {"date_of_birth": d("2010-09-09")}
    missing = concern("c1", "2025-02-01", "missing")
    low = concern("c2", "2025-02-10", "mental_health")
    drink = concern("c3", "2025-03-10", "substance_use")
    [raised] = adolescent_risks(pupil(concerns=(missing,), **teen), as_of=AS_OF, config=config)
    assert raised.severity is Severity.REVIEW
    assert adolescent_risks(pupil(concerns=(low,), **teen), as_of=AS_OF, config=config) == []
    [raised] = adolescent_risks(pupil(concerns=(low, drink), **teen), as_of=AS_OF, config=config)
    assert raised.severity is Severity.CONSIDER
    young = pupil(concerns=(missing,), date_of_birth=d("2015-04-01"))
    assert adolescent_risks(young, as_of=AS_OF, config=config) == []


def test_disabled_child_lower_threshold():
    config = DisabledChildSettings()
    concerns = (concern("c1", "2025-01-10", "hygiene"), concern("c2", "2025-02-17", "tiredness"))
    [raised] = disabled_child_concerns(
        pupil(disability=True, concerns=concerns), as_of=AS_OF, config=config
    )
    assert raised.detail.endswith("about a disabled child.")
    assert disabled_child_concerns(pupil(concerns=concerns), as_of=AS_OF, config=config) == []
    few = pupil(disability=True, concerns=concerns[:1])
    assert disabled_child_concerns(few, as_of=AS_OF, config=config) == []


def test_voice_not_heard_within_cadence():
    config = VoiceSettings()
    facts = pupil(
        cadences=(cadence("k1", "2025-01-06", 14),),
        voice=(voice("v1", "2025-01-10"), voice("v2", "2025-01-24")),
    )
    assert voice_not_heard(facts, as_of=d("2025-02-07"), config=config) == []
    [raised] = voice_not_heard(facts, as_of=d("2025-02-08"), config=config)
    assert raised.severity is Severity.CONSIDER
    assert raised.detail == (
        "The child's voice should be heard every 14 days (cin); last recorded 24 Jan 2025, "
        "due 7 Feb 2025."
    )
    [raised] = voice_not_heard(facts, as_of=d("2025-02-21"), config=config)
    assert raised.severity is Severity.REVIEW


def test_voice_never_heard_and_cadences_that_do_not_apply():
    config = VoiceSettings()
    never = pupil(cadences=(cadence("k1", "2025-01-06", 14, status=""),))
    [raised] = voice_not_heard(never, as_of=d("2025-01-21"), config=config)
    assert "(cadence); not recorded" in raised.detail
    # Heard before the cadence started: the clock starts with the cadence.
    early = dataclasses.replace(never, voice=(voice("v0", "2024-12-01"),))
    assert voice_not_heard(early, as_of=d("2025-01-20"), config=config) == []
    ended = pupil(cadences=(cadence("k1", "2025-01-06", 14), cadence("k2", "2025-02-01", None)))
    assert voice_not_heard(ended, as_of=AS_OF, config=config) == []
    assert voice_not_heard(pupil(), as_of=AS_OF, config=config) == []
