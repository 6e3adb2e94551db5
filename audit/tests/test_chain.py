"""The sealed audit chain: `verify_audit` finds an edited, a deleted and an inserted event."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from audit import services as audit
from audit.models import AuditAction, AuditEvent
from audit.selectors import audit_chain_verify


@pytest.fixture
def five_events(dsl, pupil):
    for _ in range(5):
        audit.record(actor=dsl, action=AuditAction.PUPIL_VIEWED, target=pupil, pupil_id=pupil.pk)
    return list(AuditEvent.objects.order_by("seq"))


def _tamper(sql: str, params: list[object]) -> None:
    """Change the table behind Cairn's back, as someone with database access might."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger would refuse; a superuser can switch triggers off.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_intact_chain_verifies(five_events, capsys):
    report = audit_chain_verify()
    assert report.intact
    assert report.events_checked == 5
    call_command("verify_audit")
    assert "Audit trail intact: 5 event(s) verified." in capsys.readouterr().out


def test_each_event_links_to_the_one_before(five_events):
    for before, after in itertools.pairwise(five_events):
        assert after.prev_seal == before.seal
        assert after.seq == before.seq + 1


def test_edited_event_is_reported(five_events):
    target = five_events[2]
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["nothing", target.seq])
    report = audit_chain_verify()
    assert report.first_break is not None
    assert report.first_break.kind == "edited"
    assert report.first_break.seq == target.seq
    with pytest.raises(CommandError, match=rf"Event #{target.seq} .* was edited"):
        call_command("verify_audit")


def test_deleted_event_is_reported(five_events):
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [five_events[1].seq])
    report = audit_chain_verify()
    assert report.first_break is not None
    assert report.first_break.kind == "deleted"
    assert report.first_break.seq == five_events[2].seq
    assert f"#{five_events[1].seq} were deleted" in report.first_break.message


def test_inserted_event_is_reported(five_events):
    last = five_events[-1]
    _tamper(
        "INSERT INTO audit_auditevent (seq, at, actor_label, role, action, target_type, "
        "target_id, user_agent, reason, details, prev_seal, seal) "
        "VALUES (%s, %s, '', '', 'pupil_viewed', '', '', '', '', '{}', %s, %s)",
        [last.seq + 1, last.at, "f" * 64, "e" * 64],
    )
    report = audit_chain_verify()
    assert report.first_break is not None
    assert report.first_break.kind == "inserted"
    assert report.first_break.seq == last.seq + 1


def test_seq_cannot_fork(five_events):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(
            seq=five_events[0].seq, at=five_events[0].at, action="x", prev_seal="", seal=""
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"],
)
def test_postgresql_refuses_update_and_delete(five_events, sql):
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 5


def test_record_outside_a_transaction_gets_its_own(dsl):
    event = audit.record(actor=dsl, action=AuditAction.SIGNED_IN)
    assert event.seq == 1
    assert event.role == "dsl"
    assert event.school_id == dsl.school_id
    assert event.actor_label == "dsl@oakfield.example"


def test_the_uuid_text_checked_is_the_uuids_own_in_every_stored_form():
    """The verification reads the UUID fields as text and gives them the form a seal covers,
    str(UUID(...)), mostly by slicing: every form a UUID can be stored in gives that text."""
    from uuid import uuid4

    from audit.selectors import _uuid_text

    for value in (uuid4() for _ in range(50)):
        forms = (value.hex, str(value), value.hex.upper(), f"{{{value}}}", f"urn:uuid:{value}")
        for stored in forms:
            assert _uuid_text(stored) == str(value)
    assert _uuid_text(None) is None
    assert _uuid_text("not a uuid") == "not a uuid"  # its seal will not match: reported


def test_an_event_whose_child_was_changed_is_reported(five_events):
    """A changed child (pupil_id) is caught through the text the verification reads."""
    from uuid import uuid4

    other = uuid4()
    stored = other.hex if connection.vendor == "sqlite" else str(other)
    _tamper("UPDATE audit_auditevent SET pupil_id = %s WHERE seq = 3", [stored])
    report = audit_chain_verify()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.seq) == ("edited", 3)
