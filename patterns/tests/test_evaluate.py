# ruff: noqa: E501  (scenarios read best one to a line)
"""The scenario suite passes, and the evaluator catches misses and false findings."""

import json
import shutil

import pytest

from patterns.evaluate import SCENARIO_DIR, load_all, main, replay

CHILD = {"type": "pupil", "id": "p1", "upn": "A1", "school_id": "s1", "date_of_birth": "2016-05-17"}


def _signs(*days):
    return [
        {"type": "concern", "id": f"c{i}", "pupil_id": "p1", "occurred_at": day,
         "author_id": f"a{i % 2}", "categories": ["hunger"]}
        for i, day in enumerate(days)
    ]  # fmt: skip


def _write(tmp_path, name, **scenario):
    (tmp_path / name).write_text(json.dumps(scenario))


def test_the_scenario_suite_passes(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "67 scenarios (8 negative, 20 benign): all passed." in out
    assert "MISS" not in out
    assert "FALSE" not in out
    header = out.splitlines()[0].split()
    assert header[:4] == ["pattern", "detector", "raised", "in"]
    assert "median warning days" in out.splitlines()[0]
    assert "benign: above" in out.splitlines()[0]


def test_the_suite_covers_every_detector_and_has_a_dozen_benign_days():
    scenarios = load_all(SCENARIO_DIR)
    assert sum(s.benign for s in scenarios) >= 12
    expected = {e.detector for s in scenarios for e in s.expected}
    new = {"persistent-neglect", "injury-pattern", "trio-child", "voice-absent",
           "voice-distress", "referral-closed-again", "prior-history", "household-children"}  # fmt: skip
    assert new <= expected


def test_every_scenario_cites_its_domain_sources():
    for scenario in load_all(SCENARIO_DIR):
        raw = json.loads(scenario.path.read_text())
        assert raw["description"]
        assert any(".md" in source for source in raw["sources"]), scenario.path.name


def test_the_json_report(capsys):
    assert main(["--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["detectors"]["trio"]["true"] == 1
    assert all(s["passed"] for s in report["scenarios"])


def test_a_miss_a_late_finding_and_a_false_finding_fail(tmp_path, capsys):
    _write(tmp_path, "a.json", end="2025-02-28", negative=True,
           facts=[CHILD, *_signs("2025-01-13", "2025-01-20", "2025-01-27")])  # fmt: skip
    _write(tmp_path, "b.json", end="2025-02-28",
           expect=[{"detector": "cumulative-neglect", "subject": "p1", "by": "2025-01-20"},
                   {"detector": "trio", "subject": "h1", "by": "2025-01-20"}],
           facts=[CHILD, *_signs("2025-01-13", "2025-01-20", "2025-01-27")])  # fmt: skip
    assert main(["--scenarios", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        "FALSE (negative scenario)  a.json: cumulative-neglect for p1 first raised 2025-01-27"
        in out
    )
    assert "MISS  b.json: cumulative-neglect for p1 by 2025-01-20 (first raised 2025-01-27)" in out
    assert "MISS  b.json: trio for h1 by 2025-01-20 (never raised)" in out
    assert "2 failed" in out


def test_an_unexpected_finding_fails_a_positive_scenario(tmp_path, capsys):
    shutil.copy(SCENARIO_DIR / "14_practical_help_only.json", tmp_path)
    raw = json.loads((tmp_path / "14_practical_help_only.json").read_text())
    raw["expect"] = raw["expect"][:1]
    (tmp_path / "14_practical_help_only.json").write_text(json.dumps(raw))
    assert main(["--scenarios", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FALSE (not expected)  14_practical_help_only.json: cumulative-neglect" in out
    assert "1 failed" in out


def test_benign_scenarios_may_prompt_consider_never_more(tmp_path, capsys):
    knocks = [
        {"type": "concern", "id": f"k{i}", "pupil_id": "p1", "occurred_at": day,
         "author_id": "a", "categories": ["injury"], "child_words": "I fell"}
        for i, day in enumerate(["2024-10-01", "2024-12-01", "2025-02-03"])
    ]  # fmt: skip
    _write(tmp_path, "a.json", end="2025-02-28", benign=True, facts=[CHILD, *knocks])
    assert main(["--scenarios", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        "consider (benign)  a.json: injury-pattern for p1 first raised 2025-02-03 (consider)" in out
    )
    row = next(line for line in out.splitlines() if "injury-pattern" in line).split()
    assert row[-2:] == ["1", "0"]
    # Three signs of neglect within weeks from two adults, then two more: a review, not benign.
    _write(tmp_path, "b.json", end="2025-03-31", benign=True,
           facts=[CHILD, *_signs("2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03", "2025-02-10")])  # fmt: skip
    assert main(["--scenarios", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["detectors"]["cumulative-neglect"]["benign_above"] == 1
    assert [s["passed"] for s in report["scenarios"]] == [True, False]


def test_the_median_of_an_even_count():
    from patterns.evaluate import _median

    assert _median([]) == "-"
    assert _median([3, 1, 2]) == "2"
    assert _median([1, 2]) == "1.5"


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"end": "2025-01-01", "negative": True, "facts": [CHILD],
          "expect": [{"detector": "trio", "subject": "h", "by": "2025-01-01"}]},
         "a negative or benign scenario expects no findings"),
        ({"end": "2025-01-01", "negative": True, "benign": True, "facts": [CHILD]},
         "negative or benign, not both"),
        ({"end": "2025-01-01", "facts": [CHILD]}, "must expect a finding"),
        ({"end": "2025-01-01", "facts": [CHILD],
          "expect": [{"detector": "nope", "subject": "h", "by": "2025-01-01"}]},
         "no detector 'nope'"),
        ({"end": "2025-01-01", "negative": True, "facts": [CHILD]}, "no dated facts"),
        ({"negative": True, "facts": [CHILD]}, "x.json: 'end'"),
        ({"end": "2025-01-01", "negative": True, "facts": [{"type": "voice", "heard_at": "2025-01-01"}]},
         "x.json fact 1, field 'pupil_id'"),
    ],
)  # fmt: skip
def test_malformed_scenarios(tmp_path, capsys, scenario, message):
    _write(tmp_path, "x.json", **scenario)
    assert main(["--scenarios", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_replay_reports_first_raised_dates():
    [scenario] = [s for s in load_all(SCENARIO_DIR) if s.path.name.startswith("18_")]
    outcome = replay(scenario)
    # The concern happened on Saturday 1 February but was written on Monday 3 February.
    assert outcome.first_raised[("adolescent-risks", "p18")].isoformat() == "2025-02-03"
