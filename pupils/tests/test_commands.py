"""manage.py import_ctf and import_pupils: dry run lists, summary line, refusal message."""

import pytest
from django.core.management import CommandError, call_command

from pupils.models import Pupil
from pupils.tests.ctf_files import ctf, pupil_xml

pytestmark = pytest.mark.django_db


def test_import_ctf_dry_run_lists_and_changes_nothing(receiving_school, tmp_path, capsys):
    path = tmp_path / "9999999_CTF_9998888_001.xml"
    path.write_bytes(ctf(pupil_xml(upn="R999888825002")))
    call_command("import_ctf", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "added     R999888825002 ALEX EXAMPLE" in out
    assert "Would import 9999999_CTF_9998888_001.xml: 1 added, 0 changed" in out
    assert Pupil.objects.count() == 0
    call_command("import_ctf", str(path))
    assert "Imported" in capsys.readouterr().out
    assert Pupil.objects.count() == 1


def test_import_ctf_refuses_with_the_problem(receiving_school, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_bytes(ctf(pupil_xml(upn="R999888825002", ethnicity="ZZZZ")))
    with pytest.raises(CommandError, match=r"(?s)nothing changed.*ZZZZ"):
        call_command("import_ctf", str(path), "--school", receiving_school.urn)


def test_import_pupils_with_a_mapping(school, tmp_path, capsys):
    path = tmp_path / "pupils.csv"
    path.write_text(
        "UPN,Legal Forename,Legal Surname,DOB\nR999888825002,Ava,Testchild,17/05/2016\n",
        encoding="utf-8",
    )
    call_command("import_pupils", str(path), "--school", school.urn, "--mapping", "sims")
    assert "Imported pupils.csv: 1 added" in capsys.readouterr().out
