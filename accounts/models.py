"""People who sign in to Cairn, their second factor, and failed sign-in attempts."""

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in. What they may reach comes from their memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def has_confirmed_totp(self) -> bool:
        return TOTPDevice.objects.filter(user=self, confirmed_at__isnull=False).exists()


class TOTPDevice(models.Model):
    """A time-based one-time password authenticator (RFC 6238) enrolled by a user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted, so that one code cannot be used twice.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Authenticator for {self.user}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code for {self.user}"


class SignInFailure(models.Model):
    """A failed password or second-factor attempt, counted for throttling and lock-out."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    stage = models.CharField(max_length=20)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["ip_address", "at"])]

    def __str__(self) -> str:
        return f"{self.stage} failure for {self.email} at {self.at:%Y-%m-%d %H:%M}"
