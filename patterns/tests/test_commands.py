# ruff: noqa: E501  (facts read best one to a line)
"""list_detectors and run_detectors, end to end against the database."""

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from patterns.models import Finding
from patterns.registry import all_detectors

TODAY = date(2025, 2, 3)


def _call(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_list_detectors_prints_every_docstring_and_setting(db):
    out, _ = _call("list_detectors")
    for entry in all_detectors():
        assert entry.slug in out
        assert entry.summary[:60] in " ".join(out.split())
    assert "Does not mean:" in out
    assert "min_signs = 3" in out
    assert out.rstrip().endswith(f"{len(all_detectors())} detectors.")
    one, _ = _call("list_detectors", "--slug", "trio")
    assert one.rstrip().endswith("1 detectors.")


@pytest.fixture
def facts_file(tmp_path, pupil, school):
    lines = [
        {"type": "pupil", "id": str(pupil.pk), "upn": pupil.upn, "school_id": str(school.pk),
         "date_of_birth": "2016-05-17"},
        *[
            {"type": "concern", "id": f"c{i}", "pupil_id": str(pupil.pk), "occurred_at": day,
             "author_id": author, "categories": [category], "child_words": "I'm fine"}
            for i, (day, author, category) in enumerate(
                [("2025-01-13", "a", "hunger"), ("2025-01-22", "b", "hygiene"), ("2025-02-03", "a", "clothing")]
            )
        ],
    ]  # fmt: skip
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    return path


@time_machine.travel("2025-02-03 18:00 +0000")
def test_run_detectors_stores_findings_and_prints_json(facts_file, pupil, school):
    out, _ = _call("run_detectors", "--facts", str(facts_file), "--school", school.urn)
    assert f"cumulative-neglect [consider] child {pupil.upn}:" in out
    assert "1 findings about 1 children and 0 households as of 2025-02-03; 1 raised" in out
    assert Finding.objects.count() == 1
    out, err = _call("run_detectors", "--facts", str(facts_file), "--json")
    report = json.loads(out)
    assert report["as_of"] == "2025-02-03"
    [finding] = report["findings"]
    assert finding["detector"] == "cumulative-neglect"
    assert finding["upn"] == pupil.upn
    assert finding["severity"] == "consider"
    assert finding["evidence"][0] == {"kind": "concern", "id": "c0", "date": "2025-01-13"}
    assert finding["first_raised"] == "2025-02-03"
    assert "0 raised, 0 raised again, 0 updated, 1 unchanged" in err
    assert Finding.objects.count() == 1


@time_machine.travel("2025-02-03 18:00 +0000")
def test_a_dry_run_or_a_past_date_stores_nothing(facts_file):
    out, _ = _call("run_detectors", "--facts", str(facts_file), "--dry-run")
    assert "not stored" in out
    out, _ = _call("run_detectors", "--facts", str(facts_file), "--as-of", "2025-01-31", "--json")
    assert json.loads(out)["findings"] == []
    assert not Finding.objects.exists()


@time_machine.travel("2025-02-03 18:00 +0000")
def test_run_detectors_refuses_bad_input(tmp_path, facts_file, school):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "pupil"}\n')
    not_db = tmp_path / "not_db.jsonl"
    not_db.write_text(
        json.dumps({"type": "pupil", "id": "p1", "school_id": "s1", "date_of_birth": "2016-01-01"})
        + "\n"
    )
    for args, message in (
        (["--school", "999999"], "No school with URN 999999"),
        (["--facts", str(facts_file), "--as-of", "2025-02-04"], "cannot be in the future"),
        (["--facts", str(facts_file), "--school", "999999"], "No school with URN 999999"),
        (["--facts", str(bad)], "bad.jsonl line 1, field 'id'"),
        (["--facts", str(tmp_path / "missing.jsonl")], "No such file"),
        (["--facts", str(not_db)], "child 'p1' is not a database id"),
    ):
        with pytest.raises(CommandError, match=message):
            _call("run_detectors", *args)


def _neglect_in_the_database(school):
    """Three neglect concerns about a child from two adults, recorded through the services."""
    from datetime import UTC, datetime

    from concerns.tests.factories import enrolled_pupil, make_concern, staff_member

    child = enrolled_pupil(school=school)
    authors = [staff_member(school=school), staff_member(school=school)]
    for day, author in ((13, authors[0]), (22, authors[1]), (31, authors[0])):
        when = datetime(2025, 1, day, 10, tzinfo=UTC)
        with time_machine.travel(when, tick=False):
            make_concern(author=author, pupil=child, occurred_at=when)
    return child


def test_run_detectors_reads_the_database_by_default(school, other_school):
    child = _neglect_in_the_database(school)
    with time_machine.travel("2025-02-03 18:00 +0000"):
        out, _ = _call("run_detectors", "--school", school.urn)
        assert f"cumulative-neglect [consider] child {child.upn}:" in out
        assert "1 raised" in out
        assert Finding.objects.get().pupil == child
        out, err = _call("run_detectors", "--json")
        [finding] = json.loads(out)["findings"]
        assert finding["upn"] == child.upn
        assert [e["kind"] for e in finding["evidence"]] == ["concern"] * 3
        assert "1 unchanged" in err
        # Another school's run says nothing about this child's finding.
        out, _ = _call("run_detectors", "--school", other_school.urn)
        assert out.startswith("0 findings about 0 children")
        # A look back to before the third concern: nothing, and nothing stored.
        out, _ = _call("run_detectors", "--as-of", "2025-01-30", "--json")
        assert json.loads(out)["findings"] == []
    assert Finding.objects.count() == 1
    assert not Finding.objects.get().stale
