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


def membership_in_session(request: HttpRequest) -> Membership | None:
    """The role a signed-in person chose for this session, or their only active one."""
    if not request.user.is_authenticated:
        return None
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
    return membership


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            membership = membership_in_session(request)
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
    """The gate's half in the request cycle (ADR 14).

    Sends a trust lead who opens a child's record, or a list of children, without a reason to
    the page that asks. And forbids keeping a copy of any response to a signed-in person
    (`Cache-Control: no-store`, with `Pragma: no-cache` for old proxies): every page that shows
    a child is shown only to someone signed in, so no such page can be left out, in a shared
    browser's cache or a proxy's, whatever view or export produced it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in_before = _signed_in(request)
        response = self.get_response(request)
        if signed_in_before or _signed_in(request):
            forbid_caching(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AccessReasonRequiredError):
            return None
        if exception.pupil_id is None:
            url = reverse("pupils:list_reason")
        else:
            url = reverse("pupils:access_reason", args=[exception.pupil_id])
        target = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            # A partial update (the search's results) would swap the whole asking page into
            # part of this one: have htmx load it as a page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def forbid_caching(response: HttpResponse) -> None:
    """No copy kept anywhere: not by the browser (back button, disk cache), not by a proxy."""
    if "no-store" not in response.get("Cache-Control", ""):
        response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    response.headers.pop("Expires", None)
