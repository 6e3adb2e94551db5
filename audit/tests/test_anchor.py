"""Issue 14, item 4: the trail cannot be emptied on PostgreSQL, and removing its newest events is
caught by an anchor kept outside the database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit import services as audit
from audit.models import AuditAction, AuditEvent
from audit.selectors import Anchor, audit_anchor, audit_anchor_problem


@pytest.fixture
def five_events(dsl, pupil):
    for _ in range(5):
        audit.record(actor=dsl, action=AuditAction.PUPIL_VIEWED, target=pupil, pupil_id=pupil.pk)
    return list(AuditEvent.objects.order_by("seq"))


def _remove_from(seq: int) -> None:
    """Delete the newest events behind Cairn's back, as someone with database access might."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [seq])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def _anchor_line(capsys) -> str:
    call_command("audit_anchor")
    return capsys.readouterr().out.strip()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_truncate(five_events):
    # Before the fix TRUNCATE emptied the trail and verify_audit said "intact: 0 event(s)".
    with (
        pytest.raises(Exception, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 5


def test_the_anchor_names_the_newest_event(five_events, capsys):
    line = _anchor_line(capsys)
    assert line.startswith(f"cairn-audit-anchor seq=5 seal={five_events[-1].seal} at=")
    assert Anchor.parse(line) == Anchor(seq=5, seal=five_events[-1].seal)


def test_an_empty_trail_has_the_genesis_anchor(db):
    anchor = audit_anchor()
    assert anchor.seq == 0
    assert audit_anchor_problem(anchor) is None


def test_verify_with_the_anchor_passes_while_the_trail_holds_it(five_events, dsl, capsys):
    line = _anchor_line(capsys)
    audit.record(actor=dsl, action=AuditAction.SIGNED_IN)  # the trail grows after the anchor
    call_command("verify_audit", "--anchor", line)
    assert "Audit trail intact: 6 event(s) verified and 1 anchor(s)." in capsys.readouterr().out


def test_removing_the_newest_events_is_caught_by_the_anchor(five_events, capsys):
    line = _anchor_line(capsys)
    _remove_from(4)
    call_command("verify_audit")  # the chain alone cannot tell: #1 to #3 are still sound
    with pytest.raises(CommandError, match=r"ends at event #3, .* events #4 to #5 were removed"):
        call_command("verify_audit", "--anchor", line)


def test_emptying_the_trail_is_caught_by_the_anchor(five_events, capsys):
    line = _anchor_line(capsys)
    _remove_from(1)
    with pytest.raises(CommandError, match="The trail is empty, but the anchor records event #5"):
        call_command("verify_audit", "--anchor", line)


def test_a_rewritten_trail_is_caught_by_the_anchor(five_events, dsl, capsys):
    line = _anchor_line(capsys)
    _remove_from(1)
    for _ in range(6):  # a new chain from the start, as long as the old one and longer
        audit.record(actor=dsl, action=AuditAction.SIGNED_IN)
    with pytest.raises(CommandError, match="Event #5 differs from the anchor"):
        call_command("verify_audit", "--anchor", line)


def test_anchors_appended_to_a_file_are_all_checked(five_events, dsl, tmp_path, capsys):
    path = tmp_path / "anchors.txt"
    call_command("audit_anchor", "--append-to", str(path))
    audit.record(actor=dsl, action=AuditAction.SIGNED_IN)
    call_command("audit_anchor", "--append-to", str(path))
    assert len(path.read_text().splitlines()) == 2
    call_command("verify_audit", "--anchor", str(path))
    assert "6 event(s) verified and 2 anchor(s)" in capsys.readouterr().out
    _remove_from(6)
    with pytest.raises(CommandError, match="events #6 to #6 were removed"):
        call_command("verify_audit", "--anchor", str(path))


def test_a_malformed_anchor_is_named(db):
    with pytest.raises(CommandError, match="is not an audit anchor"):
        call_command("verify_audit", "--anchor", "seq=5")
