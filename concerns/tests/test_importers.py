"""The history importer (JSON Lines and CSV) and the MIS behaviour CSV: all or nothing, by line."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditAction, AuditEvent
from concerns.importers.behaviour_csv import behaviour_import_csv
from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_csv, read_json_lines
from concerns.models import (
    AllegationRecord,
    BehaviourIncident,
    Concern,
    Decision,
    Source,
)

pytestmark = pytest.mark.django_db


def _line(pupil, **fields):
    record = {
        "kind": "concern",
        "upn": pupil.upn,
        "occurred_at": "2024-01-15T08:50:00+00:00",
        "written_at": "2024-01-15T12:30:00+00:00",
        "author": {"name": "J. Oldteacher", "role": "Class teacher"},
        "text": "Arrived without a coat.",
        "child_words": "There wasn't any food.",
        "categories": ["neglect"],
        "source_ref": "OLD-1",
    }
    record.update(fields)
    return json.dumps(record)


def _run(dsl, text, *, dry_run=False, fmt="jsonl"):
    lines = read_csv(text) if fmt == "csv" else read_json_lines(text)
    return import_history(actor=dsl, lines=lines, source_system="OldSys", dry_run=dry_run)


def test_imports_concerns_decisions_and_behaviour_keeping_dates_and_authors(dsl, pupil):
    text = "\n".join(
        [
            _line(pupil),
            _line(
                pupil,
                kind="decision",
                concern_ref="OLD-1",
                outcome="monitor",
                review_date="2024-02-01",
                text="Monitor for a month.",
                occurred_at="2024-01-16T09:00:00Z",
                written_at=None,
                author={"name": "D. Oldlead", "role": "DSL"},
            ),
            _line(
                pupil,
                kind="behaviour",
                incident_type="Physical aggression",
                text="Threw a chair.",
                source_ref="BEH-1",
                written_at=None,
            ),
        ]
    )
    result = _run(dsl, text)
    assert dict(result.created) == {"concern": 1, "decision": 1, "behaviour": 1}
    concern = Concern.objects.get()
    assert concern.occurred_at == datetime(2024, 1, 15, 8, 50, tzinfo=UTC)
    assert concern.written_at == datetime(2024, 1, 15, 12, 30, tzinfo=UTC)
    assert (concern.author_name, concern.author_role) == ("J. Oldteacher", "Class teacher")
    assert (concern.source, concern.source_system, concern.source_ref) == (
        Source.IMPORT,
        "OldSys",
        "OLD-1",
    )
    assert concern.recorded_by is None
    version = concern.versions.get()
    assert version.child_words == "There wasn't any food."
    assert [c.code for c in version.categories.all()] == ["neglect"]
    decision = Decision.objects.get()
    assert (decision.decided_by_name, decision.outcome) == ("D. Oldlead", "monitor")
    assert BehaviourIncident.objects.get().author_name == "J. Oldteacher"
    event = AuditEvent.objects.get(action=AuditAction.HISTORY_IMPORTED)
    assert (event.pupil_id, event.details["records"]) == (pupil.pk, 3)


def test_running_the_same_file_twice_skips_what_is_held(dsl, pupil):
    text = "\n".join(
        [_line(pupil), _line(pupil, kind="decision", concern_ref="OLD-1", outcome="nfa")]
    )
    _run(dsl, text)
    again = _run(dsl, text)
    assert (again.total, again.skipped) == (0, 2)
    assert Concern.objects.count() == 1
    assert Decision.objects.count() == 1


def test_errors_name_the_line_and_field_and_nothing_is_written(dsl, pupil):
    text = "\n".join(
        [
            _line(pupil),
            _line(pupil, upn="Z999999999999", source_ref="OLD-2"),
            "{not json",
            _line(pupil, categories=["made_up"], source_ref="OLD-3"),
            _line(pupil, kind="decision", concern_ref="NOPE", outcome="nfa"),
            _line(pupil, occurred_at="2999-01-01T00:00:00Z", source_ref="OLD-4"),
            _line(pupil, written_at="2024-01-01T00:00:00Z", source_ref="OLD-5"),
            _line(pupil, kind="decision", concern_ref="OLD-1", outcome="monitor"),
            _line(pupil, kind="teapot"),
        ]
    )
    with pytest.raises(ImportFailed) as failed:
        _run(dsl, text)
    where = [(e.line, e.field) for e in failed.value.errors]
    assert where == [
        (2, "upn"),
        (3, ""),
        (4, "categories"),
        (5, "concern_ref"),
        (6, "occurred_at"),
        (7, "written_at"),
        (8, "review_date"),
        (9, "kind"),
    ]
    assert "line 4, field 'categories': unknown category code 'made_up'" in str(failed.value)
    assert not Concern.objects.exists()
    assert not Decision.objects.exists()


def test_dry_run_writes_nothing(dsl, pupil):
    result = _run(dsl, _line(pupil), dry_run=True)
    assert result.created["concern"] == 1
    assert not Concern.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.HISTORY_IMPORTED).exists()


def test_lado_decisions_go_to_the_register(dsl, pupil):
    text = "\n".join(
        [
            _line(pupil),
            _line(
                pupil,
                kind="decision",
                concern_ref="OLD-1",
                outcome="lado",
                adult_name="A. Person",
                adult_role="Coach",
            ),
        ]
    )
    _run(dsl, text)
    assert AllegationRecord.objects.get().adult_role == "Coach"


def test_csv_format(dsl, pupil):
    text = (
        "kind,upn,occurred_at,author_name,author_role,text,categories,source_ref,concern_ref,outcome\n"
        f"concern,{pupil.upn},2024-01-15,J. T,Teacher,No coat,neglect;physical,C1,,\n"
        f"decision,{pupil.upn},2024-01-16,D. L,DSL,Early help,,,C1,early_help\n"
    )
    result = _run(dsl, text, fmt="csv")
    assert dict(result.created) == {"concern": 1, "decision": 1}
    codes = {c.code for c in Concern.objects.get().versions.get().categories.all()}
    assert codes == {"neglect", "physical"}


def test_csv_missing_column_and_extra_cells(dsl, pupil):
    with pytest.raises(ImportFailed) as failed:
        _run(dsl, "kind,upn,occurred_at,text\nconcern,x,2024-01-01,y\n", fmt="csv")
    assert [(e.line, e.field) for e in failed.value.errors] == [(1, "author_name")]
    text = f"kind,upn,occurred_at,author_name,text\nconcern,{pupil.upn},2024-01-01,A,B,EXTRA\n"
    with pytest.raises(ImportFailed) as failed:
        _run(dsl, text, fmt="csv")
    assert failed.value.errors[0].line == 2


def test_command_summary_dry_run_and_errors(dsl, pupil, school, tmp_path: Path):
    good = tmp_path / "history.jsonl"
    good.write_text(_line(pupil) + "\n")
    out = StringIO()
    call_command(
        "import_history",
        str(good),
        school=school.urn,
        actor=dsl.user.email,
        dry_run=True,
        stdout=out,
        stderr=StringIO(),
        verbosity=0,
    )
    assert "Would import 1 concern" in out.getvalue()
    assert not Concern.objects.exists()
    call_command(
        "import_history",
        str(good),
        school=school.urn,
        actor=dsl.user.email,
        stdout=out,
        stderr=StringIO(),
        verbosity=0,
    )
    assert Concern.objects.get().source_system == "history"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_line(pupil, upn="Z999999999999", source_ref="X") + "\n")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command(
            "import_history",
            str(bad),
            school=school.urn,
            actor=dsl.user.email,
            stdout=StringIO(),
            stderr=err,
            verbosity=0,
        )
    assert "bad.jsonl: line 1, field 'upn'" in err.getvalue()


def test_command_refuses_someone_who_is_not_the_dsl(teacher, school, tmp_path: Path):
    path = tmp_path / "h.jsonl"
    path.write_text("")
    with pytest.raises(CommandError, match="not a DSL"):
        call_command("import_history", str(path), school=school.urn, actor=teacher.user.email)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.dictionaries(
                st.sampled_from(
                    [
                        "kind",
                        "upn",
                        "occurred_at",
                        "written_at",
                        "author",
                        "text",
                        "categories",
                        "concern_ref",
                        "outcome",
                        "incident_type",
                        "source_ref",
                        "review_date",
                    ]
                ),
                _json_values,
                max_size=8,
            ).map(json.dumps),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_input_either_imports_or_fails_cleanly(dsl, pupil, lines):
    """Whatever the file holds, the importer raises ImportFailed naming real lines, or imports;
    it never crashes and never leaves half a file behind."""
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    before = Concern.objects.count(), Decision.objects.count(), BehaviourIncident.objects.count()
    errors = []
    try:
        _run(dsl, text, dry_run=True)
    except ImportFailed as failed:
        errors = failed.errors
        assert errors, "a failed import names at least one problem"
    line_count = len(text.splitlines())
    assert all(1 <= e.line <= max(line_count, 1) for e in errors)
    after = Concern.objects.count(), Decision.objects.count(), BehaviourIncident.objects.count()
    assert before == after


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200
        ).filter(lambda s: s.strip()),
        min_size=1,
        max_size=5,
    ),
    days_ago=st.integers(min_value=0, max_value=3650),
)
def test_valid_records_round_trip_their_text_and_dates(dsl, pupil, texts, days_ago):
    start = Concern.objects.count()
    occurred = (timezone.now() - timedelta(days=days_ago, hours=1)).replace(microsecond=0)
    lines = [
        _line(
            pupil,
            text=text,
            occurred_at=occurred.isoformat(),
            written_at=occurred.isoformat(),
            source_ref=f"P-{start}-{i}",
        )
        for i, text in enumerate(texts)
    ]
    result = _run(dsl, "\n".join(lines))
    assert result.created["concern"] == len(texts)
    imported = Concern.objects.filter(source_ref__startswith=f"P-{start}-").order_by("source_ref")
    assert [c.versions.get().facts for c in imported] == [t.strip() for t in texts]
    assert all(c.occurred_at == occurred for c in imported)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(st.text(max_size=15), min_size=1, max_size=6).map(",".join), max_size=5),
    st.sampled_from(
        ["kind,upn,occurred_at,author_name,text", "kind,upn,occurred_at,author_name,text,outcome"]
    ),
)
def test_any_csv_either_imports_or_fails_cleanly(dsl, pupil, rows, header):
    text = header + "\n" + "\n".join(rows)
    errors = []
    try:
        _run(dsl, text, dry_run=True, fmt="csv")
    except ImportFailed as failed:
        errors = failed.errors
        assert errors, "a failed import names at least one problem"
    assert all(e.line >= 1 for e in errors)
    assert not Concern.objects.exists()


class TestBehaviourCsv:
    def test_imports_and_skips_repeats(self, dsl, pupil):
        text = (
            "incident_id,upn,date,time,type,description,action_taken,recorded_by\n"
            f"B1,{pupil.upn},2024-03-01,10:15,Disruption,Shouting,Detention,Mr Smith\n"
            f"B2,{pupil.upn},2024-03-02,,Refusal,,,Ms Jones\n"
        )
        assert behaviour_import_csv(actor=dsl, text=text).created == 2
        again = behaviour_import_csv(actor=dsl, text=text)
        assert (again.created, again.skipped) == (0, 2)
        incident = BehaviourIncident.objects.get(source_ref="B1")
        assert incident.author_name == "Mr Smith"
        assert timezone.localtime(incident.occurred_at).hour == 10

    def test_errors_by_line_and_nothing_written(self, dsl, pupil):
        text = (
            "incident_id,upn,date,type,recorded_by\n"
            f"B1,{pupil.upn},2024-03-01,Disruption,A\n"
            f"B2,Z999999999999,2024-03-01,Disruption,A\n"
            f"B3,{pupil.upn},01/03/2024,Disruption,A\n"
            f"B1,{pupil.upn},2024-03-01,Disruption,A\n"
        )
        with pytest.raises(ImportFailed) as failed:
            behaviour_import_csv(actor=dsl, text=text)
        assert [(e.line, e.field) for e in failed.value.errors] == [
            (3, "upn"),
            (4, "date"),
            (5, "incident_id"),
        ]
        assert not BehaviourIncident.objects.exists()

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.text(max_size=300))
    def test_any_text_fails_cleanly_or_imports(self, dsl, text):
        errors = None
        try:
            behaviour_import_csv(actor=dsl, text=text, dry_run=True)
        except ImportFailed as failed:
            errors = failed.errors
        assert errors is None or len(errors) > 0
        assert not BehaviourIncident.objects.exists()

    def test_upload_page(self, client_for, dsl, pupil):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        text = f"incident_id,upn,date,type,recorded_by\nB9,{pupil.upn},2024-03-01,Disruption,A\n"
        response = client_for(dsl).post(
            reverse("concerns:behaviour_import"),
            {"file": SimpleUploadedFile("b.csv", text.encode())},
        )
        assert response.status_code == 302
        assert BehaviourIncident.objects.filter(source_ref="B9").exists()
        bad = "incident_id,upn,date,type,recorded_by\nB10,nope,2024-03-01,Disruption,A\n"
        response = client_for(dsl).post(
            reverse("concerns:behaviour_import"),
            {"file": SimpleUploadedFile("b.csv", bad.encode())},
        )
        assert response.status_code == 400
        assert "line 2, field &#x27;upn&#x27;" in response.content.decode()
