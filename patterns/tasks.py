"""The patterns app's background tasks (docs/adr/0016): the findings refresh after records
change, and the nightly detector run. Both are safe to run twice: a refresh compares each
finding's inputs hash, so a second run with the same facts changes nothing."""

import logging
from collections.abc import Callable
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError
from django.tasks import TaskContext, task

from background.coalesce import queued_alike_claim, queued_alike_done, queued_alike_failed
from patterns import services
from patterns.services import RefreshSummary

logger = logging.getLogger(__name__)


@task(takes_context=True)
def findings_refresh_queued(context: TaskContext[Any, Any], pupil_ids: list[str]) -> dict[str, Any]:
    """Refresh the findings of these children and their households.

    Coalescing: the refreshes queued behind this one are claimed by the same worker and their
    children refreshed in the same run, so twenty concerns recorded in one second cost one run,
    not twenty, and a child named in several of them is refreshed once. The claimed tasks are
    marked RUNNING under this worker first: if the worker dies, they go back in the queue with
    this one (background/worker.py); they are marked done, naming this task, in the transaction
    that stores the findings, so they are done exactly when their findings are stored."""
    limit = settings.CAIRN_PATTERNS_REFRESH_BATCH - 1
    siblings = queued_alike_claim(context, limit=limit)
    queued = (pid for s in siblings for pid in s.args_kwargs["kwargs"]["pupil_ids"])
    children = sorted({*pupil_ids, *queued})
    try:
        # The claimed refreshes are marked done in the transaction that stores the findings.
        summary = _refresh(children, on_stored=lambda: queued_alike_done(context, siblings))
    except BaseException as error:
        queued_alike_failed(siblings, error)
        raise
    return {"children": len(children), "coalesced": len(siblings), "summary": summary.line()}


def _refresh(children: list[str], *, on_stored: Callable[[], None]) -> RefreshSummary:
    try:
        return services.findings_refresh_changed(pupil_ids=children, on_stored=on_stored)
    except IntegrityError:
        # Another worker stored the same new finding a moment earlier: run again over its rows.
        return services.findings_refresh_changed(pupil_ids=children, on_stored=on_stored)


@task
def detectors_run_nightly() -> str:
    """Every school's detectors as of today (`manage.py run_detectors`): the nightly run that
    catches whatever the incremental refreshes left (bulk loads, failures, the passing of time)."""
    out = StringIO()
    call_command("run_detectors", stdout=out)
    return out.getvalue().strip().splitlines()[-1]
