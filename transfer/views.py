"""The transfer ledger's pages, importing a received file, and term dates. The safeguarding
team only; every page about a child is audited."""

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import AuditAction
from pupils.access import child_form_read, child_list_read, pupils_on_roll_for
from schools.http import CairnRequest, role_required
from transfer import forms as tf
from transfer import selectors, services, storage
from transfer.access import (
    TRANSFER_ROLES,
    access_incoming,
    access_pupil_to_transfer,
    access_received,
    access_transfer,
    access_transferred_attachment,
)
from transfer.models import Status, Transfer
from ui.forms import form_write

TEAM = list(TRANSFER_ROLES)


def _download(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _viewed(request: CairnRequest, transfer: Transfer, page: str) -> None:
    audit.record(
        actor=request.membership,
        action=AuditAction.TRANSFER_VIEWED,
        target=transfer,
        pupil_id=transfer.pupil_id,
        request=request,
        details={"page": page},
    )


@require_GET
@role_required(TEAM)
def ledger(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    book = selectors.ledger_for(viewer=viewer)
    child_list_read(
        viewer=viewer,
        listed="child protection file transfers",
        count=book.children,
        request=request,
    )
    return render(request, "transfer/ledger.html", {"ledger": book})


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def start(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    viewer = request.membership
    child = access_pupil_to_transfer(viewer=viewer, pupil_id=pupil_id)
    form = tf.StartForm(
        request.POST if request.method == "POST" else None,
        schools=selectors.trust_schools(viewer=viewer),
    )
    done = form_write(
        request,
        form,
        lambda: services.transfer_start(
            actor=viewer,
            pupil=child,
            left_on=form.cleaned_data["left_on"],
            to_school=form.cleaned_data["to_school"],
            to_school_name=form.cleaned_data["to_school_name"],
            to_school_urn=form.cleaned_data["to_school_urn"],
            request=request,
        ),
    )
    if done is not None:
        messages.success(request, f"Transfer of {child.display_name}'s file started.")
        return redirect("transfer:detail", transfer_id=done.value.pk)
    title = "Start a child protection file transfer"
    child_form_read(viewer=viewer, pupil_ids=[child.pk], form=title.lower(), request=request)
    return _form(request, form=form, title=title, pupil=child, button="Start the transfer")


def _form(
    request: CairnRequest,
    *,
    form: Any,
    title: str,
    pupil: Any,
    button: str,
    intro: str = "",
    transfer: Transfer | None = None,
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "transfer/form.html",
        {
            "form": form,
            "title": title,
            "pupil": pupil,
            "button": button,
            "intro": intro,
            "transfer": transfer,
            "multipart": multipart,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@role_required(TEAM)
def detail(request: CairnRequest, transfer_id: UUID) -> HttpResponse:
    transfer = access_transfer(viewer=request.membership, transfer_id=transfer_id)
    _viewed(request, transfer, "ledger")
    return render(
        request,
        "transfer/detail.html",
        {"transfer": transfer, "overdue": selectors.is_overdue(transfer), "Status": Status},
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def prepare(request: CairnRequest, transfer_id: UUID) -> HttpResponse:
    viewer = request.membership
    transfer = access_transfer(viewer=viewer, transfer_id=transfer_id)
    if transfer.status != Status.STARTED:
        return redirect("transfer:detail", transfer_id=transfer.pk)
    initial = {"to_school_name": transfer.to_school_name, "to_school_urn": transfer.to_school_urn}
    if transfer.to_school_name == "School not known yet":
        initial["to_school_name"] = ""
    data: Any = request.POST if request.method == "POST" else None
    if transfer.direct and data is not None:
        data = initial  # Nothing to type: the trust's school is known.
    form = tf.PrepareForm(data, initial=initial)
    done = form_write(
        request,
        form,
        lambda: services.transfer_prepare(
            actor=viewer,
            transfer=transfer,
            to_school_name=form.cleaned_data["to_school_name"],
            to_school_urn=form.cleaned_data["to_school_urn"],
            request=request,
        ),
    )
    if done is not None:
        prepared, passphrase = done.value
        if prepared.direct:
            messages.success(request, f"The file was sent to {prepared.to_school_name}.")
            return redirect("transfer:detail", transfer_id=prepared.pk)
        return render(
            request, "transfer/prepared.html", {"transfer": prepared, "passphrase": passphrase}
        )
    title = "Prepare the child protection file"
    child_form_read(
        viewer=viewer, pupil_ids=[transfer.pupil_id], form=title.lower(), request=request
    )
    intro = (
        f"The whole file goes to {transfer.to_school_name}, inside Cairn."
        if transfer.direct
        else "Cairn makes one sealed file with the child's whole record, a readable copy and the "
        "attached files, and a passphrase. Send the file securely; give the passphrase by "
        "another route, such as a phone call to the receiving school's DSL."
    )
    return _form(
        request,
        form=form,
        title=title,
        pupil=transfer.pupil,
        button="Send the file" if transfer.direct else "Prepare the file",
        intro=intro,
        transfer=transfer,
    )


@require_GET
@role_required(TEAM)
def bundle(request: CairnRequest, transfer_id: UUID) -> HttpResponse:
    viewer = request.membership
    transfer = access_transfer(viewer=viewer, transfer_id=transfer_id)
    if not transfer.bundle_stored_as or transfer.direct:
        raise Http404("No file to download")
    try:
        data = services.bundle_bytes(transfer)
    except OSError as error:
        raise Http404("The file is missing") from error
    audit.record(
        actor=viewer,
        action=AuditAction.TRANSFER_BUNDLE_DOWNLOADED,
        target=transfer,
        pupil_id=transfer.pupil_id,
        request=request,
        details={"sha256": transfer.bundle_sha256},
    )
    name = f"child-protection-file-{transfer.started_at:%Y-%m-%d}.cairn-transfer"
    return _download(data, filename=name, content_type="application/octet-stream")


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def sent(request: CairnRequest, transfer_id: UUID) -> HttpResponse:
    viewer = request.membership
    transfer = access_transfer(viewer=viewer, transfer_id=transfer_id)
    form = tf.SentForm(request.POST if request.method == "POST" else None)
    done = form_write(
        request,
        form,
        lambda: services.transfer_sent(
            actor=viewer, transfer=transfer, method=form.cleaned_data["method"], request=request
        ),
    )
    if done is not None:
        messages.success(request, "Recorded as sent.")
        return redirect("transfer:detail", transfer_id=transfer.pk)
    title = "Record how the file was sent"
    child_form_read(
        viewer=viewer, pupil_ids=[transfer.pupil_id], form=title.lower(), request=request
    )
    return _form(
        request, form=form, title=title, pupil=transfer.pupil, button="Save", transfer=transfer
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def receipt_upload(request: CairnRequest, transfer_id: UUID) -> HttpResponse:
    viewer = request.membership
    transfer = access_transfer(viewer=viewer, transfer_id=transfer_id)
    form = tf.ReceiptForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    done = form_write(
        request,
        form,
        lambda: services.receipt_confirm(
            actor=viewer,
            transfer=transfer,
            receipt=form.cleaned_data["receipt"].read(),
            request=request,
        ),
    )
    if done is not None:
        messages.success(request, "Receipt confirmed.")
        return redirect("transfer:detail", transfer_id=transfer.pk)
    title = "Upload the receipt"
    child_form_read(
        viewer=viewer, pupil_ids=[transfer.pupil_id], form=title.lower(), request=request
    )
    return _form(
        request,
        form=form,
        title=title,
        pupil=transfer.pupil,
        button="Check the receipt",
        transfer=transfer,
        multipart=True,
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def import_bundle(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    roll = pupils_on_roll_for(viewer=viewer).order_by("legal_surname", "legal_forename")
    form = tf.ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        pupils=roll,
    )

    def write() -> Any:
        chosen = form.cleaned_data["pupil"]
        return services.bundle_import(
            actor=viewer,
            sealed=form.cleaned_data["bundle"].read(),
            passphrase=form.cleaned_data["passphrase"],
            pupil_id=chosen.pk if chosen else None,
            request=request,
        )

    done = form_write(request, form, write)
    if done is not None:
        messages.success(request, "The file was imported. Download the receipt for the sender.")
        return redirect("transfer:received", received_id=done.value.pk)
    # The form lists the school's roll to match a child by hand.
    child_list_read(
        viewer=viewer,
        listed="children on the roll, to match a transferred file",
        count=len(roll),
        request=request,
    )
    return render(
        request,
        "transfer/import.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def incoming(request: CairnRequest, transfer_id: UUID) -> HttpResponse:
    viewer = request.membership
    transfer = access_incoming(viewer=viewer, transfer_id=transfer_id)
    if request.method == "POST":
        try:
            received = services.direct_import(actor=viewer, transfer=transfer, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("transfer:ledger")
        messages.success(request, "The file was imported and receipt confirmed to the sender.")
        return redirect("transfer:received", received_id=received.pk)
    _viewed(request, transfer, "incoming")
    return render(request, "transfer/incoming.html", {"transfer": transfer})


@require_GET
@role_required(TEAM)
def received(request: CairnRequest, received_id: UUID) -> HttpResponse:
    viewer = request.membership
    item = access_received(viewer=viewer, received_id=received_id)
    audit.record(
        actor=viewer,
        action=AuditAction.TRANSFER_VIEWED,
        target=item,
        pupil_id=item.pupil_id,
        request=request,
        details={"page": "received"},
    )
    return render(
        request,
        "transfer/received.html",
        {
            "received": item,
            "records": item.transferred_records.order_by("occurred_at"),
            "attachments": item.transferred_attachments.order_by("original_name"),
        },
    )


@require_GET
@role_required(TEAM)
def receipt(request: CairnRequest, received_id: UUID) -> HttpResponse:
    viewer = request.membership
    item = access_received(viewer=viewer, received_id=received_id)
    audit.record(
        actor=viewer,
        action=AuditAction.TRANSFER_RECEIPT_DOWNLOADED,
        target=item,
        pupil_id=item.pupil_id,
        request=request,
    )
    return _download(
        json.dumps(item.receipt, indent=1).encode(),
        filename=f"receipt-{item.imported_at:%Y-%m-%d}.json",
        content_type="application/json",
    )


@require_GET
@role_required(TEAM)
def attachment(request: CairnRequest, attachment_id: UUID) -> HttpResponse:
    viewer = request.membership
    item = access_transferred_attachment(viewer=viewer, attachment_id=attachment_id)
    try:
        data = storage.path_of(storage.RECEIVED, item.stored_name).read_bytes()
    except OSError as error:
        raise Http404("The file is missing") from error
    audit.record(
        actor=viewer,
        action=AuditAction.TRANSFERRED_ATTACHMENT_OPENED,
        target=item.received,
        pupil_id=item.received.pupil_id,
        request=request,
        details={"attachment": str(item.pk)},
    )
    return _download(data, filename=item.original_name, content_type=item.content_type)


@require_http_methods(["GET", "POST"])
@role_required(TEAM)
def terms(request: CairnRequest) -> HttpResponse:
    viewer = request.membership
    form = tf.TermForm(request.POST if request.method == "POST" else None)
    done = form_write(
        request,
        form,
        lambda: services.term_dates_add(
            actor=viewer,
            name=form.cleaned_data["name"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            request=request,
        ),
    )
    if done is not None:
        messages.success(request, f"{done.value.name} added.")
        return redirect("transfer:terms")
    return render(
        request,
        "transfer/terms.html",
        {"form": form, "terms": selectors.term_dates_for(school_id=viewer.school_id)},
        status=400 if form.is_bound and form.errors else 200,
    )
