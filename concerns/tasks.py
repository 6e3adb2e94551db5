"""The concerns app's background task: telling the DSL team a concern is waiting (ADR 0016)."""

import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse

from concerns.models import Alert

logger = logging.getLogger(__name__)


@task
def dsl_team_alert_email(concern_id: str) -> int:
    """E-mail the DSL team members alerted to this concern. No child details: only a link behind
    sign-in. Returns how many people were written to; a mail server error fails the task (its
    row keeps the traceback) and is logged, while the in-app alerts are already there."""
    alerts = Alert.objects.filter(concern_id=uuid.UUID(concern_id)).select_related(
        "recipient__user"
    )
    emails = sorted({a.recipient.user.email for a in alerts if a.recipient.user.email})
    if not emails:
        return 0
    urgent = any(a.urgent for a in alerts)
    link = settings.CAIRN_BASE_URL.rstrip("/") + reverse("concerns:detail", args=[concern_id])
    subject = "Cairn: a new concern" + (" (marked urgent)" if urgent else "")
    body = (
        "A new concern has been recorded in Cairn.\n\n"
        f"Sign in to read it: {link}\n\n"
        "This message deliberately holds no details. Do not forward it."
    )
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=emails)
    except Exception:
        logger.exception("Could not email the DSL team about concern %s", concern_id)
        raise
    return len(emails)
