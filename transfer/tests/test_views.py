"""The transfer pages through the Django test client: start by hand, prepare, download, record
sending, import, receipt; the trust's direct transfer; every read audited."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from conftest import signed_in_client
from pupils.tests.factories import EnrolmentFactory, PupilFactory
from transfer.models import ReceivedTransfer, Status, Transfer
from transfer.tests.helpers import child_with_file, receiving_dsl

pytestmark = pytest.mark.django_db


def _date(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def _start(client, pupil, **data):
    start = pupil.enrolments.get().start_date
    return client.post(
        reverse("transfer:start", args=[pupil.pk]), {**_date("left_on", start), **data}
    )


def test_start_prepare_send_import_and_confirm(dsl, pupil, unrelated_school):
    sent = child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    client = signed_in_client(dsl)
    page = client.get(reverse("transfer:start", args=[pupil.pk]))
    assert page.status_code == 200
    assert "Start a child protection file transfer" in page.content.decode()
    assert _start(client, pupil, to_school_urn="12").status_code == 400
    response = _start(
        client, pupil, to_school_name=unrelated_school.name, to_school_urn=unrelated_school.urn
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == reverse("transfer:detail", args=[transfer.pk])
    assert "To prepare" in client.get(response["Location"]).content.decode()

    prepare = reverse("transfer:prepare", args=[transfer.pk])
    assert client.get(prepare).status_code == 200
    assert client.post(prepare, {"to_school_name": unrelated_school.name}).status_code == 400
    done = client.post(
        prepare, {"to_school_name": unrelated_school.name, "to_school_urn": unrelated_school.urn}
    )
    passphrase = done.context["passphrase"]
    assert passphrase in done.content.decode()
    # Prepared once: the page now goes back to the transfer.
    assert client.get(prepare).status_code == 302
    detail = client.get(reverse("transfer:detail", args=[transfer.pk])).content.decode()
    assert "Download the sealed file" in detail
    download = client.get(reverse("transfer:bundle", args=[transfer.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    sealed = download.content
    assert AuditEvent.objects.filter(action=AuditAction.TRANSFER_BUNDLE_DOWNLOADED).count() == 1

    sent_url = reverse("transfer:sent", args=[transfer.pk])
    assert client.get(sent_url).status_code == 200
    assert client.post(sent_url, {}).status_code == 400
    assert client.post(sent_url, {"method": "portal"}).status_code == 302
    assert Transfer.objects.get().status == Status.SENT

    receiver = receiving_dsl(unrelated_school, pupil)
    theirs = signed_in_client(receiver)
    page = theirs.get(reverse("transfer:import"))
    assert page.status_code == 200
    imported = theirs.post(
        reverse("transfer:import"),
        {"bundle": SimpleUploadedFile("f.cairn-transfer", sealed), "passphrase": passphrase},
    )
    received = ReceivedTransfer.objects.get()
    assert imported["Location"] == reverse("transfer:received", args=[received.pk])
    shown = theirs.get(imported["Location"]).content.decode()
    assert "Download the receipt" in shown
    assert "drawing-0.png" in shown
    ledger = theirs.get(reverse("transfer:ledger")).content.decode()
    assert f"from {dsl.school.name}" in ledger
    receipt = theirs.get(reverse("transfer:receipt", args=[received.pk]))
    attachment = received.transferred_attachments.get(original_name="drawing-0.png")
    opened = theirs.get(reverse("transfer:attachment", args=[attachment.pk]))
    assert opened.content == sent.attachments["drawing-0.png"]

    upload = reverse("transfer:receipt_upload", args=[transfer.pk])
    assert client.get(upload).status_code == 200
    bad = client.post(upload, {"receipt": SimpleUploadedFile("r.json", b"{}")})
    assert bad.status_code == 400
    good = client.post(upload, {"receipt": SimpleUploadedFile("r.json", receipt.content)})
    assert good.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Status.CONFIRMED
    assert json.loads(receipt.content)["transfer_id"] == str(transfer.pk)
    assert "Receipt confirmed" in client.get(reverse("transfer:ledger")).content.decode()


def test_a_refused_import_shows_why(dsl, unrelated_school):
    receiver = receiving_dsl(unrelated_school)
    client = signed_in_client(receiver)
    response = client.post(
        reverse("transfer:import"),
        {"bundle": SimpleUploadedFile("f.cairn-transfer", b"nonsense"), "passphrase": "x"},
    )
    assert response.status_code == 400
    assert "This is not a Cairn transfer file." in response.content.decode()
    refused = AuditEvent.objects.get(action=AuditAction.TRANSFER_IMPORT_REFUSED)
    assert refused.details["reason"] == "This is not a Cairn transfer file."


def test_direct_transfer_in_the_trust_through_the_pages(dsl, pupil, other_school):
    child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    client = signed_in_client(dsl)
    _start(client, pupil, to_school=str(other_school.pk))
    transfer = Transfer.objects.get()
    assert transfer.direct
    page = client.get(reverse("transfer:prepare", args=[transfer.pk])).content.decode()
    assert "Send the file" in page
    client.post(reverse("transfer:prepare", args=[transfer.pk]), {})
    transfer.refresh_from_db()
    assert transfer.status == Status.SENT
    assert client.get(reverse("transfer:bundle", args=[transfer.pk])).status_code == 404

    # At the trust's other school, before the child is on its roll: a count, no name.
    receiver = receiving_dsl(other_school)
    theirs = signed_in_client(receiver)
    ledger = theirs.get(reverse("transfer:ledger")).content.decode()
    assert "1 file waits for a child not yet on your roll" in ledger
    assert pupil.display_name not in ledger
    assert theirs.get(reverse("transfer:incoming", args=[transfer.pk])).status_code == 404
    EnrolmentFactory(pupil=pupil, school=other_school)
    assert pupil.display_name in theirs.get(reverse("transfer:ledger")).content.decode()
    assert theirs.get(reverse("transfer:incoming", args=[transfer.pk])).status_code == 200
    response = theirs.post(reverse("transfer:incoming", args=[transfer.pk]))
    received = ReceivedTransfer.objects.get()
    assert response["Location"] == reverse("transfer:received", args=[received.pk])
    assert "confirmed to" in theirs.get(response["Location"]).content.decode()
    transfer.refresh_from_db()
    assert transfer.status == Status.CONFIRMED
    # Taken in once only.
    assert theirs.post(reverse("transfer:incoming", args=[transfer.pk])).status_code == 404


def test_a_direct_file_that_is_missing_is_refused(dsl, pupil, other_school):
    child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    client = signed_in_client(dsl)
    _start(client, pupil, to_school=str(other_school.pk))
    transfer = Transfer.objects.get()
    client.post(reverse("transfer:prepare", args=[transfer.pk]), {})
    from transfer import storage

    storage.path_of(storage.SEALED, Transfer.objects.get().bundle_stored_as).unlink()
    receiver = receiving_dsl(other_school, pupil)
    response = signed_in_client(receiver).post(reverse("transfer:incoming", args=[transfer.pk]))
    assert response["Location"] == reverse("transfer:ledger")
    assert not ReceivedTransfer.objects.exists()


def test_hand_match_lists_the_roll(dsl, unrelated_school):
    receiver = receiving_dsl(unrelated_school)
    child = PupilFactory(legal_forename="Noor", legal_surname="Newcomer")
    EnrolmentFactory(pupil=child, school=unrelated_school)
    page = signed_in_client(receiver).get(reverse("transfer:import")).content.decode()
    assert "Noor Newcomer, born" in page
    assert AuditEvent.objects.filter(action=AuditAction.CHILDREN_LISTED).exists()


def test_front_sheet_and_navigation(dsl, pupil, teacher):
    client = signed_in_client(dsl)
    page = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert "Child protection file transfers" in page
    assert reverse("transfer:start", args=[pupil.pk]) in page
    assert reverse("transfer:ledger") in page
    from transfer import services

    transfer = services.transfer_start(
        actor=dsl, pupil=pupil, left_on=pupil.enrolments.get().start_date, to_school_name="Hilltop"
    )
    page = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert reverse("transfer:detail", args=[transfer.pk]) in page
    assert "Overdue" in page
    assert (
        reverse("transfer:ledger")
        not in signed_in_client(teacher).get(reverse("schools:home")).content.decode()
    )
