"""Issue 17 item 9: each record kind `import_history` reads refuses a bad line by its line number
and field, and writes nothing at all (no rows, no files); a good line of each kind is written
with its original author and dates; a decision on a concern imported by an earlier file is
imported, not skipped."""

import base64
import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from casework.tests.test_history_round_trip import CARRIED
from concerns.importers.common import ImportFailed
from concerns.importers.history import import_history, read_csv, read_json_lines
from concerns.models import (
    Action,
    Attachment,
    Concern,
    ConcernVersion,
    Decision,
    ImportOrigin,
    Note,
)
from factors.models import KnownFactor
from pupils.models import Pupil
from voice.models import VoiceEntry

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"synthetic" * 10
AUTHOR = {"name": "Old System Teacher", "role": "Class teacher"}


@pytest.fixture(autouse=True)
def _setup(time_machine, settings, tmp_path: Path):
    time_machine.move_to("2026-03-02T12:00:00+00:00", tick=False)
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def _lines(upn: str) -> dict[str, dict[str, Any]]:
    """One good line of each kind about the child with `upn` (on the roll from 5 Sept 2022)."""
    head = {"upn": upn, "author": AUTHOR}
    return {
        "concern": {
            **head,
            "kind": "concern",
            "occurred_at": "2026-01-10T09:00:00+00:00",
            "written_at": "2026-01-10T10:00:00+00:00",
            "text": "Bruise on the arm.",
            "source_ref": "C-1",
            "categories": ["physical"],
            "amendments": [
                {
                    "text": "Bruise on the left arm.",
                    "reason": "Which arm.",
                    "written_at": "2026-01-10T11:00:00+00:00",
                    "author": AUTHOR,
                    "categories": ["physical"],
                }
            ],
            "body_marks": [
                {"side": "front", "region": "left_arm", "x": 10, "y": 20, "description": "Bruise"}
            ],
            "notes": [
                {"text": "Mum called.", "written_at": "2026-01-11T09:00:00+00:00", "author": AUTHOR}
            ],
            "attachments": [
                {
                    "name": "arm.png",
                    "content_type": "image/png",
                    "content": base64.b64encode(PNG).decode(),
                    "uploaded_at": "2026-01-10T10:30:00+00:00",
                    "author": AUTHOR,
                }
            ],
            "actions": [
                {
                    "text": "Check in daily.",
                    "due_on": "2026-01-20",
                    "created_at": "2026-01-11T10:00:00+00:00",
                    "author": {"name": "Old DSL", "role": "DSL"},
                    "assigned_to": AUTHOR,
                    "completed_at": "2026-01-19T10:00:00+00:00",
                    "completion_note": "Done.",
                    "completed_by": AUTHOR,
                }
            ],
        },
        "decision": {
            **head,
            "kind": "decision",
            "occurred_at": "2026-01-12T09:00:00+00:00",
            "author": {"name": "Old DSL", "role": "DSL"},
            "text": "Referral.",
            "concern_ref": "C-1",
            "outcome": "social_care",
            "referral_outcomes": [
                {
                    "received_on": "2026-01-14",
                    "outcome": "No further action.",
                    "school_agrees": False,
                    "next_steps": "Escalate.",
                    "recorded_at": "2026-01-14T12:00:00+00:00",
                    "author": {"name": "Old DSL", "role": "DSL"},
                }
            ],
        },
        "encompass": {
            **head,
            "kind": "encompass",
            "occurred_at": "2026-01-15T23:00:00+00:00",
            "text": "Police attended.",
            "police_reference": "OE-1",
            "received_at": "2026-01-16T07:00:00+00:00",
            "child_present": "yes",
            "welfare_check_on": "2026-01-16",
        },
        "behaviour": {
            **head,
            "kind": "behaviour",
            "occurred_at": "2026-01-16T13:00:00+00:00",
            "text": "Threw a chair.",
            "incident_type": "Physical aggression",
            "action_taken": "Time out",
            "source_ref": "B-1",
        },
        "enrolment": {
            **head,
            "kind": "enrolment",
            "upn": "N123456789012",
            "occurred_at": "2025-09-03",
            "pupil": {
                "legal_forename": "Nia",
                "legal_surname": "Newchild",
                "date_of_birth": "2017-05-01",
                "sex": "F",
            },
            "statuses": [{"kind": "young_carer", "started_on": "2025-10-01", "source": "ctf"}],
        },
        "known_factor": {
            **head,
            "kind": "known_factor",
            "occurred_at": "2025-11-01",
            "written_at": "2025-11-02T09:00:00+00:00",
            "text": "From the assessment.",
            "factor_code": "2A",
            "factor_source": "assessment",
            "withdrawn_at": "2025-12-01T09:00:00+00:00",
            "withdrawal_reason": "Wrong child.",
            "withdrawn_by": AUTHOR,
        },
        "support_status": {
            **head,
            "kind": "support_status",
            "occurred_at": "2026-01-05",
            "text": "CIN plan.",
            "level": "cin",
            "ends_on": "2026-02-05",
        },
        "check_in": {
            **head,
            "kind": "check_in",
            "occurred_at": "2026-01-06T09:00:00+00:00",
            "text": "Weekly.",
            "cadence_days": 7,
            "trusted_adult": AUTHOR,
        },
        "voice": {
            **head,
            "kind": "voice",
            "occurred_at": "2026-01-07T09:00:00+00:00",
            "versions": [
                {
                    "occurred_at": "2026-01-07T09:00:00+00:00",
                    "written_at": "2026-01-07T10:00:00+00:00",
                    "words": "I like art.",
                    "asked_by": "Old System Teacher",
                    "place": "Library",
                    "occasion": "check_in",
                    "share_methods": ["talking"],
                    "author": AUTHOR,
                },
                {
                    "occurred_at": "2026-01-07T09:00:00+00:00",
                    "written_at": "2026-01-08T10:00:00+00:00",
                    "words": "I like art. Dad shouts.",
                    "asked_by": "Old System Teacher",
                    "place": "Library",
                    "amendment_reason": "Added the end.",
                    "author": AUTHOR,
                },
            ],
        },
        "agency_contact": {
            **head,
            "kind": "agency_contact",
            "occurred_at": "2026-01-12",
            "text": "Referral.",
            "source_ref": "AC-1",
            "agency": "social_care",
            "purpose": "referral",
            "responses": [
                {
                    "kind": "no_answer",
                    "received_on": "2026-01-13",
                    "answer_expected_by": "2026-01-14",
                },
                {
                    "kind": "nfa",
                    "received_on": "2026-01-14",
                    "school_agrees": False,
                    "agreement_reason": "Second injury.",
                    "written_at": "2026-01-14T15:00:00+00:00",
                },
            ],
        },
        "plan": {
            **head,
            "kind": "plan",
            "occurred_at": "2025-10-01",
            "source_ref": "P-1",
            "plan_kind": "cin",
            "ended_on": "2026-01-10",
            "end_reason": "needs_met",
            "end_note": "Closed.",
            "ended_written_at": "2026-01-11T09:00:00+00:00",
        },
        "meeting": {
            **head,
            "kind": "meeting",
            "occurred_at": "2026-01-20",
            "text": "Section 47.",
            "source_ref": "M-1",
            "meeting_kind": "strategy",
            "reports": [
                {"name": "report.pdf", "content": base64.b64encode(b"%PDF-1.4 x").decode()}
            ],
        },
        "household_child": {
            **head,
            "kind": "household_child",
            "occurred_at": "2026-01-20",
            "source_ref": "H-1",
            "name": "Baby Child",
            "date_of_birth": "2025-06-01",
            "setting_kind": "none",
            "sightings": [
                {"seen_on": "2026-01-10", "seen_by": "Health visitor"},
                {
                    "seen_on": "2026-01-20",
                    "seen_by": "GP",
                    "written_at": "2026-01-21T09:00:00+00:00",
                },
            ],
        },
    }


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in CARRIED}


def _files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_good_line_of_each_kind_is_written_with_its_author_and_dates(dsl, pupil, settings):
    lines = list(_lines(pupil.upn).values())
    result = import_history(
        actor=dsl,
        lines=read_json_lines("\n".join(json.dumps(x) for x in lines)),
        source_system="Old system",
    )
    assert result.created == dict.fromkeys(_lines(pupil.upn), 1)
    concern = Concern.objects.get(source_ref="C-1")
    assert [v.number for v in concern.versions.order_by("number")] == [1, 2]
    note = Note.objects.get(concern=concern)
    assert note.written_by == dsl  # the author is not a Cairn user: kept as name and role
    origin = ImportOrigin.objects.get(target="concerns.note", target_id=str(note.pk))
    assert (origin.name, origin.role, origin.source_system, origin.is_user) == (
        "Old System Teacher",
        "Class teacher",
        "Old system",
        False,
    )
    assert str(origin) == "Old System Teacher (imported)"
    assert Attachment.objects.get().size == len(PNG)
    assert Action.objects.get().completion.note == "Done."
    assert Decision.objects.get().outcomes.get().school_agrees is False
    assert Pupil.objects.get(upn="N123456789012").enrolments.get().start_date == date(2025, 9, 3)
    assert KnownFactor.objects.get().withdrawal.reason == "Wrong child."
    assert VoiceEntry.objects.get().versions.count() == 2
    assert len(_files(settings)) == 2  # the concern's photo and the meeting's report

    # The same file again: everything is held already.
    again = import_history(
        actor=dsl,
        lines=read_json_lines("\n".join(json.dumps(x) for x in lines)),
        source_system="Old system",
    )
    assert again.total == 0
    assert again.skipped == len(lines)


def test_an_author_who_is_a_cairn_user_is_that_user(dsl, teacher, pupil):
    line = _lines(pupil.upn)["concern"]
    line["notes"][0]["author"] = {"name": teacher.user.full_name, "role": "Teacher"}
    import_history(actor=dsl, lines=read_json_lines(json.dumps(line)), source_system="Old")
    assert Note.objects.get().written_by == teacher
    assert ConcernVersion.objects.get(number=2).written_by is None  # not a user: name kept
    assert ImportOrigin.objects.get(target="concerns.note").is_user is True


def test_a_decision_on_a_concern_imported_by_an_earlier_file_is_imported(dsl, pupil):
    lines = _lines(pupil.upn)
    import_history(
        actor=dsl, lines=read_json_lines(json.dumps(lines["concern"])), source_system="A"
    )
    second = import_history(
        actor=dsl, lines=read_json_lines(json.dumps(lines["decision"])), source_system="B"
    )
    assert second.created == {"decision": 1}
    changed = {
        **lines["decision"],
        "occurred_at": "2026-01-20T09:00:00+00:00",
        "outcome": "monitor",
        "review_date": "2026-02-20",
        "text": "Monitor now.",
        "change_reason": "The family engaged.",
        "referral_outcomes": [],
    }
    third = import_history(
        actor=dsl,
        lines=read_json_lines("\n".join(json.dumps(x) for x in (lines["decision"], changed))),
        source_system="C",
    )
    assert (third.created, third.skipped) == ({"decision": 1}, 1)
    current = Decision.objects.get(superseded_by__isnull=True)
    assert (current.outcome, current.change_reason) == ("monitor", "The family engaged.")


BAD = [
    ("concern", ["children"], [{"upn": "X000000000000"}], "children[1].upn"),
    ("concern", ["children"], "SELF", "children[1].upn"),
    ("concern", ["children"], [{"upn": "N123456789012", "part": "bystander"}], "children[1].part"),
    ("concern", ["amendments", 0, "reason"], "", "amendments[1].reason"),
    (
        "concern",
        ["amendments", 0, "written_at"],
        "2026-01-01T09:00:00+00:00",
        "amendments[1].written_at",
    ),
    ("concern", ["body_marks", 0, "region"], "tail", "body_marks[1].region"),
    ("concern", ["body_marks", 0, "x"], 140, "body_marks[1].x"),
    ("concern", ["notes", 0, "author"], "someone", "notes[1].author"),
    ("concern", ["attachments", 0, "content"], "not base64!", "attachments[1].content"),
    ("concern", ["actions", 0, "due_on"], "", "actions[1].due_on"),
    ("concern", ["actions", 0, "completion_note"], "", "actions[1].completion_note"),
    ("concern", ["urgent_told_dsl"], "perhaps", "urgent_told_dsl"),
    ("decision", ["change_reason"], "Changed.", "change_reason"),
    ("decision", ["referral_outcomes", 0, "next_steps"], "", "referral_outcomes[1].next_steps"),
    (
        "decision",
        ["referral_outcomes", 0, "received_on"],
        "2026-01-01",
        "referral_outcomes[1].received_on",
    ),
    ("encompass", ["received_at"], "2026-01-15T20:00:00+00:00", "received_at"),
    ("encompass", ["child_present"], "maybe", "child_present"),
    ("encompass", ["welfare_check_on"], "", "welfare_check_on"),
    ("behaviour", ["incident_type"], "", "incident_type"),
    ("enrolment", ["pupil"], None, "pupil"),
    ("enrolment", ["pupil", "sex"], "Q", "pupil.sex"),
    ("enrolment", ["end_date"], "2025-01-01", "end_date"),
    ("enrolment", ["statuses", 0, "kind"], "", "statuses[1].kind"),
    ("known_factor", ["factor_code"], "99Z", "factor_code"),
    ("known_factor", ["withdrawal_reason"], "", "withdrawal_reason"),
    ("check_in", ["occurred_at"], "2019-01-01T09:00:00+00:00", "occurred_at"),
    ("support_status", ["level"], "gold", "level"),
    ("support_status", ["ends_on"], "2025-01-01", "ends_on"),
    ("check_in", ["cadence_days"], 0, "cadence_days"),
    ("voice", ["versions"], [], "versions"),
    ("voice", ["versions", 1, "amendment_reason"], "", "versions[2].amendment_reason"),
    ("voice", ["versions", 0, "words"], "", "versions[1].words"),
    ("voice", ["versions", 0, "share_methods"], ["mime"], "versions[1].share_methods"),
    ("voice", ["versions", 0, "themes"], ["secrets"], "versions[1].themes"),
    ("concern", ["child_themes"], "hunger", "child_themes"),
    ("agency_contact", ["responses", 0, "kind"], "", "responses[1].kind"),
    ("agency_contact", ["responses", 0, "received_on"], "2026-01-01", "received_on"),
    ("plan", ["ended_on"], "2025-01-01", "ended_on"),
    ("meeting", ["reports", 0, "content"], "***", "reports[1].content"),
    ("household_child", ["sightings"], "not json", "sightings"),
    ("household_child", ["sightings"], ["x"], "sightings"),
    ("enrolment", ["end_reason"], "moved", "end_reason"),
    ("enrolment", ["statuses", 0, "ended_on"], "2025-01-01", "statuses[1].ended_on"),
    ("enrolment", ["former_upns"], "Z1", "former_upns"),
    ("known_factor", ["withdrawn_at"], "2025-10-01T09:00:00+00:00", "withdrawn_at"),
    ("voice", ["versions", 1, "written_at"], "2026-01-01T09:00:00+00:00", "versions[2].written_at"),
    ("voice", ["versions", 0, "written_at"], "2027-01-01T09:00:00+00:00", "versions[1].written_at"),
    ("agency_contact", ["responses"], [1, 2], "responses"),
    ("plan", ["ended_on"], None, "ended_on"),
    ("meeting", ["reports", 0, "name"], "", "reports[1].name"),
    ("meeting", ["reports", 0, "content"], "", "reports[1].content"),
    ("check_in", ["trusted_adult"], "Mr X", "trusted_adult"),
    ("agency_contact", ["referral_concern_ref"], "C-1", "referral_decided_at"),
    ("agency_contact", ["responses", 1, "author"], "D. Lead", "responses[2].author"),
    ("meeting", ["contact_ref"], "AC-404", "contact_ref"),
    ("plan", ["ended_by"], {"role": "DSL"}, "ended_by"),
    ("concern", ["notes"], {"text": "not a list"}, "notes"),
    ("concern", ["notes"], [{"text": "Many."}] * 501, "notes"),
    ("concern", ["actions", 0, "created_at"], "2027-01-01T09:00:00+00:00", "actions[1].created_at"),
    ("concern", ["body_marks", 0, "side"], "left", "body_marks[1].side"),
    ("concern", ["body_marks", 0, "y"], None, "body_marks[1].x"),
    ("concern", ["body_marks", 0, "x"], "near the elbow", "body_marks[1].x"),
    ("concern", ["attachments", 0, "content"], "", "attachments[1].content"),
    ("decision", ["referral_outcomes", 0, "received_on"], None, "referral_outcomes[1].received_on"),
    (
        "decision",
        ["referral_outcomes", 0, "school_agrees"],
        None,
        "referral_outcomes[1].school_agrees",
    ),
    ("decision", ["outcome"], "lado", "adult_name"),
]


def _set(line: dict[str, Any], path: list[Any], value: Any) -> None:
    target: Any = line
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value


@pytest.mark.parametrize(
    ("kind", "path", "value", "field"), BAD, ids=[f"{b[0]}-{b[3]}" for b in BAD]
)
def test_a_bad_line_names_its_line_and_field_and_nothing_is_written(
    dsl, pupil, settings, kind, path, value, field
):
    lines = _lines(pupil.upn)
    bad = copy.deepcopy(lines[kind])
    _set(bad, path, [{"upn": pupil.upn}] if value == "SELF" else value)
    good = [line for name, line in lines.items() if name not in (kind, "decision")]
    if kind == "decision":
        good = [lines["concern"]]
    if kind == "concern":  # the new child the enrolment line brings comes first
        good = [lines["enrolment"], *(x for x in good if x is not lines["enrolment"])]
    text = "\n".join(json.dumps(x) for x in [*good, bad])
    before = _counts()
    with pytest.raises(ImportFailed) as failed:
        import_history(actor=dsl, lines=read_json_lines(text), source_system="Old")
    errors = [(e.line, e.field) for e in failed.value.errors]
    assert (len(good) + 1, field) in errors, failed.value.errors
    assert _counts() == before
    assert _files(settings) == []  # the good lines' attachments were not kept either


def test_an_enrolment_names_a_child_cairn_holds_at_another_school(dsl, other_school):
    from pupils.tests.factories import EnrolmentFactory

    elsewhere = EnrolmentFactory(school=other_school).pupil
    line = _lines(elsewhere.upn)["enrolment"] | {"upn": elsewhere.upn}
    del line["pupil"]  # the child is in Cairn: the details it has are kept
    import_history(actor=dsl, lines=read_json_lines(json.dumps(line)), source_system="Old")
    assert elsewhere.enrolments.filter(school=dsl.school).exists()
    assert elsewhere.statuses.get().kind == "young_carer"


def test_the_command_names_the_line_and_field(dsl, pupil, tmp_path: Path):
    line = _lines(pupil.upn)["support_status"] | {"level": "gold"}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_history", path, school=dsl.school.urn, actor=dsl.user.email)


def test_csv_cells_may_hold_json_lists(dsl, pupil):
    marks = json.dumps([{"side": "back", "region": "lower_back", "description": "Mark"}])
    cell = marks.replace('"', '""')
    text = (
        "kind,upn,occurred_at,author_name,text,source_ref,body_marks\n"
        f'concern,{pupil.upn},2026-01-10T09:00:00+00:00,A. Teacher,Seen.,C-9,"{cell}"\n'
    )
    import_history(actor=dsl, lines=read_csv(text), source_system="Old")
    assert Concern.objects.get().body_marks.get().region == "lower_back"
    bad = text.replace("C-9", "C-10").replace("[{", "[{{")
    with pytest.raises(ImportFailed, match="body_marks"):
        import_history(actor=dsl, lines=read_csv(bad), source_system="Old")


def test_csv_carries_a_new_child_and_the_childs_voice(dsl):
    import csv
    import io

    lines = _lines("N123456789012")
    enrolment, voice = lines["enrolment"], lines["voice"] | {"upn": "N123456789012"}
    voice["occurred_at"] = "2026-01-07T09:00:00+00:00"
    out = io.StringIO()
    columns = ["kind", "upn", "occurred_at", "author_name", "author_role", "text", "pupil"]
    columns += ["statuses", "versions"]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for line in (enrolment, voice):
        row = {k: line.get(k, "") for k in columns}
        row |= {"author_name": line["author"]["name"], "author_role": line["author"]["role"]}
        for key in ("pupil", "statuses", "versions"):
            row[key] = json.dumps(line[key]) if key in line else ""
        writer.writerow(row)
    result = import_history(actor=dsl, lines=read_csv(out.getvalue()), source_system="Old")
    assert result.created == {"enrolment": 1, "voice": 1}
    assert Pupil.objects.get(upn="N123456789012").voice_entries.get().versions.count() == 2
