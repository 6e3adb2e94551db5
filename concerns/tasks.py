"""The concerns app's background task: telling the DSL team a concern is waiting (ADR 0016)."""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.tasks import TaskContext, task
from django.urls import reverse

from background.coalesce import queued_alike_claim, queued_alike_done, queued_alike_failed
from concerns.models import Alert

logger = logging.getLogger(__name__)
BATCH = 100


def _message(concern_id: str) -> EmailMessage | None:
    """The e-mail to the DSL team members alerted to this concern. No child details: only a link
    behind sign-in."""
    alerts = Alert.objects.filter(concern_id=uuid.UUID(concern_id)).select_related(
        "recipient__user"
    )
    emails = sorted({a.recipient.user.email for a in alerts if a.recipient.user.email})
    if not emails:
        return None
    urgent = any(a.urgent for a in alerts)
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
    messages = [m for m in (_message(c) for c in concern_ids) if m is not None]
    try:
        if messages:
            mailers.default.send_messages(messages)
    except Exception as error:
        logger.exception("Could not email the DSL team about concerns %s", ", ".join(concern_ids))
        queued_alike_failed(claimed, error)
        raise
    queued_alike_done(context, claimed)
    return len(messages)
