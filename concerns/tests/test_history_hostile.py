"""Issue 14, items 3, 8 and 9 for `import_history`: deep nesting, over-long fields and hidden
direction controls each name their line, and the file is refused whole."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_csv, read_json_lines
from concerns.models import BehaviourIncident, Concern

pytestmark = pytest.mark.django_db


def _line(pupil, *, ensure_ascii=True, **fields):
    record = {
        "kind": "concern",
        "upn": pupil.upn,
        "occurred_at": "2024-01-15T08:50:00+00:00",
        "author": {"name": "J. Oldteacher", "role": "Class teacher"},
        "text": "Arrived without a coat.",
        "categories": ["neglect"],
        "source_ref": "OLD-1",
    }
    record.update(fields)
    return json.dumps(record, ensure_ascii=ensure_ascii)


def _refused(dsl, text, fmt="jsonl") -> list[str]:
    lines = read_csv(text) if fmt == "csv" else read_json_lines(text)
    with pytest.raises(ImportFailed) as failed:
        import_history(actor=dsl, lines=lines, source_system="OldSys")
    assert not Concern.objects.exists()
    assert not BehaviourIncident.objects.exists()
    return [str(e) for e in failed.value.errors]


def test_a_deeply_nested_line_names_its_line_instead_of_crashing(dsl, pupil):
    # Before the fix: RecursionError and a traceback.
    deep = "[" * 100_000 + "]" * 100_000
    text = "\n".join([_line(pupil), '{"kind": ' + deep + "}", _line(pupil, source_ref="OLD-2")])
    assert _refused(dsl, text) == ["line 2: nested more than 4 levels deep"]


def test_nesting_the_decoder_accepts_is_still_refused(dsl, pupil):
    text = _line(pupil, text=[[[[["too deep"]]]]])
    assert _refused(dsl, text) == ["line 1: nested more than 4 levels deep"]


def test_the_command_reports_a_deeply_nested_line(dsl, pupil, school, tmp_path: Path):
    path = tmp_path / "old.jsonl"
    deep = '{"kind": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(_line(pupil) + "\n" + deep + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_history", str(path), "--school", school.urn, "--as", dsl.user.email)
    assert not Concern.objects.exists()


def test_a_line_separator_inside_a_json_string_does_not_split_the_line(dsl, pupil):
    # JSON allows a raw U+2028 in a string; str.splitlines() used to cut the line there.
    lines = read_json_lines(_line(pupil, ensure_ascii=False, text="First part\u2028second part"))
    import_history(actor=dsl, lines=lines, source_system="OldSys")
    assert Concern.objects.get().versions.get().facts == "First part\u2028second part"


def test_a_behaviour_reference_longer_than_its_column_is_refused(dsl, pupil):
    # The behaviour table keeps 100 characters; 150 used to pass the check and fail (PostgreSQL)
    # or be stored whole past the column's length (SQLite).
    text = _line(pupil, kind="behaviour", incident_type="Push", source_ref="B" * 150)
    assert _refused(dsl, text) == ["line 1, field 'source_ref': is 150 characters, longer than 100"]


def test_an_author_name_with_a_right_to_left_override_is_refused(dsl, pupil):
    text = _line(pupil, author={"name": "J. Old\u202eteacher", "role": "Class teacher"})
    [error] = _refused(dsl, text)
    assert error.startswith("line 1, field 'author.name': ")
    assert "direction" in error


def test_a_huge_value_is_quoted_short(dsl, pupil):
    decision = _line(
        pupil,
        kind="decision",
        concern_ref="OLD-1",
        outcome="monitor",
        review_date="9" * 1_000_000,
        source_ref=None,
    )
    [error] = _refused(dsl, _line(pupil) + "\n" + decision)
    assert error.startswith("line 2, field 'review_date': '999")
    assert len(error) < 300


def test_a_long_source_system_is_refused_by_the_command(dsl, pupil, school, tmp_path: Path):
    path = tmp_path / "old.jsonl"
    path.write_text(_line(pupil) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"--source-system: .* longer than the 100"):
        call_command(
            "import_history",
            str(path),
            "--school",
            school.urn,
            "--as",
            dsl.user.email,
            "--source-system",
            "S" * 101,
        )
    assert not Concern.objects.exists()


def test_the_command_refuses_an_oversized_file_before_reading_it(
    dsl, pupil, school, settings, tmp_path: Path
):
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "history": 100}
    path = tmp_path / "old.jsonl"
    path.write_text(_line(pupil) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"CAIRN_UPLOAD_LIMITS\['history'\]"):
        call_command("import_history", str(path), "--school", school.urn, "--as", dsl.user.email)
    assert not Concern.objects.exists()


def test_a_behaviour_csv_cell_longer_than_its_column_is_refused_not_cut(dsl, pupil):
    # Before the fix the incident type was cut to 120 characters and imported.
    from concerns.importers.behaviour_csv import behaviour_import_csv

    text = (
        "incident_id,upn,date,type,recorded_by\n"
        f"B1,{pupil.upn},2024-01-15,{'T' * 121},Mr Oldteacher\n"
    )
    with pytest.raises(ImportFailed) as failed:
        behaviour_import_csv(actor=dsl, text=text)
    assert [str(e) for e in failed.value.errors] == [
        "line 2, field 'type': is 121 characters, longer than 120"
    ]
    assert not BehaviourIncident.objects.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_nul_character_is_refused_with_its_line(dsl, pupil, fmt):
    # PostgreSQL cannot keep a NUL in text: before the fix the import failed with a DataError.
    if fmt == "jsonl":
        text = _line(pupil, text="nul\u0000byte")
    else:
        text = (
            "kind,upn,occurred_at,author_name,text\n"
            f"concern,{pupil.upn},2024-01-15,J. Old,nul\x00byte\n"
        )
    [error] = _refused(dsl, text, fmt=fmt)
    assert error.startswith(("line 1, field 'text'", "line 2, field 'text'"))
    assert "NUL" in error
