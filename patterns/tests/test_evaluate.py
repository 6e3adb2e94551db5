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
    assert "26 scenarios (8 negative): all passed." in out
    assert "MISS" not in out
    assert "FALSE" not in out


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


def test_an_extra_finding_on_a_positive_scenario_is_reported_not_failed(tmp_path, capsys):
    shutil.copy(SCENARIO_DIR / "14_practical_help_only.json", tmp_path)
    raw = json.loads((tmp_path / "14_practical_help_only.json").read_text())
    raw["expect"] = raw["expect"][:1]
    (tmp_path / "14_practical_help_only.json").write_text(json.dumps(raw))
    assert main(["--scenarios", str(tmp_path)]) == 0
    assert "extra  14_practical_help_only.json: cumulative-neglect" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"end": "2025-01-01", "negative": True, "facts": [CHILD],
          "expect": [{"detector": "trio", "subject": "h", "by": "2025-01-01"}]},
         "a negative scenario expects no findings"),
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
