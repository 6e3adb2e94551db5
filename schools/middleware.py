"""Sets `request.membership`: the role a signed-in person is acting in for this session."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.middleware import SESSION_IDLE_MINUTES
from schools.models import Membership, Role
from schools.reasons import AccessReasonRequiredError, reasons_in_session

SESSION_MEMBERSHIP = "cairn_membership"


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            active = Membership.objects.filter(user=request.user, is_active=True).select_related(
                "school", "school__trust", "trust", "user"
            )
            chosen = request.session.get(SESSION_MEMBERSHIP)
            membership = None
            if chosen is not None:
                membership = active.filter(pk=chosen).first()
            if membership is None:
                only = list(active[:2])
                membership = only[0] if len(only) == 1 else None
            request.membership = membership  # type: ignore[attr-defined]
            if membership is not None and membership.role == Role.TRUST_LEAD:
                membership.access_reasons = reasons_in_session(  # type: ignore[attr-defined]
                    request.session
                )
            if membership is not None and membership.school is not None:
                minutes = membership.school.idle_timeout_minutes
                if minutes:
                    request.session[SESSION_IDLE_MINUTES] = minutes
        return self.get_response(request)


class AccessReasonMiddleware:
    """Sends a trust lead who opens a child's record without a reason to the page that asks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AccessReasonRequiredError):
            return None
        url = reverse("pupils:access_reason", args=[exception.pupil_id])
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
