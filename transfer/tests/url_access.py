"""Who reaches each transfer URL. The safeguarding team at a school sends and receives its
children's files; everyone else is refused (403), the trust lead included (they read transferred
records on the chronology). Another school's DSL is told there is no such child or transfer
(404); their own ledger, term dates and import page are theirs (200)."""

from tests.access_table import Case, allow, world_object

_team = ("dsl", "deputy_dsl")
_child_level = allow(*_team, other_school_dsl=404)
_own_school = allow(*_team, "other_school_dsl")


def _object(name: str, build):
    def kwargs(world) -> dict[str, object]:
        key = {
            "transfer_started": "transfer_id",
            "transfer_incoming": "transfer_id",
            "transfer_received": "received_id",
            "transfer_attachment": "attachment_id",
        }
        return {key[name]: world_object(world, name, build).pk}

    return kwargs


def _started(w):
    from django.utils import timezone

    from transfer.models import Transfer

    return Transfer.objects.create(
        school=w.school,
        pupil=w.pupil,
        to_school_name="Hilltop Primary",
        left_on=timezone.localdate(),
        due_on=timezone.localdate(),
        started_by=w.dsl,
        started_at=timezone.now(),
    )


def _incoming(w):
    from django.utils import timezone

    from schools.models import Role
    from schools.tests.factories import MembershipFactory, SchoolFactory
    from transfer.models import Status, Transfer

    sister = SchoolFactory(trust=w.school.trust)
    return Transfer.objects.create(
        school=sister,
        pupil=w.pupil,
        to_school=w.school,
        to_school_name=w.school.name,
        left_on=timezone.localdate(),
        due_on=timezone.localdate(),
        status=Status.SENT,
        bundle_sha256="0" * 64,
        started_by=MembershipFactory(school=sister, role=Role.DSL),
        started_at=timezone.now(),
    )


def _received(w):
    from django.utils import timezone

    from transfer.models import ReceivedTransfer

    return ReceivedTransfer.objects.create(
        school=w.school,
        pupil=w.pupil,
        from_school_name="Hilltop Primary",
        sender_transfer_id="small-world",
        bundle_sha256="0" * 64,
        matched_by="upn",
        imported_by=w.dsl,
        imported_at=timezone.now(),
    )


def _attachment(w):
    from transfer import storage
    from transfer.models import TransferredAttachment

    return TransferredAttachment.objects.create(
        received=world_object(w, "transfer_received", _received),
        original_name="letter.txt",
        content_type="text/plain",
        size=5,
        sha256="0" * 64,
        stored_name=storage.store(storage.RECEIVED, b"hello"),
    )


_transfer = _object("transfer_started", _started)
_incoming_kwargs = _object("transfer_incoming", _incoming)
_received_kwargs = _object("transfer_received", _received)
_attachment_kwargs = _object("transfer_attachment", _attachment)

CASES = {
    "transfer:ledger": Case(_own_school),
    "transfer:terms": Case(_own_school),
    "transfer:import": Case(_own_school),
    "transfer:start": Case(_child_level, kwargs=lambda w: {"pupil_id": w.pupil.pk}),
    "transfer:detail": Case(_child_level, kwargs=_transfer),
    "transfer:prepare": Case(_child_level, kwargs=_transfer),
    # The world's transfer is not prepared yet: there is no file to download (404).
    "transfer:bundle": Case(allow(*_team, ok=404, other_school_dsl=404), kwargs=_transfer),
    "transfer:sent": Case(_child_level, kwargs=_transfer),
    "transfer:receipt_upload": Case(_child_level, kwargs=_transfer),
    "transfer:incoming": Case(_child_level, kwargs=_incoming_kwargs),
    "transfer:received": Case(_child_level, kwargs=_received_kwargs),
    "transfer:receipt": Case(_child_level, kwargs=_received_kwargs),
    "transfer:attachment": Case(_child_level, kwargs=_attachment_kwargs),
}
