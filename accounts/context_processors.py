"""What every page needs to warn before an idle sign-out (issue 22, item 8)."""

from django.conf import settings
from django.http import HttpRequest

from accounts.middleware import SESSION_IDLE_MINUTES


def idle_timeout(request: HttpRequest) -> dict[str, int]:
    """For someone signed in: how many seconds of idleness sign them out (their school's limit,
    else the default), and how many seconds before that the page warns them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    minutes = int(request.session.get(SESSION_IDLE_MINUTES, settings.CAIRN_IDLE_TIMEOUT_MINUTES))
    seconds = minutes * 60
    return {
        "idle_timeout_seconds": seconds,
        "idle_warning_seconds": min(settings.CAIRN_IDLE_WARNING_SECONDS, seconds),
    }
