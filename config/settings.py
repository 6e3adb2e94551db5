"""Cairn settings: one module, driven by the environment (see .env.example)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

# A `.env` beside manage.py (written by `make demo`) supplies what the environment does not set.
# CAIRN_ENV_FILE names another file, or is empty to read none (the test suite sets it empty).
_env_file = env_str("CAIRN_ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_env_file(_env_file)

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
    "background",
    "accounts",
    "audit",
    "schools",
    "pupils",
    "voice",
    "attendance",
    "concerns",
    "factors",
    "casework",
    "staffing",
    "learning",
    "chronology",
    "transfer",
    "ui",
    "patterns",
    "analytics",
    "backup",
    "retention",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    *LOCAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: sees each page as it leaves (hidden text-direction controls removed).
    "ui.middleware.BidiNeutraliseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "schools.middleware.MembershipMiddleware",
    "schools.middleware.AccessReasonMiddleware",
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
                "accounts.context_processors.idle_timeout",
            ],
            "builtins": ["ui.templatetags.cairn_ui", "pupils.templatetags.cairn_words"],
        },
    },
]

# SQLite is the embedded default; PostgreSQL when DATABASE_URL says so.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'cairn.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database needs nothing installed; only its folder must exist.
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name != ":memory:":
        Path(_sqlite_name).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent writers queue instead of failing;
    # the threads of one process queue in turn before that (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Each thread keeps its connection for a minute, as on PostgreSQL: opening one and reading the
    # schema cost about 3 ms of CPU on every request. A restore copies into the live database
    # with SQLite's backup API (backup/restoring.py), which open connections see.
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
# Each failure past the limit doubles an account's pause, up to this (a day).
CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES = env_int("CAIRN_SIGN_IN_MAX_LOCKOUT_MINUTES", 24 * 60, minimum=1)
CAIRN_IDLE_TIMEOUT_MINUTES = env_int("CAIRN_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
# How long before an idle sign-out the page warns and offers to stay signed in (issue 22, item 8).
CAIRN_IDLE_WARNING_SECONDS = env_int("CAIRN_IDLE_WARNING_SECONDS", 120, minimum=10)
# Who must use a second factor beyond those who set one up: a function `(*, user_id) -> bool`
# (accounts asks; schools knows which roles open children's records).
CAIRN_TWO_FACTOR_REQUIRED_FOR = "schools.selectors.holds_child_record_role"
CAIRN_TOTP_ISSUER = env_str("CAIRN_TOTP_ISSUER", "Cairn")

# The client's address, for lock-out and the audit trail: the number of reverse proxies in front
# of Cairn that append to X-Forwarded-For (docs/deploy.md; ADR 15). 0: REMOTE_ADDR is the client.
# Set it to exactly the number of proxies you run: one more lets a client choose its address.
CAIRN_TRUSTED_PROXY_COUNT = env_int("CAIRN_TRUSTED_PROXY_COUNT", 0, minimum=0)
# Failures from one address (across all accounts) before that address is paused. A staffroom
# shares one public address, so this is much higher than the per-account limit.
CAIRN_SIGN_IN_MAX_FAILURES_PER_ADDRESS = env_int(
    "CAIRN_SIGN_IN_MAX_FAILURES_PER_ADDRESS", 50, minimum=1
)
# How long failed sign-ins and expired sessions are kept before `manage.py housekeeping`
# removes them.
CAIRN_SIGN_IN_FAILURES_KEEP_DAYS = env_int("CAIRN_SIGN_IN_FAILURES_KEEP_DAYS", 30, minimum=1)

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
# The preload flag only allows submission to browsers' preload list; it submits nothing.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("CAIRN_HSTS_PRELOAD", default=True)
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
# The largest file, in bytes, accepted for each kind of upload (issue 14). The import forms,
# the upload views and the import commands all refuse a larger file before reading any of it
# (audit.bounds.upload_limit). Each can be set from the environment in megabytes.
_MB = 1024 * 1024
CAIRN_UPLOAD_LIMITS: dict[str, int] = {
    # Pupil files: a Common Transfer File (a whole school's is tens of MB) and a pupil CSV.
    "ctf": env_int("CAIRN_UPLOAD_LIMIT_CTF_MB", 256, minimum=1) * _MB,
    "pupils_csv": env_int("CAIRN_UPLOAD_LIMIT_PUPILS_CSV_MB", 64, minimum=1) * _MB,
    # Attendance registers (CSV or CTF); a trust's year of session rows is large.
    "attendance": env_int("CAIRN_UPLOAD_LIMIT_ATTENDANCE_MB", 200, minimum=1) * _MB,
    # History from another safeguarding system (JSON Lines or CSV), and behaviour CSVs.
    "history": env_int("CAIRN_UPLOAD_LIMIT_HISTORY_MB", 200, minimum=1) * _MB,
    "behaviour": env_int("CAIRN_UPLOAD_LIMIT_BEHAVIOUR_MB", 50, minimum=1) * _MB,
    # A concern's attachment, and one attached to the child's voice.
    "attachment": env_int("CAIRN_UPLOAD_LIMIT_ATTACHMENT_MB", 10, minimum=1) * _MB,
    "voice_attachment": env_int("CAIRN_UPLOAD_LIMIT_VOICE_ATTACHMENT_MB", 10, minimum=1) * _MB,
    # Evidence of a piece of training (a certificate), and the training and reviews CSVs.
    "training_evidence": env_int("CAIRN_UPLOAD_LIMIT_TRAINING_EVIDENCE_MB", 10, minimum=1) * _MB,
    "staffing_csv": env_int("CAIRN_UPLOAD_LIMIT_STAFFING_CSV_MB", 5, minimum=1) * _MB,
}

# Uploaded files (attachments, import files) live outside the web root and are served only
# through an access check.
PRIVATE_MEDIA_ROOT = Path(env_str("CAIRN_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# Backups (backup/, docs/operations.md): the key file `manage.py backup` and `restore` use when
# no --key-file is given. Keep it off the database server's backups.
CAIRN_BACKUP_KEY_FILE = env_str("CAIRN_BACKUP_KEY_FILE", "")
# Retention (retention/, records-and-access.md §9): a child's record comes up for review this many
# years after the date of birth (IRMS toolkit: 25), unless the school sets its own period.
CAIRN_RETENTION_YEARS = env_int("CAIRN_RETENTION_YEARS", 25, minimum=1)
# Housekeeping removes uploaded import files (a pupil file previewed and never imported, the copy
# of a register file) this many days after they were uploaded.
CAIRN_IMPORT_UPLOADS_KEEP_DAYS = env_int("CAIRN_IMPORT_UPLOADS_KEEP_DAYS", 30, minimum=1)

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
    # The worker's line per task (run_worker), printed once rather than by Django's handler too.
    "loggers": {"django.tasks": {"handlers": ["console"], "propagate": False}},
}

# The UPN check letter rule is tagged [U] in the domain reference, so enforcing it is a setting.
CAIRN_UPN_CHECK_LETTER = env_bool("CAIRN_UPN_CHECK_LETTER", default=True)

# `manage.py seed_demo` runs these in order; each app that has demo data adds its seeder.
DEMO_SEEDERS = [
    "schools.demo.seed",
    "pupils.demo.seed",
    "voice.demo.seed",
    "attendance.demo.seed",
    "concerns.demo.seed",
    "factors.demo.seed",
    "casework.demo.seed",
    "staffing.demo.seed",
    "learning.demo.seed",
    "patterns.demo.seed",
    "analytics.demo.seed",
]

# Functions that contribute entries to a child's chronology (see sources/chronology.py).
CHRONOLOGY_SOURCES: list[str] = [
    "voice.chronology.voice_entries",
    "attendance.chronology.attendance_entries",
    "concerns.chronology.concern_entries",
    "concerns.chronology.decision_entries",
    "concerns.chronology.action_entries",
    "concerns.chronology.behaviour_entries",
    "concerns.chronology.encompass_entries",
    "factors.chronology.factor_entries",
    "factors.chronology.withdrawal_entries",
]

# The child's voice (voice/): attachments such as a drawing or a photo of the child's writing.
CAIRN_VOICE_ATTACHMENTS_PER_ENTRY = env_int("CAIRN_VOICE_ATTACHMENTS_PER_ENTRY", 5, minimum=1)

# Pattern findings appear on a child's chronology.
CHRONOLOGY_SOURCES += ["patterns.chronology.finding_entries"]

# Attendance (attendance/; domain reference attendance.md). Thresholds tagged [U] there are
# settings; the others are settings too so that a trust can align them with its own policy.
CAIRN_ATTENDANCE_STORE_DIR = Path(
    env_str("CAIRN_ATTENDANCE_STORE_DIR", str(BASE_DIR / "var" / "attendance"))
)
CAIRN_ATTENDANCE_DEFAULT_MAPPINGS = env_str(
    "CAIRN_ATTENDANCE_DEFAULT_MAPPINGS", str(BASE_DIR / "attendance" / "data" / "mis_mappings.csv")
)
# Capita One one-character stand-ins for multi-character codes: [U] as a standard (§5).
CAIRN_ATTENDANCE_VENDOR_SINGLE_CHARACTERS = env_bool(
    "CAIRN_ATTENDANCE_VENDOR_SINGLE_CHARACTERS", default=True
)
# Treatment of retired codes before 19 Aug 2024 where the domain reference says [U] (§5).
CAIRN_ATTENDANCE_RETIRED_TREATMENTS: dict[str, str] = {}
CAIRN_ATTENDANCE_PERSISTENT_PERCENT = env_int("CAIRN_ATTENDANCE_PERSISTENT_PERCENT", 10, minimum=1)
CAIRN_ATTENDANCE_SEVERE_PERCENT = env_int("CAIRN_ATTENDANCE_SEVERE_PERCENT", 50, minimum=1)
# Ten continuous school days absent without permission: notify the LA [V 2006 regs; U 2024].
CAIRN_ATTENDANCE_LA_NOTIFY_DAYS = env_int("CAIRN_ATTENDANCE_LA_NOTIFY_DAYS", 10, minimum=1)
CAIRN_ATTENDANCE_LATE_CODES = env_list("CAIRN_ATTENDANCE_LATE_CODES", "L,U")
CAIRN_ATTENDANCE_PART_TIME_CODES = env_list("CAIRN_ATTENDANCE_PART_TIME_CODES", "C2")
CAIRN_ATTENDANCE_PART_TIME_FLAG_WEEKS = env_int(
    "CAIRN_ATTENDANCE_PART_TIME_FLAG_WEEKS", 6, minimum=1
)
# The attendance patterns (Mondays and Fridays, around holidays, a sudden fall, lateness) are found
# by the `attendance-patterns` detector with each school's settings (issue 16); the attendance
# pages read the same values through this function (a dotted path, so attendance does not import
# patterns). It takes a school id (or None) and returns the values, or None when switched off.
CAIRN_ATTENDANCE_PATTERN_SETTINGS = "patterns.selectors.attendance_thresholds"
# Enrolment end reasons that mean a child may be absent from education (off-roll, EHE, CME).
CAIRN_ATTENDANCE_ABSENT_FROM_EDUCATION_REASONS = env_list(
    "CAIRN_ATTENDANCE_ABSENT_FROM_EDUCATION_REASONS", "ehe,cme,moved_away"
)
# Functions (dotted paths) each returning the ids of pupils whose safeguarding records are open;
# later apps (concerns) add theirs. Each takes `pupil_ids` and returns a set of UUIDs.
CAIRN_ATTENDANCE_OPEN_RECORD_SOURCES = [
    "attendance.selectors.pupils_open_to_social_care",
]
CAIRN_ATTENDANCE_CROSSING_MIN_SESSIONS = env_int(
    "CAIRN_ATTENDANCE_CROSSING_MIN_SESSIONS", 20, minimum=1
)
# Functions (dotted paths) giving dates after which a first unexplained absence is an event:
# each takes `viewer` and `pupil_ids` and returns {pupil_id: [(date, label)]} (e.g. concerns).
CAIRN_ATTENDANCE_ANCHOR_SOURCES: list[str] = []
# DuckDB threads for attendance measures (the columnar engine); 2 suits a small server.
CAIRN_ATTENDANCE_DUCKDB_THREADS = env_int("CAIRN_ATTENDANCE_DUCKDB_THREADS", 2, minimum=1)

# Concern attachments: the largest file accepted, and the types accepted (by extension, checked
# against the file's own first bytes where the type has a signature).
CAIRN_ATTACHMENT_TYPES = env_list("CAIRN_ATTACHMENT_TYPES", "pdf,jpg,jpeg,png,txt,docx")
# --- Pupils, households and imports (pupils app) ---
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
# Front sheet bodies kept per process while no write lands (pupils/sheet_cache.py, ADR 23); 0: none.
CAIRN_FRONT_SHEET_CACHE = env_int("CAIRN_FRONT_SHEET_CACHE", 200)
# Functions `(*, viewer, pupil) -> pupils.selectors.Panel | None`: sections of the front sheet.
PUPIL_FRONT_SHEET_PANELS: list[str] = [
    "chronology.panels.front_sheet_panel",
    "patterns.panels.front_sheet_panel",
    "voice.panels.front_sheet_panel",
    "factors.panels.front_sheet_panel",
    "attendance.panels.front_sheet_panel",
]
# Functions `(*, viewer, pupil) -> [pupils.selectors.GlanceRow]`: the lines of the front sheet's
# "At a glance" summary (open concerns and actions, the latest decision, findings, voice).
PUPIL_FRONT_SHEET_GLANCE: list[str] = [
    "concerns.glance.front_sheet_glance",
    "voice.glance.front_sheet_glance",
    "patterns.glance.front_sheet_glance",
]
# Functions `(*, viewer, pupil_ids) -> {pupil_id: [pupils.selectors.ListFlag]}`: the tags beside
# each child in the pupil list (a plan, open concerns, open findings), a few queries per page.
PUPIL_LIST_FLAGS: list[str] = [
    "casework.glance.list_flags",
    "concerns.glance.list_flags",
    "patterns.glance.list_flags",
]
# Functions `(pupil_ids) -> {pupil_id: [label, ...]}` saying which children have records.
PUPIL_RECORD_FLAG_SOURCES: list[str] = ["concerns.flags.concern_flags"]
# The code lists a page may show, each in words (sources/words.py): kind -> a function
# returning {code: words}. Without a kind, a code is looked up in this order.
CODE_WORDS: dict[str, str] = {
    "ethnicity": "pupils.codes.ethnicity_words",
    "year_group": "pupils.codes.year_groups",
    "end_reason": "pupils.codes.enrolment_end_reasons",
    "role": "schools.words.roles",
    "category": "concerns.words.categories",
    "body_region": "concerns.words.body_regions",
    "outcome": "concerns.words.outcomes",
    "cin_factor": "factors.reference.cin_factor_words",
    "indicator": "patterns.indicators.labels",
    "voice_theme": "patterns.words.theme_labels",
}

# The record apps' facts for the pattern detectors (ADR 17): functions
# `(*, pupils, window) -> {pupil_id: sources.facts.FactParts}`; pupils' own facts come first.
PATTERN_FACT_SOURCES: list[str] = [
    "concerns.facts.facts_for",
    "attendance.facts.facts_for",
    "voice.facts.facts_for",
    "factors.facts.facts_for",
    "casework.facts.pattern_facts",
]

# Patterns: refresh findings for the children a record touches when it is saved (issue 8). Turn
# off for bulk loads; the nightly `run_detectors` catches up.
CAIRN_PATTERNS_INCREMENTAL = env_bool("CAIRN_PATTERNS_INCREMENTAL", default=True)
# A save touching more children than this (a whole trust's registers) leaves them to that run.
CAIRN_PATTERNS_INCREMENTAL_MAX_CHILDREN = env_int(
    "CAIRN_PATTERNS_INCREMENTAL_MAX_CHILDREN", 2000, minimum=1
)

# Background work (docs/adr/0016): Django's Tasks framework with the database as the queue, so there
# is no broker to run. `manage.py run_worker` runs the tasks (the findings refresh, alert e-mails)
# and the scheduled jobs below; `make demo` starts it beside the web server.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A worker writes a heartbeat this often; a task held by a worker silent for longer than
# CAIRN_WORKER_DEAD_AFTER_SECONDS goes back in the queue, at most CAIRN_WORKER_MAX_ATTEMPTS times.
CAIRN_WORKER_HEARTBEAT_SECONDS = env_float("CAIRN_WORKER_HEARTBEAT_SECONDS", 5.0, minimum=0.05)
CAIRN_WORKER_DEAD_AFTER_SECONDS = env_float("CAIRN_WORKER_DEAD_AFTER_SECONDS", 60.0, minimum=0.1)
CAIRN_WORKER_MAX_ATTEMPTS = env_int("CAIRN_WORKER_MAX_ATTEMPTS", 3, minimum=1)
# A worker that ran a task less than this many seconds ago waits until that long after the run
# began before taking along the calls queued behind it (background/coalesce.py, ADR 0026): under
# a stream of concerns each findings refresh or alert run takes more of them along. 0: never wait.
CAIRN_TASKS_GATHER_SECONDS = env_float("CAIRN_TASKS_GATHER_SECONDS", 0.25, minimum=0.0)
# The findings refresh takes the other children queued for refreshing with it, up to this many.
CAIRN_PATTERNS_REFRESH_BATCH = env_int("CAIRN_PATTERNS_REFRESH_BATCH", 200, minimum=1)
# Finished task rows (ids and timings, never a child's details) are kept this long.
CAIRN_TASK_RESULTS_KEEP_DAYS = env_int("CAIRN_TASK_RESULTS_KEEP_DAYS", 30, minimum=1)
# The scheduled jobs, all in one place: tasks run daily at a local time (background/schedule.py).
# Cron or systemd timers can run the same jobs instead: `run_worker --no-schedule` (docs/deploy.md).
CAIRN_SCHEDULE: list[dict[str, str]] = [
    {"name": "nightly detector run", "task": "patterns.tasks.detectors_run_nightly", "at": "02:00"},
    {"name": "housekeeping", "task": "accounts.tasks.housekeeping", "at": "03:30"},
    {"name": "tasks pruned", "task": "background.tasks.finished_tasks_prune", "at": "03:45"},
]

# Analytics (issue 9). Counts below this show as "fewer than 5" in governor and trust
# aggregates, and percentages derived from them are withheld (Cairn's default, following the
# DfE statistics practice of suppressing small numbers [U]: a setting, not a rule).
CAIRN_ANALYTICS_SUPPRESS_BELOW = env_int("CAIRN_ANALYTICS_SUPPRESS_BELOW", 5, minimum=1)
# The high-expectations check counts neglect concerns that led to a decision beyond monitoring
# within this many days of being written (Cairn's own default [U]).
CAIRN_ANALYTICS_ESCALATION_DAYS = env_int("CAIRN_ANALYTICS_ESCALATION_DAYS", 7, minimum=1)
# Each web process keeps a columnar copy of the append-only records the dashboards read
# (analytics/store.py). With this on, a gunicorn worker reads it in the background as it
# starts, so the first dashboard after a restart does not wait for it.
CAIRN_ANALYTICS_WARM_ON_START = env_bool("CAIRN_ANALYTICS_WARM_ON_START", True)

# Casework (casework/: issue 17). The front sheet's social-care status is computed from the plans
# and children's social care's answers recorded there: a function `(pupil) -> SocialCareLine |
# None` (None: the MIS's status is shown).
PUPIL_SOCIAL_CARE_STATUS_SOURCE = "casework.selectors.social_care_status"
PUPIL_FRONT_SHEET_PANELS += ["casework.panels.front_sheet_panel"]
# Retention (retention/: issue 15): the record's retention date and status on the front sheet.
PUPIL_FRONT_SHEET_PANELS += ["retention.panels.front_sheet_panel"]
PUPIL_RECORD_FLAG_SOURCES += ["casework.selectors.plan_flags"]
CHRONOLOGY_SOURCES += [
    "casework.chronology.contact_entries",
    "casework.chronology.plan_entries",
    "casework.chronology.meeting_entries",
    "casework.chronology.escalation_entries",
    "casework.chronology.roll_entries",
    "casework.chronology.engagement_entries",
    "casework.chronology.note_entries",
]
# Functions `(*, viewer) -> pupils.selectors.Panel | None`: sections of the safeguarding team's
# inbox that other apps add (concerns does not import them).
CONCERNS_INBOX_PANELS: list[str] = ["casework.panels.inbox_panel"]
# Child protection file transfer (transfer/: issue 19): received records on the chronology, and
# transfers past their five school days in the inbox.
CHRONOLOGY_SOURCES += ["transfer.chronology.transferred_entries"]
# A received file's concerns and decisions, read by the detectors that count a child's history
# from an earlier school (transfer/facts.py), and the evidence rows naming them (the finding page
# links each to the child's chronology, for those who may read the transferred records).
PATTERN_FACT_SOURCES += ["transfer.facts.facts_for"]
PATTERN_EVIDENCE_SOURCES: dict[str, str] = {"transferred": "transfer.evidence.evidence_row"}
CONCERNS_INBOX_PANELS += ["transfer.panels.inbox_panel"]
PUPIL_FRONT_SHEET_PANELS += ["transfer.panels.front_sheet_panel"]
# Record kinds other apps add to `manage.py import_history` (docs/import-format.md).
HISTORY_IMPORT_KINDS: list[str] = [
    "casework.importers.ENROLMENT",
    "casework.importers.AGENCY_CONTACT",
    "casework.importers.PLAN",
    "casework.importers.MEETING",
    "casework.importers.ENGAGEMENT",
    "casework.importers.DAY_NOTE",
    "casework.importers.HOUSEHOLD_CHILD",
    "casework.importers.AGREED_ABSENCE",
    "casework.importers.ESCALATION",
    "casework.importers.LEAVING",
    "casework.importers.KNOWN_FACTOR",
    "casework.importers.SUPPORT_STATUS",
    "casework.importers.CHECK_IN",
    "casework.importers.VOICE",
]

# Staff, supervision and learning (staffing/, learning/: issue 20; ADR 20). How often each kind
# of training falls due again, in months (0: once only). DSL formal training at least every two
# years and the annual update at least yearly are KCSIE's (records-and-access.md §5 [V]); the
# other intervals are Cairn's defaults [U], for the school to set.
CAIRN_TRAINING_INTERVAL_MONTHS: dict[str, int] = {
    "induction": 0,
    "annual_update": 12,
    "kcsie_part_one": 12,
    "neglect": 36,
    "dsl_formal": 24,
    "prevent": 24,
    "online_safety": 12,
    "safer_recruitment": 60,
}
# Which training each role needs (all staff at induction and every year; the DSL team formal
# training and Prevent; governors at induction and updated: records-and-access.md §5).
_ALL_STAFF_TRAINING = ["induction", "annual_update", "kcsie_part_one", "online_safety", "neglect"]
CAIRN_TRAINING_REQUIRED: dict[str, list[str]] = {
    "staff": _ALL_STAFF_TRAINING,
    "attendance_lead": _ALL_STAFF_TRAINING,
    "school_admin": _ALL_STAFF_TRAINING,
    "dsl": [*_ALL_STAFF_TRAINING, "dsl_formal", "prevent"],
    "deputy_dsl": [*_ALL_STAFF_TRAINING, "dsl_formal", "prevent"],
    "headteacher": [*_ALL_STAFF_TRAINING, "safer_recruitment"],
    "governor": ["induction", "annual_update"],
}
# Training falling due within this many days shows as "due soon".
CAIRN_TRAINING_DUE_SOON_DAYS = env_int("CAIRN_TRAINING_DUE_SOON_DAYS", 30, minimum=1)
# Low-level concerns about one adult: this many within the window is shown as a pattern to
# consider (Cairn's default [U]); the LADO prompt shows for a pattern or a threshold flag.
CAIRN_LOW_LEVEL_PATTERN_COUNT = env_int("CAIRN_LOW_LEVEL_PATTERN_COUNT", 3, minimum=2)
CAIRN_LOW_LEVEL_PATTERN_DAYS = env_int("CAIRN_LOW_LEVEL_PATTERN_DAYS", 365, minimum=1)
