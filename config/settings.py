"""Cairn settings: one module, driven by the environment (see .env.example)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("CAIRN_DEBUG", default=False)

# No production default: a server without CAIRN_SECRET_KEY refuses to start.
if DEBUG:
    SECRET_KEY = env_str("CAIRN_SECRET_KEY", "insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env_str("CAIRN_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("CAIRN_SECRET_KEY must be at least 50 characters.")

# The audit trail is sealed with a key of its own so that rotating SECRET_KEY leaves it verifiable.
AUDIT_SEAL_KEY = env_str("CAIRN_AUDIT_SEAL_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("CAIRN_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CAIRN_CSRF_TRUSTED_ORIGINS")

LOCAL_APPS = [
    "accounts",
    "audit",
    "schools",
    "pupils",
    "chronology",
    "ui",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    *LOCAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "schools.middleware.MembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schools.context_processors.navigation",
            ],
            "builtins": ["ui.templatetags.cairn_ui"],
        },
    },
]

# SQLite is the embedded default; PostgreSQL when DATABASE_URL says so.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'cairn.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "schools:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Sign-in protection.
CAIRN_SIGN_IN_MAX_FAILURES = env_int("CAIRN_SIGN_IN_MAX_FAILURES", 5, minimum=1)
CAIRN_SIGN_IN_LOCKOUT_MINUTES = env_int("CAIRN_SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1)
CAIRN_IDLE_TIMEOUT_MINUTES = env_int("CAIRN_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
CAIRN_TOTP_ISSUER = env_str("CAIRN_TOTP_ISSUER", "Cairn")

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

HTTPS = env_bool("CAIRN_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("CAIRN_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
if env_bool("CAIRN_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: no inline script or style anywhere; everything is served from 'self'.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# GOV.UK Frontend and htmx are built here from their npm packages by `make assets` (not committed).
STATICFILES_DIRS = [BASE_DIR / "static_build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production (after collectstatic); plain files for the demo
        # and the test suite, which serve from the source folders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("CAIRN_MANIFEST_STATIC", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files (attachments, import files) live outside the web root and are served only
# through an access check.
PRIVATE_MEDIA_ROOT = Path(env_str("CAIRN_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))

_MAIL_BACKEND = env_str(
    "CAIRN_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_MAIL_OPTIONS: dict[str, object] = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("CAIRN_EMAIL_HOST", "localhost"),
        "port": env_int("CAIRN_EMAIL_PORT", 25),
        "username": env_str("CAIRN_EMAIL_HOST_USER", ""),
        "password": env_str("CAIRN_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("CAIRN_EMAIL_USE_TLS", default=False),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("CAIRN_FROM_EMAIL", "cairn@localhost")
CAIRN_BASE_URL = env_str("CAIRN_BASE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CAIRN_LOG_LEVEL", "WARNING")},
}

# The UPN check letter rule is tagged [U] in the domain reference, so enforcing it is a setting.
CAIRN_UPN_CHECK_LETTER = env_bool("CAIRN_UPN_CHECK_LETTER", default=True)

# `manage.py seed_demo` runs these in order; each app that has demo data adds its seeder.
DEMO_SEEDERS = [
    "schools.demo.seed",
    "pupils.demo.seed",
]

# Functions that contribute entries to a child's chronology (see chronology/entries.py).
CHRONOLOGY_SOURCES: list[str] = []

# --- Pupils, households and imports (pupils app) ---
# Largest pupil file (CTF or CSV) an import reads; a bigger one is refused as it is read.
CAIRN_IMPORT_MAX_BYTES = env_int("CAIRN_IMPORT_MAX_BYTES", 256 * 1024 * 1024, minimum=1024)
# CTF versions accepted; empty: the current academic year's and the one before (ctf.md §2).
CAIRN_CTF_VERSIONS: list[str] = env_list("CAIRN_CTF_VERSIONS")
# Language codes that mean English when deriving EAL from a CTF's first language [U].
CAIRN_ENGLISH_LANGUAGE_CODES = env_list("CAIRN_ENGLISH_LANGUAGE_CODES", "ENG,ENB")
# Code lists (defaults in pupils/data/; see its README for sources and tags).
CAIRN_ETHNICITY_CODES_FILE = env_str("CAIRN_ETHNICITY_CODES_FILE", "")
CAIRN_RELATIONSHIP_CODES_FILE = env_str("CAIRN_RELATIONSHIP_CODES_FILE", "")
CAIRN_YEAR_GROUPS_FILE = env_str("CAIRN_YEAR_GROUPS_FILE", "")
# The window over which the front sheet counts moves and adults joining or leaving.
CAIRN_HOUSEHOLD_CHANGE_WINDOW_DAYS = env_int("CAIRN_HOUSEHOLD_CHANGE_WINDOW_DAYS", 730, minimum=1)
# More children than this at one address or with one contact is not proposed as a household.
CAIRN_HOUSEHOLD_SUGGESTION_MAX_GROUP = env_int("CAIRN_HOUSEHOLD_SUGGESTION_MAX_GROUP", 8, minimum=2)
# Functions `(*, viewer, pupil) -> pupils.selectors.Panel | None`: sections of the front sheet.
PUPIL_FRONT_SHEET_PANELS: list[str] = []
# Functions `(pupil_ids) -> {pupil_id: [label, ...]}` saying which children have records.
PUPIL_RECORD_FLAG_SOURCES: list[str] = []
