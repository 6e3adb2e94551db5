"""Sign-in, two-factor enrolment and verification, sign-out and password reset."""

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import CodeForm, EnrolForm, SignInForm
from accounts.middleware import SESSION_LAST_SEEN, SESSION_TWO_FACTOR_OK
from accounts.models import User
from accounts.redirects import safe_next_url
from audit import services as audit
from audit.models import AuditAction

SESSION_PENDING_USER = "cairn_pending_user"
SESSION_ENROL_SECRET = "cairn_enrol_secret"  # noqa: S105 (a session key's name)


def _finish_sign_in(request: HttpRequest, user: User, *, two_factor_ok: bool) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_TWO_FACTOR_OK] = two_factor_ok


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or "schools:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_check_password(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except services.SignInRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            if user.has_confirmed_totp:
                request.session.cycle_key()
                request.session[SESSION_PENDING_USER] = str(user.pk)
                second = reverse("accounts:two_factor")
                if next_url:
                    second += "?" + urlencode({"next": next_url})
                return redirect(second)
            with transaction.atomic():
                _finish_sign_in(request, user, two_factor_ok=False)
                audit.record(
                    actor=None,
                    user=user,
                    action=AuditAction.SIGNED_IN,
                    request=request,
                    details={"second_factor": "none"},
                )
            return redirect(next_url or "schools:home")
    return render(request, "accounts/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PENDING_USER)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_verify_second_factor(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except services.SignInRefusedError as refusal:
            form.add_error("code", str(refusal))
        else:
            del request.session[SESSION_PENDING_USER]
            _finish_sign_in(request, user, two_factor_ok=True)
            return redirect(safe_next_url(request) or "schools:home")
    return render(request, "accounts/two_factor.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.session.get(SESSION_TWO_FACTOR_OK) and user.has_confirmed_totp:
        return redirect("schools:home")
    secret = request.session.get(SESSION_ENROL_SECRET)
    if not secret:
        secret = services.totp_new_secret()
        request.session[SESSION_ENROL_SECRET] = secret
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol(
                request=request, user=user, secret=secret, code=form.cleaned_data["code"]
            )
        except services.SignInRefusedError as refusal:
            form.add_error("code", str(refusal))
        else:
            del request.session[SESSION_ENROL_SECRET]
            request.session[SESSION_TWO_FACTOR_OK] = True
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    uri = services.totp_provisioning_uri(user=user, secret=secret)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": services.totp_qr_svg_data_uri(uri=uri),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    codes = services.recovery_codes_issue(request=request, user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")


@require_POST
@login_required
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """Answer the idle warning's "Stay signed in": the session's "last seen" is set to now at
    once (IdleTimeoutMiddleware otherwise writes it at most once a minute). From a script,
    nothing more; from a plain form, back to the page the person was on."""
    request.session[SESSION_LAST_SEEN] = time.time()
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(safe_next_url(request) or "schools:home")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        if isinstance(user, User):
            audit.record(actor=None, user=user, action=AuditAction.SIGNED_OUT, request=request)
        logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:sign_in")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        audit.record(
            actor=None,
            action=AuditAction.PASSWORD_RESET_REQUESTED,
            request=self.request,
            user=User.objects.filter(email=form.cleaned_data["email"].lower()).first(),
        )
        return super().form_valid(form)


class _AuditsPasswordChange(auth_views.PasswordContextMixin):
    """Records a password change in the audit trail once the form has saved it."""

    via: str
    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
        audit.record(
            actor=None,
            user=form.user,
            action=AuditAction.PASSWORD_CHANGED,
            request=self.request,
            details={"via": self.via},
        )
        return response


class PasswordResetConfirmView(_AuditsPasswordChange, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    via = "reset"


class PasswordChangeView(_AuditsPasswordChange, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")
    via = "change"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response
