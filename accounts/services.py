"""Sign-in, second factor and recovery codes. Each write audits itself."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import RecoveryCode, SignInFailure, TOTPDevice, User
from audit import services as audit
from audit.models import AuditAction
from audit.services import client_address

RECOVERY_CODE_COUNT = 10
TOTP_PERIOD_SECONDS = 30


class SignInRefusedError(Exception):
    """Sign-in cannot go on; the message is safe to show to the person signing in."""


@dataclass(frozen=True, slots=True)
class LockState:
    locked: bool
    until: datetime | None


def _client_ip(request: HttpRequest) -> str | None:
    return client_address(request)


def _account_lock(*, email: str, now: datetime) -> LockState:
    """Per account, with back-off: after `CAIRN_SIGN_IN_MAX_FAILURES` failures since the last
    sign-in (within `CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES`), a pause of
    `CAIRN_SIGN_IN_LOCKOUT_MINUTES` from the last failure, doubled by each failure after that,
    never longer than `CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES`. Counted from any address."""
    limit = settings.CAIRN_SIGN_IN_MAX_FAILURES
    base = settings.CAIRN_SIGN_IN_LOCKOUT_MINUTES
    cap = max(settings.CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES, base)
    since = now - timedelta(minutes=cap)
    last_login = User.objects.filter(email=email).values_list("last_login", flat=True).first()
    if last_login is not None and last_login > since:
        since = last_login
    times = list(
        SignInFailure.objects.filter(email=email, at__gt=since)
        .order_by("-at")
        .values_list("at", flat=True)[: limit + 16]
    )
    if len(times) < limit:
        return LockState(locked=False, until=None)
    minutes = min(base * 2 ** (len(times) - limit), cap)
    until = times[0] + timedelta(minutes=minutes)
    return LockState(locked=until > now, until=until)


def _address_lock(*, ip_address: str | None, now: datetime) -> LockState:
    """Per address, with a limit: `CAIRN_SIGN_IN_MAX_FAILURES_PER_ADDRESS` failures (any
    accounts) within `CAIRN_SIGN_IN_LOCKOUT_MINUTES` pause that address for as long. Set high,
    because a staffroom shares one public address."""
    if not ip_address:
        return LockState(locked=False, until=None)
    window = timedelta(minutes=settings.CAIRN_SIGN_IN_LOCKOUT_MINUTES)
    threshold = settings.CAIRN_SIGN_IN_MAX_FAILURES_PER_ADDRESS
    times = list(
        SignInFailure.objects.filter(ip_address=ip_address, at__gte=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[:threshold]
    )
    if len(times) < threshold:
        return LockState(locked=False, until=None)
    return LockState(locked=True, until=times[0] + window)


def lock_state(*, email: str, ip_address: str | None, now: datetime | None = None) -> LockState:
    """Locked when this account, or the address the attempt comes from, has failed too often.

    Never global: no count is shared by every account or every address, so no one can stop a
    whole school signing in (ADR 15). Behind a reverse proxy `ip_address` is the client's own,
    read through `CAIRN_TRUSTED_PROXY_COUNT` proxies (`audit.services.client_address`)."""
    now = now or timezone.now()
    for state in (
        _account_lock(email=email.lower(), now=now),
        _address_lock(ip_address=ip_address, now=now),
    ):
        if state.locked:
            return state
    return LockState(locked=False, until=None)


def _refuse_if_locked(*, email: str, request: HttpRequest, user: User | None) -> None:
    state = lock_state(email=email, ip_address=_client_ip(request))
    if state.locked and state.until is not None:
        # Committed on its own: the refusal below must not roll the record of it back.
        with transaction.atomic():
            audit.record(
                actor=None,
                user=user,
                action=AuditAction.SIGN_IN_LOCKED,
                request=request,
                details={"email": email},
            )
        local = timezone.localtime(state.until)
        raise SignInRefusedError(
            "Too many failed attempts to sign in. For your security, signing in is paused "
            f"until {local:%H:%M}. Ask your school administrator if you need help sooner."
        )


def _count_failure(
    *, email: str, request: HttpRequest, user: User | None, stage: str, action: AuditAction
) -> None:
    """Record a failed attempt in a transaction of its own, so that it outlives the refusal."""
    with transaction.atomic():
        SignInFailure.objects.create(
            email=email, ip_address=_client_ip(request), at=timezone.now(), stage=stage
        )
        audit.record(
            actor=None,
            user=user,
            action=action,
            request=request,
            details={"email": email, "stage": stage},
        )


def sign_in_check_password(*, request: HttpRequest, email: str, password: str) -> User:
    """The user, if the password is right and the account is not locked out."""
    email = email.strip().lower()
    known = User.objects.filter(email=email).first()
    _refuse_if_locked(email=email, request=request, user=known)
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        _count_failure(
            email=email,
            request=request,
            user=known,
            stage="password",
            action=AuditAction.SIGN_IN_FAILED,
        )
        raise SignInRefusedError("Enter a correct email address and password.")
    return user


def _current_step(now: datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // TOTP_PERIOD_SECONDS


def _hash_recovery_code(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(f"{settings.SECRET_KEY}:{normalised}".encode()).hexdigest()


def _totp_matches(device: TOTPDevice, code: str) -> bool:
    """True for a code from this step or the one either side, never for a step already used."""
    totp = pyotp.TOTP(device.secret)
    step = _current_step()
    for candidate in (step - 1, step, step + 1):
        if candidate <= device.last_used_step:
            continue
        if secrets.compare_digest(totp.at(candidate * TOTP_PERIOD_SECONDS), code):
            device.last_used_step = candidate
            device.save(update_fields=["last_used_step"])
            return True
    return False


def sign_in_verify_second_factor(*, request: HttpRequest, user: User, code: str) -> None:
    """Accept an authenticator code or an unused recovery code; otherwise count a failure."""
    _refuse_if_locked(email=user.email, request=request, user=user)
    if _second_factor_accepted(request=request, user=user, code=code.strip().replace(" ", "")):
        return
    _count_failure(
        email=user.email,
        request=request,
        user=user,
        stage="totp",
        action=AuditAction.TWO_FACTOR_FAILED,
    )
    raise SignInRefusedError("The code is not right. Enter the 6-digit code your app shows now.")


@transaction.atomic
def _second_factor_accepted(*, request: HttpRequest, user: User, code: str) -> bool:
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is not None and code.isdigit() and len(code) == 6 and _totp_matches(device, code):
        audit.record(
            actor=None,
            user=user,
            action=AuditAction.SIGNED_IN,
            request=request,
            details={"second_factor": "totp"},
        )
        return True
    recovery = RecoveryCode.objects.filter(
        user=user, used_at__isnull=True, code_hash=_hash_recovery_code(code)
    ).first()
    if recovery is None:
        return False
    recovery.used_at = timezone.now()
    recovery.save(update_fields=["used_at"])
    audit.record(actor=None, user=user, action=AuditAction.RECOVERY_CODE_USED, request=request)
    audit.record(
        actor=None,
        user=user,
        action=AuditAction.SIGNED_IN,
        request=request,
        details={"second_factor": "recovery_code"},
    )
    return True


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_provisioning_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=settings.CAIRN_TOTP_ISSUER
    )


def totp_qr_svg_data_uri(*, uri: str) -> str:
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


@transaction.atomic
def totp_enrol(*, request: HttpRequest, user: User, secret: str, code: str) -> list[str]:
    """Confirm a new authenticator with a code from it; return fresh recovery codes (shown once)."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        raise SignInRefusedError("Enter the 6-digit code from your authenticator app.")
    device, _ = TOTPDevice.objects.select_for_update().update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": None, "last_used_step": 0}
    )
    if not _totp_matches(device, code):
        raise SignInRefusedError(
            "The code is not right. Check the time on your phone and enter the code shown now."
        )
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit.record(actor=None, user=user, action=AuditAction.TWO_FACTOR_ENROLLED, request=request)
    return recovery_codes_issue(request=request, user=user)


@transaction.atomic
def recovery_codes_issue(*, request: HttpRequest, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; only their hashes are kept."""
    RecoveryCode.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_hash_recovery_code(c)) for c in codes]
    )
    audit.record(actor=None, user=user, action=AuditAction.RECOVERY_CODES_ISSUED, request=request)
    return codes


def sign_in_failures_prune(*, older_than: timedelta | None = None, dry_run: bool = False) -> int:
    """Remove failed sign-ins older than `older_than` (default `CAIRN_SIGN_IN_FAILURES_KEEP_DAYS`,
    never less than the longest pause they can cause); the audit trail keeps each attempt."""
    if older_than is None:
        older_than = timedelta(days=settings.CAIRN_SIGN_IN_FAILURES_KEEP_DAYS)
    longest = timedelta(
        minutes=max(
            settings.CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES, settings.CAIRN_SIGN_IN_LOCKOUT_MINUTES
        )
    )
    cutoff = timezone.now() - max(older_than, longest)
    old = SignInFailure.objects.filter(Q(at__lt=cutoff))
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
