"""MeetAssist settings: every value comes from the environment (see README, "Configuration").

With nothing set, the embedded default runs: DEBUG on, SQLite under var/, the archive in a
local folder, Celery tasks run in-process. Production sets DEBUG=false and must then give
SECRET_KEY and ALLOWED_HOSTS, or start-up stops with a message naming the variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from meetassist.database_secret import database_from_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)


def _require(*names: str) -> None:
    """Outside DEBUG these have no default: stop start-up naming the first one missing."""
    for name in names:
        if not env.str(name, default="").strip():
            raise ImproperlyConfigured(
                f"Set the {name} environment variable: it is required when DEBUG is off."
            )


def _strong_secret_key(key: str) -> str:
    """Refuse a key ``check --deploy`` would call weak (security.W009): it signs sessions."""
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"The SECRET_KEY environment variable is too weak: give at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them "
            f"different, not starting with {SECRET_KEY_INSECURE_PREFIX!r} (e.g. python -c "
            f"'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return key


if DEBUG:
    # Local-only key: used only while DEBUG is on, it never protects real data.
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
else:
    _require("SECRET_KEY", "ALLOWED_HOSTS")
    SECRET_KEY = _strong_secret_key(env.str("SECRET_KEY"))
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "import_export",
    "axes",
    "csp",
    "meetassist",
    "appointments",
    "archive",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "meetassist.sessions.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Instead of Django's LocaleMiddleware: each user's stored language, never the browser's.
    "meetassist.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "meetassist.urls"
WSGI_APPLICATION = "meetassist.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_SECRET_ARN = env.str("DATABASE_SECRET_ARN", default="")
if DATABASE_SECRET_ARN:
    # On Lambda the RDS credentials live in Secrets Manager, read here: once per process.
    DATABASES = {"default": database_from_secret(DATABASE_SECRET_ARN)}
else:
    if "DATABASE_URL" not in env.ENVIRON:
        # Only the embedded default writes here (Lambda's code directory is read-only).
        VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'meetassist.sqlite3'}")
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# django-axes checks each login first: after LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for LOGIN_COOLOFF_MINUTES (superusers
# see and delete lockouts in the admin; `manage.py axes_reset_username NAME` unlocks).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "meetassist.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "dashboard/lockout.html"
# No "AXES: BEGIN version …" line (English, logged at start-up) before every command's output.
AXES_VERBOSE = False

# --- Sessions ---------------------------------------------------------------------------
# Staff sessions end after SESSION_IDLE_MINUTES without a request (requests move the expiry
# on: meetassist.sessions) and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=8 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Searched first to last, before any app's own catalogue: our strings, then the Vietnamese
# of the libraries that ship none (README, "Dashboard").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Numbers in thousands (14.040 in Vietnamese, 14,040 in English). Django's Vietnamese formats
# name the separator but no grouping, so the grouping is given here for every language.
# Identifiers stay bare: form inputs are not localized, templates |unlocalize an ID, and the
# admin's changelists show integer keys unformatted (appointments.admin.identifiers).
USE_THOUSAND_SEPARATOR = True
NUMBER_GROUPING = 3
# One date style per language on every page, the admin's and ours (meetassist/formats).
FORMAT_MODULE_PATH = ["meetassist.formats"]

# --- Static files -----------------------------------------------------------------------
# Behind API Gateway the app answers under the stage path (/dev/...). Django fixes
# STATIC_URL before any request brings SCRIPT_NAME, so the prefix is given here, and
# WhiteNoise, which sees paths without it, is told the unprefixed one.
URL_PREFIX = env.str("URL_PREFIX", default="").rstrip("/")
STATIC_URL = env.str("STATIC_URL", default=f"{URL_PREFIX}/static/" if URL_PREFIX else "static/")
if URL_PREFIX:
    WHITENOISE_STATIC_PREFIX = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # the package carries only what is served
# Locally (and in tests, where Django forces settings.DEBUG off) static files are found
# on demand, so no collectstatic is needed; production serves the collected set.
WHITENOISE_AUTOREFRESH = DEBUG

# --- Schedule slots ---------------------------------------------------------------------
# What "generate slots" proposes for a consultant who has no slots yet (one who has gets
# their own pattern): working days (0 = Monday … 6 = Sunday), the first slot's hour, the hour
# the last slot ends by, the slot length and a lunch break ("HH:MM-HH:MM", empty for none).
# Checked at start-up (appointments.E001).
SLOT_WORKING_DAYS = env.list("SLOT_WORKING_DAYS", cast=int, default=[0, 1, 2, 3, 4])
SLOT_START_HOUR = env.int("SLOT_START_HOUR", default=8)
SLOT_END_HOUR = env.int("SLOT_END_HOUR", default=17)
SLOT_MINUTES = env.int("SLOT_MINUTES", default=60)
SLOT_LUNCH_BREAK = env.str("SLOT_LUNCH_BREAK", default="12:00-13:00")

# --- Archive storage (docs/architecture.md, "Storage layout") ----------------------------
ARCHIVE_BUCKET = env.str("ARCHIVE_BUCKET", default="")
ARCHIVE_DIR = env.path("ARCHIVE_DIR", default=VAR_DIR / "archive")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
SEED_WINDOW_DAYS = env.int("SEED_WINDOW_DAYS", default=1)
# Long commands (seed_from_s3, archive_now, verify_archive, demo_data) whose output is not a
# terminal write a progress line at most this often (archive.core.progress).
PROGRESS_LOG_SECONDS = env.float("PROGRESS_LOG_SECONDS", default=5.0)
# Memory PostgreSQL may use for one sort or hash of a big seed load (index rebuilds, the
# overwrite's join): 1M appointments fit in 256MB. Lower it on a very small instance.
SEED_WORK_MEM = env.str("SEED_WORK_MEM", default="256MB")
# How a date written n/n/yyyy is read when both readings exist (6/7/2001): DMY (day first,
# as Vietnamese spreadsheets write) or MDY. A date only one order can read is read so.
SEED_DATE_ORDER = env.str("SEED_DATE_ORDER", default="DMY")
# Staff uploads (admin): the size limit per file, and from what size a load runs in Celery.
ARCHIVE_UPLOAD_MAX_BYTES = env.int("ARCHIVE_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
ARCHIVE_UPLOAD_TASK_BYTES = env.int("ARCHIVE_UPLOAD_TASK_BYTES", default=5 * 1024 * 1024)
# An uploaded ZIP: at most this many entries, expanding to at most this many bytes in all
# (archive/seed/upload_zip.py; a 1 MB ZIP can expand to gigabytes).
ARCHIVE_UPLOAD_MAX_MEMBERS = env.int("ARCHIVE_UPLOAD_MAX_MEMBERS", default=1000)
ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES = env.int(
    "ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES", default=200 * 1024 * 1024
)
# when_supported | when_required; unset: the SDK's default on AWS, when_required with an
# endpoint URL (S3-compatible stores reject the SDK's default CRC32 trailers). See
# archive.storage.backends.ArchiveS3Storage.
AWS_REQUEST_CHECKSUM_CALCULATION = env.str("AWS_REQUEST_CHECKSUM_CALCULATION", default="") or None
AWS_RESPONSE_CHECKSUM_VALIDATION = env.str("AWS_RESPONSE_CHECKSUM_VALIDATION", default="") or None
AWS_MAX_ATTEMPTS = env.int("AWS_MAX_ATTEMPTS", default=5)

if ARCHIVE_BUCKET:
    _archive_storage = {
        "BACKEND": "archive.storage.backends.ArchiveS3Storage",
        "OPTIONS": {
            "bucket_name": ARCHIVE_BUCKET,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": False,
        },
    }
else:
    _archive_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ARCHIVE_DIR)},
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "archive": _archive_storage,
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process so the embedded default needs no services.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Security (production) ----------------------------------------------------------------
# Who stands in front of the app (README, "Security"): "apigateway" (Lambda through API
# Gateway; Zappa passes the event's source address), "proxy" (a proxy that sets
# X-Forwarded-Proto and appends X-Forwarded-For) or "none" (a direct deployment: neither
# header is believed, HTTPS and the client's address are the server's own).
TRUSTED_PROXY = env.str("TRUSTED_PROXY", default="apigateway")
if TRUSTED_PROXY not in ("apigateway", "proxy", "none"):
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY must be apigateway, proxy or none, not {TRUSTED_PROXY!r}."
    )
if TRUSTED_PROXY != "none":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# django-csp: everything from this origin only; the one page script that is inline carries
# the request's nonce. No inline styles, no plugins, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging ------------------------------------------------------------------------------
# Production logs one JSON object a line (CloudWatch parses it; tracebacks stay in one event).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Import/export (admin changelist export) ----------------------------------------------
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False
