"""The concerns app's background task: telling the DSL team a concern is waiting (ADR 0016)."""

import logging
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.tasks import TaskContext, task
from django.urls import reverse

from background.coalesce import queued_alike_claim, queued_alike_done, queued_alike_failed
from concerns.models import Alert

logger = logging.getLogger(__name__)
BATCH = 100


def _messages(concern_ids: list[str]) -> list[EmailMessage]:
    """The e-mails to the DSL team members alerted to these concerns, one for each concern that
    has someone to tell, read in one query. No child details: only a link behind sign-in."""
    alerts: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    rows = Alert.objects.filter(concern_id__in=[uuid.UUID(c) for c in concern_ids]).values_list(
        "concern_id", "recipient__user__email", "urgent"
    )
    for concern_id, email, urgent in rows:
        alerts[str(concern_id)].append((email, urgent))
    found = (_message(c, alerts[str(uuid.UUID(c))]) for c in concern_ids)
    return [m for m in found if m is not None]


def _message(concern_id: str, alerts: list[tuple[str, bool]]) -> EmailMessage | None:
    """The e-mail about one concern to the people alerted to it (their address, and whether
    their alert is urgent)."""
    emails = sorted({email for email, _ in alerts if email})
    if not emails:
        return None
    urgent = any(u for _, u in alerts)
    link = settings.CAIRN_BASE_URL.rstrip("/") + reverse("concerns:detail", args=[concern_id])
    return EmailMessage(
        subject="Cairn: a new concern" + (" (marked urgent)" if urgent else ""),
        body=(
            "A new concern has been recorded in Cairn.\n\n"
            f"Sign in to read it: {link}\n\n"
            "This message deliberately holds no details. Do not forward it."
        ),
        to=emails,
    )


@task(takes_context=True)
def dsl_team_alert_email(context: TaskContext[Any, Any], concern_id: str) -> int:
    """E-mail the DSL team about this concern, and about any others queued behind it, over one
    connection to the mail server. Returns how many e-mails were sent. A mail server error fails
    the task (its row keeps the traceback) and is logged; the in-app alerts are already there.
    (One `send_messages` call is one connection, as `send_mass_mail` does.)"""
    claimed = queued_alike_claim(context, limit=BATCH)
    concern_ids = [concern_id, *(row.args_kwargs["kwargs"]["concern_id"] for row in claimed)]
    messages = _messages(concern_ids)
    try:
        if messages:
            mailers.default.send_messages(messages)
    except Exception as error:
        logger.exception("Could not email the DSL team about concerns %s", ", ".join(concern_ids))
        queued_alike_failed(claimed, error)
        raise
    queued_alike_done(context, claimed)
    return len(messages)
