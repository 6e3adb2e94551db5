"""Edges: the sealed file's header, the bundle's archive, who sees transferred records on the
chronology, the leaving hook's cases, and the services' plain refusals."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chronology.selectors import ChronologyFilters, chronology_for
from schools.models import Role
from schools.tests.factories import MembershipFactory, SchoolFactory
from sources.chronology import Window
from transfer import bundle as bundles
from transfer import crypto, panels, selectors, services, storage
from transfer.chronology import transferred_entries
from transfer.models import ReceivedTransfer, TermDates, Transfer, TransferredRecord
from transfer.tests.helpers import child_with_file, leave

HEADER = {"to_school": {"urn": "100000", "name": "A"}}


def _sealed(contents: bytes = b"hello") -> tuple[bytes, str]:
    passphrase = crypto.new_passphrase()
    sealed, _ = crypto.seal(contents, passphrase=passphrase, header=HEADER)
    return sealed, passphrase


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda s: b"CAIRN-TRANSFER-1\n{no end", "stops before its header ends"),
        (lambda s: b"CAIRN-TRANSFER-1\n{not json}\n", "header cannot be read"),
        (lambda s: b'CAIRN-TRANSFER-1\n{"scheme": "other"}\n', "cannot open"),
        (lambda s: s.replace(b'"nonce": "', b'"nonce": "zz'), "missing a part"),
        (lambda s: s.replace(b'"n": 32768', b'"n": 1024'), "does not accept"),
        (lambda s: s.replace(b'"n": 32768', b'"n": 40000'), "does not accept"),
    ],
)
def test_a_bad_header_is_refused(mangle, reason):
    sealed, passphrase = _sealed()
    with pytest.raises(crypto.SealError, match=reason):
        crypto.open_sealed(mangle(sealed), passphrase=passphrase)


def test_an_empty_bundle_seals_and_opens():
    sealed, passphrase = _sealed(b"")
    assert crypto.open_sealed(sealed, passphrase=passphrase).contents == b""


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"file.json": b"{}"}, "has no manifest"),
        ({"manifest.json": b"[]"}, "manifest cannot be read"),
        (
            {"manifest.json": json.dumps({"files": [{"path": "file.json"}]}).encode()},
            "missing file.json",
        ),
    ],
)
def test_a_bad_archive_is_refused(files, reason):
    with pytest.raises(bundles.BundleError, match=reason):
        bundles.unpack(_zip(files))


def test_manifest_and_file_must_agree():
    document = json.dumps({"format": "other"}).encode()
    pdf = b"%PDF-1.7"
    manifest = {
        "transfer_id": "x",
        "files": [
            {"path": p, "size": len(d), "sha256": bundles._sha(d)}
            for p, d in (("file.json", document), ("file.pdf", pdf))
        ],
    }
    files = {"manifest.json": json.dumps(manifest).encode(), "file.json": document, "file.pdf": pdf}
    with pytest.raises(bundles.BundleError, match="Cairn's format"):
        bundles.unpack(_zip(files))


def test_storage_stays_in_its_folder(settings):
    with pytest.raises(ValueError, match="outside"):
        storage.path_of(storage.RECEIVED, "../escape")
    name = storage.store(storage.RECEIVED, b"x")
    storage.discard(storage.RECEIVED, [name])
    assert not storage.path_of(storage.RECEIVED, name).exists()


@pytest.mark.django_db
def test_who_sees_transferred_records_on_the_chronology(
    dsl, headteacher, teacher, pupil, trust_lead_reason
):
    now = timezone.now()
    received = ReceivedTransfer.objects.create(
        school=dsl.school,
        pupil=pupil,
        from_school_name="Hilltop Primary",
        sender_transfer_id="t",
        bundle_sha256="0" * 64,
        matched_by="upn",
        imported_by=dsl,
        imported_at=now,
    )
    for days in (400, 10):
        TransferredRecord.objects.create(
            received=received,
            school=dsl.school,
            pupil=pupil,
            original_id=f"concern:{days}",
            kind="concern",
            kind_label="Concern",
            occurred_at=now - timedelta(days=days),
            title=f"{days} days ago",
        )

    def seen(viewer, window=None):
        return [
            e.title
            for e in transferred_entries(
                viewer=viewer, pupil_ids=[pupil.pk], window=window or Window()
            )
        ]

    assert seen(dsl) == ["Concern: 400 days ago", "Concern: 10 days ago"]
    assert len(seen(headteacher)) == 2
    assert all(
        e.url is None
        for e in transferred_entries(viewer=headteacher, pupil_ids=[pupil.pk], window=Window())
    )
    assert seen(teacher) == []
    assert len(seen(trust_lead_reason)) == 2
    recent = Window(start=timezone.localdate() - timedelta(days=30), end=timezone.localdate())
    assert seen(dsl, recent) == ["Concern: 10 days ago"]
    shown = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    assert [e.kind_label for e in shown.entries] == ["Transferred from Hilltop Primary"] * 2
    assert str(received) == "File from Hilltop Primary"
    assert str(TransferredRecord.objects.first())


@pytest.mark.django_db
def test_panels_are_for_the_team_only(teacher, pupil):
    assert panels.inbox_panel(viewer=teacher) is None
    assert panels.front_sheet_panel(viewer=teacher, pupil=pupil) is None


@pytest.mark.django_db
def test_trust_schools(dsl, other_school, unrelated_school):
    assert list(selectors.trust_schools(viewer=dsl)) == [other_school]
    alone = MembershipFactory(school=unrelated_school, role=Role.DSL)
    assert list(selectors.trust_schools(viewer=alone)) == []


@pytest.mark.django_db
def test_leaving_to_a_trust_school_by_name_is_a_direct_transfer(dsl, pupil, other_school):
    child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    leave(dsl=dsl, pupil=pupil, destination=other_school.name.upper())
    transfer = Transfer.objects.get()
    assert transfer.to_school == other_school
    assert transfer.direct
    assert str(transfer) == f"Transfer to {other_school.name}"


@pytest.mark.django_db
def test_leaving_for_no_known_school_starts_a_transfer_to_prepare_later(dsl, pupil):
    from casework.services.roll import leaving_record

    child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    leaving_record(
        actor=dsl,
        pupil=pupil,
        left_on=timezone.localdate() - timedelta(days=1),
        reason="moved_away",
        destination="Somewhere abroad",
    )
    assert Transfer.objects.get().to_school_name == "School not known yet"


@pytest.mark.django_db
def test_service_refusals(dsl, pupil):
    with pytest.raises(ValidationError, match="term's name"):
        services.term_dates_add(
            actor=dsl, name=" ", starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 1)
        )
    term = services.term_dates_add(
        actor=dsl, name="Autumn", starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 1)
    )
    assert str(term) == "Autumn: 1 Sep 2026 to 1 Oct 2026"
    assert TermDates.objects.count() == 1
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.transfer_start(
            actor=dsl, pupil=pupil, left_on=timezone.localdate() + timedelta(days=1)
        )
    transfer = services.transfer_start(
        actor=dsl, pupil=pupil, left_on=timezone.localdate(), to_school_name="Hilltop"
    )
    transfer.status = "prepared"
    transfer.bundle_sha256 = "0" * 64
    transfer.receipt_key = "00" * 32
    transfer.save()
    too_big = b" " * (70 * 1024)
    with pytest.raises(ValidationError, match="too large"):
        services.receipt_confirm(actor=dsl, transfer=transfer, receipt=too_big)
    base = {"format": "cairn-cp-file-receipt", "transfer_id": str(transfer.pk)}
    unsigned = json.dumps({**base, "signature": 5}).encode()
    with pytest.raises(ValidationError, match="no signature"):
        services.receipt_confirm(actor=dsl, transfer=transfer, receipt=unsigned)
    document = {**base, "bundle_sha256": "0" * 64, "received_at": "not a date"}
    signed = {**document, "signature": crypto.sign(document, bytes(32))}
    with pytest.raises(ValidationError, match="date cannot be read"):
        services.receipt_confirm(actor=dsl, transfer=transfer, receipt=json.dumps(signed).encode())
    other = {**document, "bundle_sha256": "1" * 64}
    with pytest.raises(ValidationError, match="different copy"):
        services.receipt_confirm(actor=dsl, transfer=transfer, receipt=json.dumps(other).encode())
    # Confirmed straight from prepared: the receipt's time stands for when it was sent.
    document["received_at"] = timezone.now().isoformat()
    signed = {**document, "signature": crypto.sign(document, bytes(32))}
    services.receipt_confirm(actor=dsl, transfer=transfer, receipt=json.dumps(signed).encode())
    transfer.refresh_from_db()
    assert transfer.sent_at == transfer.confirmed_at


@pytest.mark.django_db
def test_a_receiving_school_without_the_child_is_refused_by_hand_too(dsl, pupil):
    elsewhere = SchoolFactory()
    receiver = MembershipFactory(school=elsewhere, role=Role.DSL)
    with pytest.raises(ValidationError, match="Choose a child on your school's roll"):
        services.receiving._match(actor=receiver, upn=pupil.upn, pupil_id=pupil.pk)
