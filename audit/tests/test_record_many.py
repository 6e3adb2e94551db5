"""`record_many`: a batch of events appended as `record` would append them one by one."""

import pytest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditAction, AuditEvent
from audit.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db


def _entries(dsl, pupil, count):
    return [
        audit.Entry(
            actor=dsl,
            action=AuditAction.PUPIL_CHANGED_BY_IMPORT,
            at=timezone.now(),
            target=pupil,
            pupil_id=pupil.pk,
            school_id=dsl.school_id,
            details={"file": "x.xml", "changes": [f"change {n}"]},
        )
        for n in range(count)
    ]


def test_a_batch_continues_the_chain_in_order(dsl, pupil):
    first = audit.record(actor=dsl, action=AuditAction.PUPIL_VIEWED, target=pupil)
    # Between two events appended one at a time.
    assert audit.record_many(_entries(dsl, pupil, 1203)) == 1203
    after = audit.record(actor=dsl, action=AuditAction.PUPIL_VIEWED, target=pupil)

    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(first.seq, first.seq + 1205))
    assert events[-1].pk == after.pk
    assert [e.details["changes"][0] for e in events[1:-1]] == [f"change {n}" for n in range(1203)]
    report = audit_chain_verify()
    assert report.intact
    assert report.events_checked == 1205


def test_a_batch_holds_what_record_would(dsl, pupil):
    entry = _entries(dsl, pupil, 1)[0]
    audit.record_many([entry])
    one = audit.record(
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        pupil_id=entry.pupil_id,
        details=entry.details,
        school_id=entry.school_id,
        at=entry.at,
    )
    batched = AuditEvent.objects.get(seq=one.seq - 1)
    columns = [
        "at",
        "actor_id",
        "actor_label",
        "role",
        "school_id",
        "action",
        "target_type",
        "target_id",
        "pupil_id",
        "ip_address",
        "user_agent",
        "reason",
        "details",
    ]
    stored = AuditEvent.objects.get(pk=one.pk)
    assert {c: getattr(batched, c) for c in columns} == {c: getattr(stored, c) for c in columns}
    assert stored.prev_seal == batched.seal


def test_nothing_to_append_writes_nothing(dsl):
    assert audit.record_many([]) == 0
    assert not AuditEvent.objects.exists()
