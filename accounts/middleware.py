"""Idle sign-out and the two-factor gate, applied to every request."""

import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string

from accounts.models import User
from accounts.signals import KeptAtSignOut, posted_after_idle
from audit import services as audit
from audit.models import AuditAction

SESSION_LAST_SEEN = "cairn_last_seen"
# How far "last seen" may lag before it is written again. Writing it on every request made every
# page view a database write (the session row), which on SQLite queues behind every other writer;
# once a minute is enough for an idle limit counted in minutes. The lag only ever signs a person
# out earlier, never later: at most this many seconds before their limit (docs/performance.md).
LAST_SEEN_EVERY_SECONDS = 60
SESSION_TWO_FACTOR_OK = "cairn_two_factor_ok"
SESSION_IDLE_MINUTES = "cairn_idle_minutes"

# Paths a signed-in person may reach before finishing two-factor set-up.
_TWO_FACTOR_EXEMPT_PREFIXES = ("/account/two-factor/", "/sign-out/", "/static/", "/hide/")


class IdleTimeoutMiddleware:
    """Sign out anyone idle for longer than their school's limit (30 minutes by default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN)
            minutes = request.session.get(SESSION_IDLE_MINUTES, settings.CAIRN_IDLE_TIMEOUT_MINUTES)
            if last_seen is not None and now - float(last_seen) > int(minutes) * 60:
                user = request.user
                kept = _kept_of_post(request, user)
                logout(request)
                audit.record(
                    actor=None,
                    user=user,
                    action=AuditAction.SESSION_TIMED_OUT,
                    request=request,
                )
                said = "You were signed out because you had been idle."
                messages.info(request, f"{said} {kept.message}" if kept else said)
                return _to_sign_in(request, next_url=kept.next_url if kept else None)
            # A draft saved by the page because the idle warning appeared is not activity.
            if not request.headers.get("X-Cairn-Not-Activity") and (
                last_seen is None or abs(now - float(last_seen)) >= LAST_SEEN_EVERY_SECONDS
            ):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def _kept_of_post(request: HttpRequest, user: object) -> KeptAtSignOut | None:
    """Ask the apps above whether they keep what a form posted after the idle limit held (the
    concern form keeps it as a draft, so that a person typing without JavaScript loses nothing).
    Only a whole page's POST whose CSRF token is good: the check Django makes before a view runs,
    made here because the view will not run."""
    if request.method != "POST" or request.headers.get("HX-Request"):
        return None
    csrf = CsrfViewMiddleware(_view_not_run)
    if csrf.process_view(request, _view_not_run, (), {}) is not None:
        return None
    for _receiver, answer in posted_after_idle.send(
        sender=IdleTimeoutMiddleware, request=request, user=user
    ):
        if isinstance(answer, KeptAtSignOut):
            return answer
    return None


def _view_not_run(_request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    """Stands for the view in the CSRF check: only the check is made."""
    raise AssertionError("the CSRF check alone is made")


def _to_sign_in(request: HttpRequest, *, next_url: str | None = None) -> HttpResponse:
    """To the sign-in page; from a page (a GET), with that page as `next`, so that signing in
    again leads back to it (the concern form, with its draft); from a form an app kept a draft
    of, to the page `next_url` it names. An htmx request (a draft being saved) is told to send
    the whole page there."""
    sign_in = reverse(settings.LOGIN_URL)
    if next_url is not None:
        sign_in += "?" + urlencode({"next": next_url})
    elif request.method == "GET":
        sign_in += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = sign_in
        return response
    return redirect(sign_in)


def two_factor_required(user: object) -> bool:
    """Whether `user` must pass a second factor: anyone who has set one up, and anyone the
    roles app says needs one (settings.CAIRN_TWO_FACTOR_REQUIRED_FOR, a function taking
    `user_id`; accounts sits below the app that defines roles, so it asks rather than imports)."""
    if not isinstance(user, User):
        return False
    return user.has_confirmed_totp or _role_requires_two_factor()(user_id=user.pk)


@cache
def _role_requires_two_factor() -> Callable[..., bool]:
    policy: Callable[..., bool] = import_string(settings.CAIRN_TWO_FACTOR_REQUIRED_FOR)
    return policy


class TwoFactorMiddleware:
    """Until the second factor is verified, a signed-in person can only set it up or sign out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.session.get(SESSION_TWO_FACTOR_OK)
            and not request.path.startswith(_TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            if two_factor_required(request.user):
                return redirect("accounts:two_factor_setup")
            request.session[SESSION_TWO_FACTOR_OK] = True
        return self.get_response(request)
