"""The transfer ledger (sending) and the files received (receiving). Append-only apart from the
ledger's steps, each of which is set once and audited."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from pupils.models import Pupil
from schools.models import Membership, School


class TermDates(models.Model):
    """One of the school's terms (a school setting): the five-day clock counts school days."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["starts_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y}"


class Status(models.TextChoices):
    STARTED = "started", "To prepare"
    PREPARED = "prepared", "Prepared"
    SENT = "sent", "Sent"
    CONFIRMED = "confirmed", "Receipt confirmed"


class Method(models.TextChoices):
    SECURE_LINK = "secure_link", "Secure link"
    ENCRYPTED_EMAIL = "encrypted_email", "Encrypted e-mail attachment"
    PORTAL = "portal", "The local authority's or the school's portal"
    DIRECT = "direct", "Directly in Cairn (a school in the same trust)"


class Transfer(models.Model):
    """Sending a child's child protection file to their next school: started (by hand, or by
    the child leaving the roll), prepared (the sealed bundle made), sent (how), receipt
    confirmed (by whom, when). Overdue when not confirmed by `due_on`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="transfers")
    # The casework leaving record that started it, if it was started that way.
    leaving_id = models.UUIDField(null=True, blank=True, unique=True)
    to_school_name = models.CharField(max_length=200)
    to_school_urn = models.CharField(max_length=6, blank=True)
    # A school of the same trust: the file goes across inside Cairn, no file handling.
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_on = models.DateField()
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTED)
    started_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    prepared_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    bundle_stored_as = models.CharField(max_length=100, blank=True)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    bundle_size = models.PositiveBigIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    # Derived from the passphrase; verifies the receipt, cannot open the file.
    receipt_key = models.CharField(max_length=64, blank=True)
    sent_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=300, blank=True)
    receipt = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(status="started") | ~Q(bundle_sha256=""), name="transfer_has_bundle"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="transfer_confirmed_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer to {self.to_school_name}"

    @property
    def direct(self) -> bool:
        return self.to_school_id is not None


class MatchedBy(models.TextChoices):
    UPN = "upn", "By UPN"
    HAND = "hand", "By hand"


class ReceivedTransfer(models.Model):
    """A child protection file imported from another school."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    from_school_name = models.CharField(max_length=200)
    from_school_urn = models.CharField(max_length=6, blank=True)
    sender_transfer_id = models.CharField(max_length=64)
    bundle_sha256 = models.CharField(max_length=64)
    upn_in_file = models.CharField(max_length=13, blank=True)
    matched_by = models.CharField(max_length=4, choices=MatchedBy.choices)
    records = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()
    # The signed receipt, as given to the sender.
    receipt = models.JSONField(default=dict)

    class Meta:
        ordering: ClassVar[list[str]] = ["-imported_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["school", "sender_transfer_id"], name="received_transfer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"File from {self.from_school_name}"


class TransferredRecord(models.Model):
    """One record of the child's file as another school wrote it: original author and dates,
    shown on the chronology as "transferred from <school>"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received = models.ForeignKey(
        ReceivedTransfer, on_delete=models.PROTECT, related_name="transferred_records"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    original_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    kind_label = models.CharField(max_length=100)
    occurred_at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    title = models.TextField()
    summary = models.TextField(blank=True)
    author = models.CharField(max_length=300, blank=True)
    categories = models.JSONField(default=list, blank=True)
    significant = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["occurred_at"]

    def __str__(self) -> str:
        return self.title


class TransferredAttachment(models.Model):
    """A file that came with a transferred record, kept under PRIVATE_MEDIA_ROOT."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received = models.ForeignKey(
        ReceivedTransfer, on_delete=models.PROTECT, related_name="transferred_attachments"
    )
    record = models.ForeignKey(
        TransferredRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.original_name
