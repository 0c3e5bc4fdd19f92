"""Settings for the clinic, read from environment variables (twelve-factor).

Safe by default: DEBUG is off unless set, and with DEBUG off a SECRET_KEY must be given.
Every variable is listed in the README's production section.
"""

import hashlib
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from clinic.environment import env_bool, env_int, env_list, key_derived_from, note_signing_keys

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

# `manage.py screen`, `outcomes` and `questionnaire` only read JSON and print JSON: they may run anywhere, without a
# secret.
OFFLINE_TOOL = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in (["screen"], ["outcomes"], ["questionnaire"])

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or OFFLINE_TOOL):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105  # nosec B105


# Old secret keys kept to check what they signed (Django's SECRET_KEY_FALLBACKS), comma-separated.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])


# The keys of the signed notes' seals (HMAC-SHA256), never stored in the database: someone who can write to it
# cannot seal a changed note again. NOTE_SIGNING_KEYS gives them apart from SECRET_KEY (so either can be rotated
# alone). Without it, the key is derived from SECRET_KEY: in development with the id "dev"; with DEBUG off with an
# id naming that secret key ("sk-" and 8 hex digits of the derived key's SHA-256), and each of SECRET_KEY_FALLBACKS
# gives one more key, so notes sealed before a rotation of SECRET_KEY still verify while the old key is listed.
if os.environ.get("NOTE_SIGNING_KEYS", "").strip():
    NOTE_SIGNING_KEYS = note_signing_keys(os.environ["NOTE_SIGNING_KEYS"])
elif DEBUG or OFFLINE_TOOL:
    NOTE_SIGNING_KEYS = {"dev": key_derived_from(SECRET_KEY)}
else:
    NOTE_SIGNING_KEYS = {
        f"sk-{hashlib.sha256(key).hexdigest()[:8]}": key
        for key in map(key_derived_from, [SECRET_KEY, *SECRET_KEY_FALLBACKS])
    }
# The key that seals new notes and addenda: the first listed unless named.
NOTE_SIGNING_KEY_ID = os.environ.get("NOTE_SIGNING_KEY_ID", "").strip() or next(iter(NOTE_SIGNING_KEYS))
if NOTE_SIGNING_KEY_ID not in NOTE_SIGNING_KEYS:
    raise ImproperlyConfigured(f"NOTE_SIGNING_KEY_ID {NOTE_SIGNING_KEY_ID!r} is not one of NOTE_SIGNING_KEYS.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Our apps first: their templates and management commands win over the packages'.
    "clinic",
    "intake",
    "notes",
    "clinic.admin_site.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database that does not answer: a 503 page with an incident id (clinic/errors.py), never a traceback.
    "clinic.errors.DatabaseUnavailableMiddleware",
    # No-store on every page but static files (outermost, so the guard's own 400/413 carry it too);
    # oversized bodies (413), NUL in query strings (400).
    "clinic.request_guard.NoStoreMiddleware",
    "clinic.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clinic.session_activity.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed a second factor (clinic/two_factor.py)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.middleware.EndInactiveSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clinic.audit.AuditMiddleware",
    # A tablet handed to a client (to sign a consent, to fill in their forms) reaches nothing else (clinic/handover.py).
    "clinic.handover.HandoverMiddleware",
    # The view's transaction, for requests that write (clinic/transactions.py).
    "clinic.transactions.AtomicWritesMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                # The navigation bar's addresses, reversed once per process (clinic/nav.py).
                "clinic.nav.nav",
            ],
            # Every template writes dates and times the clinic's way (`|day`, `|minute`, `|clock`, `|iso`).
            "builtins": ["clinic.templatetags.clinic_time"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Every request that changes something is one transaction, and a failure leaves no half-saved record; pages
# that only read run without one (clinic/transactions.py).
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL cancels a statement running longer than this, well below gunicorn's 30 s request timeout
# (gunicorn.conf.py), so a stuck query ends as a 503 rather than a killed worker. 0 turns it off.
# Management commands (migrate, seed_load, backup...) run without it unless it is set: a migration building an
# index on ten million rows takes longer, and nobody waits on a request for it.
_MANAGEMENT_COMMAND = sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else None
STATEMENT_TIMEOUT_MS = env_int("STATEMENT_TIMEOUT_MS", 0 if _MANAGEMENT_COMMAND not in (None, "runserver") else 15000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and STATEMENT_TIMEOUT_MS > 0:
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c statement_timeout={STATEMENT_TIMEOUT_MS}".strip()

# SQLite: a transaction takes the write lock when it begins (BEGIN IMMEDIATE), so concurrent writes wait their turn
# for up to SQLITE_TIMEOUT_SECONDS instead of failing at once with "database is locked" (a 503) when a transaction
# that began by reading asks to write; pages that only read run without one (clinic/transactions.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=env_int("SQLITE_TIMEOUT_SECONDS", 20)
    )

# Server-side parameter binding on PostgreSQL (psycopg 3): a statement run five times on a connection is prepared
# and its plan kept, so the pages' fixed statements are not planned again on every request. Off with
# DB_SERVER_SIDE_BINDING=0, e.g. behind a pooler in transaction mode, which cannot keep prepared statements.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_SIDE_BINDING", True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user of each request in one fixed statement (clinic/request_reads.py, with
    # the measured reason). The user's roles are kept on their row (User.held_roles): no query for them.
    "clinic.request_reads.UserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clinic:home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed sign-ins (django-axes), per user name and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Lock-out state lives in the database, shared by every app server (never the per-process cache).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# Sessions live in the database, so any app server behind a load balancer can serve any request: Django's database
# store, reading its row in one fixed statement (clinic/request_reads.py, with the measured reason).
SESSION_ENGINE = "clinic.request_reads"
# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# The session row is refreshed at most once a minute (clinic/session_activity.py), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LANGUAGE_CODE = "en-ca"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Toronto")
# What Django writes of a date or a moment by itself (the admin): the clinic's day and minute (clinic/local_time.py).
FORMAT_MODULE_PATH = ["clinic.formats"]
# Every text is marked for translation, but no catalog ships yet: the machinery stays off until one does
# (Django's performance advice; the session page rendered 6 ms faster). Set USE_I18N=1 with a catalog.
USE_I18N = env_bool("USE_I18N", False)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads (clearance letters): MEDIA_ROOT on a volume every app server mounts, or another backend, e.g.
    # django-storages' S3Storage with MEDIA_STORAGE_OPTIONS='{"bucket_name": "..."}' (README).
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {
        # WhiteNoise's compressed, hashed storage, each asset's address worked out once (clinic/static_storage.py).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "clinic.static_storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Request limits: beyond them Django answers 400 (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) and
# clinic.request_guard 413, never 500. Files do not count against DATA_UPLOAD_MAX_MEMORY_SIZE: the clearance
# letter (up to 10 MB, intake/forms.py) fits in MAX_REQUEST_BYTES with its form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form fields; the largest, a drawn signature, is 400 KB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # the intake form, with 20 complaints, sends about 200
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file, not memory
MAX_REQUEST_BYTES = 11 * 1024 * 1024
# Messages ("Client Maya Chen added.") live in the session, not in a cookie the browser sends back.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Strict Content Security Policy: nothing from outside the app, no inline script without a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Outcomes: the minimal clinically important difference of the 0-10 pain scale, as this clinic reads it.
PAIN_MCID_POINTS = float(os.environ.get("PAIN_MCID_POINTS", "2"))
PAIN_MCID_PERCENT = float(os.environ.get("PAIN_MCID_PERCENT", "30"))
PAIN_MCID_RULE = os.environ.get("PAIN_MCID_RULE", "both")  # both, either, points or percent
CLINIC_NAME = os.environ.get("CLINIC_NAME", "Clinic records")
# A record with more signed sessions than this is exported as a PDF in the background (notes/export_jobs.py), a
# task of Django's tasks framework kept in the database (django-tasks-db) until a worker (`manage.py db_worker`,
# one or many) takes it: the same on SQLite in the demo and on PostgreSQL in production.
EXPORT_INLINE_MAX_SESSIONS = env_int("EXPORT_INLINE_MAX_SESSIONS", 40)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A long record's PDF is laid out in parts at the same time, in as many processes as this (notes/pdf_parts.py):
# by default the processors this process may run on, at most 4; 1 lays every PDF out in the process that asks.
_PROCESSORS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
EXPORT_PDF_PROCESSES = env_int("EXPORT_PDF_PROCESSES", min(4, _PROCESSORS))
# A second factor (TOTP) for /admin/ and /audit/: on unless DEBUG (so the demo runs without an authenticator
# app). When off here, a clinic admin may still turn it on for the clinic (clinic/two_factor.py).
REQUIRE_2FA_FOR_ADMIN = env_bool("REQUIRE_2FA_FOR_ADMIN", not DEBUG)
OTP_TOTP_ISSUER = CLINIC_NAME
# Emergency access ("break the glass"): how long a grant lasts, and the shortest reason accepted.
EMERGENCY_ACCESS_DURATION = timedelta(hours=env_int("EMERGENCY_ACCESS_HOURS", 4))
EMERGENCY_ACCESS_MIN_REASON = env_int("EMERGENCY_ACCESS_MIN_REASON", 10)

# The client's own forms (intake/client_form_views.py): a link works once and for this many days.
CLIENT_FORM_LINK_DAYS = env_int("CLIENT_FORM_LINK_DAYS", 7)
# The public form's limits (django-ratelimit's "count/period"): links that open nothing, per address; sendings of
# one link's forms (each refused form is one), whatever the address.
CLIENT_FORM_RATE_PER_ADDRESS = os.environ.get("CLIENT_FORM_RATE_PER_ADDRESS", "10/h")
CLIENT_FORM_RATE_PER_LINK = os.environ.get("CLIENT_FORM_RATE_PER_LINK", "20/h")
# The counts live in the database, shared by every app server: a process cache would count each server's alone.
# django-ratelimit prefers memcached or Redis for their atomic increments; the database cache may lose a count
# when two attempts meet, which a limit against guessing 128-bit links can afford (no service to run for it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rate_limits": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "clinic_rate_limits"},
}
RATELIMIT_USE_CACHE = "rate_limits"

# E-mail is optional: with EMAIL_HOST set, staff may send a client their form's link (and nothing else is sent).
EMAIL_CONFIGURED = bool(os.environ.get("EMAIL_HOST", "").strip())
if EMAIL_CONFIGURED:
    EMAIL_HOST = os.environ["EMAIL_HOST"].strip()
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")

# Audit log (django-auditlog): who saw and changed what, from which address.
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Only trust X-Forwarded-For when a reverse proxy we run sets it; otherwise anyone could forge it.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# Security headers and cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if TRUST_X_FORWARDED_FOR:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # At most LOG_REPEAT_LIMIT identical records (logger, message, exception type) per LOG_REPEAT_WINDOW seconds,
    # then one "suppressed N similar messages": an outage cannot fill the disk with tracebacks.
    "filters": {
        "rate_limit": {
            "()": "clinic.logging.RateLimitFilter",
            "limit": env_int("LOG_REPEAT_LIMIT", 10),
            "window": env_int("LOG_REPEAT_WINDOW", 60),
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["rate_limit"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; keep its warnings (lock-outs) only.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Consent to sensitive areas, per province (notes/consent_forms.py, the consent page). "written_each_visit": the
# client's written agreement (initials) before every treatment of the area; "written_once_verbal_each_visit": written
# once per treatment plan, then a recorded verbal check before each treatment. Ontario follows the College of Massage
# Therapists of Ontario (2022); the abdomen and the front of the hip are this clinic's own policy. British Columbia
# accepts documented verbal consent for sensitive areas.
CONSENT_PROVINCE = os.environ.get("CONSENT_PROVINCE", "ON")
CONSENT_PROVINCE_RULES = {
    "ON": {
        "name": "Ontario",
        "written_each_visit": ["front_hip", "chest_wall", "breast"],
        "written_once_verbal_each_visit": ["gluteal"],
        "clinic_policy_written_each_visit": ["abdomen", "front_hip"],
        "adult_age": None,
    },
    "BC": {
        "name": "British Columbia",
        "written_each_visit": [],
        "verbal_documented_each_visit": ["front_hip", "chest_wall", "breast", "gluteal"],
        "written_once_verbal_each_visit": [],
        "clinic_policy_written_each_visit": ["abdomen", "front_hip"],
        "adult_age": 19,
    },
}
