"""Round trip: a child's whole file leaves one school, sealed, and arrives at another with every
record and attachment as it was; bad files are refused with nothing written."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from chronology.selectors import ChronologyFilters, chronology_for
from schools.tests.factories import SchoolFactory
from transfer import bundle as bundles
from transfer import crypto, services, storage
from transfer.models import (
    ReceivedTransfer,
    Status,
    Transfer,
    TransferredAttachment,
    TransferredRecord,
)
from transfer.tests.helpers import child_with_file, leave, receiving_dsl

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(dsl, pupil):
    return child_with_file(dsl=dsl, pupil=pupil)


@pytest.fixture
def prepared(sent, unrelated_school):
    leave(dsl=sent.dsl, pupil=sent.pupil, destination=unrelated_school.name)
    transfer = Transfer.objects.get(pupil=sent.pupil)
    transfer, passphrase = services.transfer_prepare(
        actor=sent.dsl,
        transfer=transfer,
        to_school_name=unrelated_school.name,
        to_school_urn=unrelated_school.urn,
    )
    return transfer, passphrase


def _nothing_written():
    assert ReceivedTransfer.objects.count() == 0
    assert TransferredRecord.objects.count() == 0
    assert TransferredAttachment.objects.count() == 0
    folder = storage.folder(storage.RECEIVED)
    assert not folder.exists() or not any(folder.iterdir())


def test_leaving_with_a_file_starts_a_transfer(sent, unrelated_school):
    leaving = leave(dsl=sent.dsl, pupil=sent.pupil, destination=unrelated_school.name)
    transfer = Transfer.objects.get(pupil=sent.pupil)
    assert transfer.leaving_id == leaving.pk
    assert transfer.status == Status.STARTED
    assert transfer.to_school_name == unrelated_school.name
    assert transfer.due_on > leaving.left_on


def test_leaving_without_a_file_starts_nothing(dsl, pupil):
    leave(dsl=dsl, pupil=pupil, destination="Another school")
    assert not Transfer.objects.exists()


def test_round_trip_keeps_every_record_and_attachment(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    sealed = services.bundle_bytes(transfer)
    assert hashlib.sha256(sealed).hexdigest() == transfer.bundle_sha256
    receiver = receiving_dsl(unrelated_school, sent.pupil)

    received = services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)

    original = chronology_for(viewer=sent.dsl, pupils=[sent.pupil], filters=ChronologyFilters())
    assert len(original.entries) >= 7
    copied = TransferredRecord.objects.filter(received=received).order_by("occurred_at")
    assert received.records == len(original.entries) == copied.count()
    by_id = {r.original_id: r for r in copied}
    for entry in original.entries:
        record = by_id[f"{entry.kind}:{entry.source_id}"]
        assert (record.title, record.summary, record.author) == (
            entry.title,
            entry.summary,
            entry.author,
        )
        assert record.occurred_at == entry.occurred_at
        assert record.recorded_at == entry.recorded_at
        assert record.kind_label == entry.kind_label
        assert tuple(record.categories) == entry.categories
        assert record.significant == entry.significant
        assert record.pupil_id == sent.pupil.pk
    files = {
        a.original_name: storage.path_of(storage.RECEIVED, a.stored_name).read_bytes()
        for a in received.transferred_attachments.exclude(content_type="application/pdf")
    }
    assert files == sent.attachments
    for a in received.transferred_attachments.exclude(content_type="application/pdf"):
        assert a.record is not None
        assert a.record.kind == "concern"
        assert hashlib.sha256(files[a.original_name]).hexdigest() == a.sha256
    pdf = received.transferred_attachments.get(content_type="application/pdf")
    assert storage.path_of(storage.RECEIVED, pdf.stored_name).read_bytes().startswith(b"%PDF-")

    # The receiving chronology shows them, in order, marked as transferred.
    arrived = chronology_for(viewer=receiver, pupils=[sent.pupil], filters=ChronologyFilters())
    mine = [e for e in arrived.entries if e.kind == "transferred"]
    assert [e.occurred_at for e in mine] == [e.occurred_at for e in original.entries]
    assert all(e.kind_label == f"Transferred from {sent.dsl.school.name}" for e in mine)
    assert [e.author for e in mine] == [e.author for e in original.entries]

    # The receipt goes back; the sender's ledger shows it confirmed, by whom and when.
    receipt = json.dumps(received.receipt).encode()
    services.receipt_confirm(actor=sent.dsl, transfer=transfer, receipt=receipt)
    transfer.refresh_from_db()
    assert transfer.status == Status.CONFIRMED
    assert receiver.user.full_name in transfer.confirmed_by
    assert transfer.confirmed_at is not None


def test_a_changed_receipt_is_refused(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    receiver = receiving_dsl(unrelated_school, sent.pupil)
    received = services.bundle_import(
        actor=receiver, sealed=services.bundle_bytes(transfer), passphrase=passphrase
    )
    forged = {**received.receipt, "received_by": "Someone else"}
    with pytest.raises(ValidationError, match="signature does not check"):
        services.receipt_confirm(
            actor=sent.dsl, transfer=transfer, receipt=json.dumps(forged).encode()
        )
    other = {**received.receipt, "transfer_id": "another"}
    with pytest.raises(ValidationError, match="another transfer"):
        services.receipt_confirm(
            actor=sent.dsl, transfer=transfer, receipt=json.dumps(other).encode()
        )
    with pytest.raises(ValidationError, match="not a Cairn transfer receipt"):
        services.receipt_confirm(actor=sent.dsl, transfer=transfer, receipt=b"not json")
    transfer.refresh_from_db()
    assert transfer.status == Status.PREPARED


def test_tampered_file_is_refused(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    sealed = bytearray(services.bundle_bytes(transfer))
    sealed[len(sealed) // 2] ^= 0x01
    receiver = receiving_dsl(unrelated_school, sent.pupil)
    with pytest.raises(ValidationError, match="changed since it was sealed"):
        services.bundle_import(actor=receiver, sealed=bytes(sealed), passphrase=passphrase)
    _nothing_written()


def test_wrong_passphrase_is_refused(sent, prepared, unrelated_school):
    transfer, _ = prepared
    receiver = receiving_dsl(unrelated_school, sent.pupil)
    with pytest.raises(ValidationError, match="passphrase is not the one"):
        services.bundle_import(
            actor=receiver,
            sealed=services.bundle_bytes(transfer),
            passphrase=crypto.new_passphrase(),
        )
    _nothing_written()


def test_passphrase_typed_loosely_still_opens(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    receiver = receiving_dsl(unrelated_school, sent.pupil)
    loose = passphrase.replace("-", " ").lower()
    received = services.bundle_import(
        actor=receiver, sealed=services.bundle_bytes(transfer), passphrase=loose
    )
    assert received.records > 0


def test_a_file_for_another_school_is_refused(sent, prepared):
    transfer, passphrase = prepared
    elsewhere = SchoolFactory()
    receiver = receiving_dsl(elsewhere, sent.pupil)
    with pytest.raises(ValidationError, match="was sealed for"):
        services.bundle_import(
            actor=receiver, sealed=services.bundle_bytes(transfer), passphrase=passphrase
        )
    _nothing_written()


def test_truncated_file_is_refused(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    sealed = services.bundle_bytes(transfer)
    receiver = receiving_dsl(unrelated_school, sent.pupil)
    for cut in (sealed[: len(sealed) - 100], sealed[:40], sealed[:10]):
        with pytest.raises(ValidationError):
            services.bundle_import(actor=receiver, sealed=cut, passphrase=passphrase)
    _nothing_written()


def test_unknown_child_is_refused_then_matched_by_hand(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    receiver = receiving_dsl(unrelated_school)
    sealed = services.bundle_bytes(transfer)
    with pytest.raises(ValidationError, match="No child on your school's roll"):
        services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    _nothing_written()
    # The child arrives on the roll under a new record (say the MIS gave a temporary UPN).
    from pupils.tests.factories import EnrolmentFactory, PupilFactory

    newcomer = PupilFactory()
    EnrolmentFactory(pupil=newcomer, school=unrelated_school)
    received = services.bundle_import(
        actor=receiver, sealed=sealed, passphrase=passphrase, pupil_id=newcomer.pk
    )
    assert received.pupil_id == newcomer.pk
    assert received.matched_by == "hand"
    assert received.upn_in_file == sent.pupil.upn
    with pytest.raises(ValidationError, match="imported already"):
        services.bundle_import(
            actor=receiver, sealed=sealed, passphrase=passphrase, pupil_id=newcomer.pk
        )


def _reseal(contents: bytes, *, passphrase: str, urn: str) -> bytes:
    sealed, _ = crypto.seal(
        contents, passphrase=passphrase, header={"to_school": {"urn": urn, "name": "X"}}
    )
    return sealed


def _rezip(contents: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(contents))
    files = {name: source.read(name) for name in source.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_file_failing_its_hashes_is_refused(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    inner = crypto.open_sealed(services.bundle_bytes(transfer), passphrase=passphrase).contents
    receiver = receiving_dsl(unrelated_school, sent.pupil)

    def swap_attachment(files):
        name = next(n for n in files if n.startswith("attachments/"))
        files[name] = b"something else"

    def extra_file(files):
        files["attachments/9999-extra.txt"] = b"not listed"

    def drop_pdf(files):
        del files["file.pdf"]

    def bad_json(files):
        files["file.json"] = b"{"
        manifest = json.loads(files["manifest.json"])
        for f in manifest["files"]:
            if f["path"] == "file.json":
                f["sha256"] = hashlib.sha256(b"{").hexdigest()
                f["size"] = 1
        files["manifest.json"] = json.dumps(manifest).encode()

    cases = {
        swap_attachment: "does not match its hash",
        extra_file: "does not list",
        drop_pdf: "missing file.pdf",
        bad_json: "not valid JSON",
    }
    for change, message in cases.items():
        changed = _rezip(inner, change)
        sealed = _reseal(changed, passphrase=passphrase, urn=unrelated_school.urn)
        with pytest.raises(ValidationError, match=message):
            services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    sealed = _reseal(b"not a zip", passphrase=passphrase, urn=unrelated_school.urn)
    with pytest.raises(ValidationError, match="not a readable archive"):
        services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    _nothing_written()


def test_a_file_whose_inside_names_another_school_is_refused(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    inner = crypto.open_sealed(services.bundle_bytes(transfer), passphrase=passphrase).contents
    elsewhere = SchoolFactory()
    receiver = receiving_dsl(elsewhere, sent.pupil)
    sealed = _reseal(inner, passphrase=passphrase, urn=elsewhere.urn)
    with pytest.raises(ValidationError, match="was made for"):
        services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    _nothing_written()


def test_not_a_transfer_file(unrelated_school):
    receiver = receiving_dsl(unrelated_school)
    with pytest.raises(ValidationError, match="not a Cairn transfer file"):
        services.bundle_import(actor=receiver, sealed=b"%PDF-1.7", passphrase="x")
    _nothing_written()


def test_direct_transfer_within_the_trust(sent, other_school):
    transfer = services.transfer_start(
        actor=sent.dsl,
        pupil=sent.pupil,
        left_on=sent.pupil.enrolments.get().start_date,
        to_school=other_school,
    )
    transfer, passphrase = services.transfer_prepare(actor=sent.dsl, transfer=transfer)
    assert passphrase == ""
    assert transfer.status == Status.SENT
    assert transfer.method == "direct"
    receiver = receiving_dsl(other_school, sent.pupil)
    received = services.direct_import(actor=receiver, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == Status.CONFIRMED
    assert receiver.user.full_name in transfer.confirmed_by
    assert received.records == transfer.records
    with pytest.raises(ValidationError, match="not waiting"):
        services.direct_import(actor=receiver, transfer=transfer)


def test_only_a_trust_school_is_a_direct_destination(sent, unrelated_school):
    with pytest.raises(ValidationError, match="another school of your trust"):
        services.transfer_start(
            actor=sent.dsl,
            pupil=sent.pupil,
            left_on=sent.pupil.enrolments.get().start_date,
            to_school=unrelated_school,
        )


def test_steps_in_order_and_by_the_team(sent, prepared, teacher):
    transfer, _ = prepared
    with pytest.raises(ValidationError, match="already prepared"):
        services.transfer_prepare(actor=sent.dsl, transfer=transfer)
    with pytest.raises(ValidationError, match="Only the safeguarding team"):
        services.transfer_sent(actor=teacher, transfer=transfer, method="portal")
    with pytest.raises(ValidationError, match="Choose how"):
        services.transfer_sent(actor=sent.dsl, transfer=transfer, method="direct")
    services.transfer_sent(actor=sent.dsl, transfer=transfer, method="portal")
    assert transfer.status == Status.SENT


def test_prepare_needs_the_receiving_school(sent):
    transfer = services.transfer_start(
        actor=sent.dsl, pupil=sent.pupil, left_on=sent.pupil.enrolments.get().start_date
    )
    assert transfer.to_school_name == "School not known yet"
    with pytest.raises(ValidationError, match="URN"):
        services.transfer_prepare(actor=sent.dsl, transfer=transfer)
    with pytest.raises(ValidationError, match="name"):
        services.transfer_prepare(actor=sent.dsl, transfer=transfer, to_school_urn="123456")
    with pytest.raises(ValidationError, match="6 digits"):
        services.transfer_start(
            actor=sent.dsl,
            pupil=sent.pupil,
            left_on=sent.pupil.enrolments.get().start_date,
            to_school_urn="12",
        )


def test_a_missing_attachment_stops_the_bundle(sent):
    from concerns.models import Attachment
    from concerns.services.attachments import attachment_path

    attachment_path(Attachment.objects.first()).unlink()
    transfer = services.transfer_start(
        actor=sent.dsl,
        pupil=sent.pupil,
        left_on=sent.pupil.enrolments.get().start_date,
        to_school_name="Next School",
        to_school_urn="123456",
    )
    with pytest.raises(ValidationError, match="missing from storage"):
        services.transfer_prepare(actor=sent.dsl, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == Status.STARTED
    folder = storage.folder(storage.SEALED)
    assert not folder.exists() or not any(folder.iterdir())


def test_bundle_json_names_the_format(sent, prepared):
    transfer, passphrase = prepared
    inner = crypto.open_sealed(services.bundle_bytes(transfer), passphrase=passphrase).contents
    unpacked = bundles.unpack(inner)
    document = unpacked.document
    assert document["format"] == "cairn-cp-file"
    assert document["version"] == 1
    assert document["child"]["upn"] == sent.pupil.upn
    kinds = {r["kind"] for r in document["records"]}
    assert {"concern", "decision", "plan", "meeting", "agency_contact"} <= kinds
    assert len(document["attachments"]) == len(sent.attachments)


def test_a_received_file_of_another_type_is_served_as_bytes(sent, prepared, unrelated_school):
    transfer, passphrase = prepared
    inner = crypto.open_sealed(services.bundle_bytes(transfer), passphrase=passphrase).contents

    def as_html(files):
        document = json.loads(files["file.json"])
        document["attachments"][0]["content_type"] = "text/html"
        files["file.json"] = json.dumps(document).encode()
        manifest = json.loads(files["manifest.json"])
        for f in manifest["files"]:
            if f["path"] == "file.json":
                f["sha256"] = hashlib.sha256(files["file.json"]).hexdigest()
                f["size"] = len(files["file.json"])
        files["manifest.json"] = json.dumps(manifest).encode()

    sealed = _reseal(_rezip(inner, as_html), passphrase=passphrase, urn=unrelated_school.urn)
    receiver = receiving_dsl(unrelated_school, sent.pupil)
    received = services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    types = set(received.transferred_attachments.values_list("content_type", flat=True))
    assert "text/html" not in types
    assert "application/octet-stream" in types
