"""“These children's records changed”: the one announcement a record app makes after writing.

The record apps (pupils, concerns, attendance, voice, factors) sit below `patterns` and must not
import it (STYLE.md, “Layers”). They call `announce_records_changed` inside the transaction that
wrote the record; whoever cares (today `patterns`, which enqueues a findings refresh) connects a
receiver in its `AppConfig.ready`. A receiver that writes (a task row) writes inside the same
transaction, so the announcement commits or rolls back with the record (docs/adr/0016).
"""

from collections.abc import Iterable
from typing import Any

from django.dispatch import Signal

# Sent with `pupil_ids`: a sorted list of the children's ids as strings (never empty).
records_changed = Signal()


def announce_records_changed(*, pupil_ids: Iterable[Any]) -> None:
    """Tell every receiver that records about these children were written, amended or
    withdrawn. Call it inside the writing transaction. Nothing is sent for no children."""
    ids = sorted({str(pid) for pid in pupil_ids})
    if ids:
        records_changed.send(sender=None, pupil_ids=ids)
