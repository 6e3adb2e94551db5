"""Writes: the transfer ledger (start, prepare, send, receipt confirmed), importing a received
file, and the school's term dates. Each takes the acting membership and audits in the same
transaction. Refusals are ValidationErrors with a plain reason; nothing is written with them."""

from transfer.services.receipts import RECEIPT_FORMAT, receipt_confirm
from transfer.services.receiving import bundle_import, direct_import
from transfer.services.sending import (
    bundle_bytes,
    transfer_prepare,
    transfer_sent,
    transfer_start,
)
from transfer.services.terms import term_dates_add, terms_for

__all__ = [
    "RECEIPT_FORMAT",
    "bundle_bytes",
    "bundle_import",
    "direct_import",
    "receipt_confirm",
    "term_dates_add",
    "terms_for",
    "transfer_prepare",
    "transfer_sent",
    "transfer_start",
]
