"""telcrm settings: everything that differs between machines comes from the environment.

DATABASE_URL   database (default: SQLite file under var/)
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" to enable (default on, for `make run`)
ALLOWED_HOSTS  comma separated
REDIS_URL      switches the django-q2 broker from the ORM to Redis
Q_NAME         the django-q2 cluster's name: its Redis keys; one per site on a shared Redis
Q_WORKERS      worker processes per `qcluster`
LOGIN_FAILURE_LIMIT     failed sign-ins (per username, and per address) before signing in
                        is blocked (default 5)
LOGIN_COOLOFF_MINUTES   how long that block lasts (default 15)
SESSION_IDLE_SECONDS    a session unused this long ends (default 1800)
SESSION_MAX_SECONDS     a session ends this long after signing in, used or not (default 43200)
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

from telcrm.database import tune_postgresql, tune_sqlite

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TESTING = "pytest" in sys.modules or os.environ.get("TELCRM_TESTING") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-not-secret-telcrm-key-change-me-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Our apps, lowest layer first (DESIGN.md section 2).
TELCRM_APPS = ["sales", "contracts", "cmdb", "orders", "fulfillment"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "simple_history",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_q",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "telcrm",
    *TELCRM_APPS,
]

MIDDLEWARE = [
    "telcrm.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "telcrm.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "telcrm.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a blocked sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "telcrm.urls"
WSGI_APPLICATION = "telcrm.wsgi.application"

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
                "django.template.context_processors.csp",
                "telcrm.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'telcrm.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
# Background workers and the web server share the SQLite file: wait instead of failing.
tune_sqlite(DATABASES["default"])
# Pages run short queries: no JIT compilation that costs more than the query.
tune_postgresql(DATABASES["default"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sign-in throttling (R40): after LOGIN_FAILURE_LIMIT failures for one username, or from one
# address, signing in is blocked for LOGIN_COOLOFF_MINUTES, on the staff and the admin sign-in
# alike (the lock is checked by the first backend, before any password is). Administrators
# lift a block early by deleting its access attempt in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "telcrm.http.client_ip"
AXES_LOCKOUT_CALLABLE = "telcrm.security.lockout_response"

# Sessions (R40): a new key at every sign-in (Django's login), gone at sign-out, on the next
# request of a deactivated user or after a password change (the session keeps a hash of the
# password), and ended by telcrm.middleware.SessionLimitsMiddleware when idle or too old.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_SECONDS", "43200"))
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# A form posted without a valid CSRF token is a security event (R40): logged, then Django's page.
CSRF_FAILURE_VIEW = "telcrm.views.errors.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Request size caps. A request whose declared body is larger than the largest upload (plus
# room for the form's other fields) is refused before its body is read
# (telcrm.middleware.RequestSizeLimitMiddleware); non-file fields stay under Django's cap,
# and uploads above FILE_UPLOAD_MAX_MEMORY_SIZE spool to a temporary file, not memory.
TELCRM_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

MESSAGE_TAGS = {40: "danger"}

# Who we are on customer documents (quote summaries, contracts).
TELCRM_PROVIDER = {
    "name": os.environ.get("TELCRM_PROVIDER_NAME", "Nordlicht Telekom GmbH"),
    "address": os.environ.get("TELCRM_PROVIDER_ADDRESS", "Überseeallee 10, 20457 Hamburg, Germany"),
    "register": os.environ.get("TELCRM_PROVIDER_REGISTER", "HRB 123456, Amtsgericht Hamburg"),
    "vat": os.environ.get("TELCRM_PROVIDER_VAT", "DE300000001"),
}
# E-mail (signing links): SMTP in production (SMTP_HOST, default localhost); printed to the
# console while developing unless an SMTP host is set.
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("SMTP_HOST", "localhost"),
                "port": int(os.environ.get("SMTP_PORT", "25")),
            },
        }
        if os.environ.get("SMTP_HOST") or not DEBUG
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sales@telcrm.example")
# The client's address (recorded with a signature): REMOTE_ADDR, unless that is one of these
# reverse proxies (addresses or networks, comma separated); then the last address in
# CLIENT_IP_HEADER that is not one of them. Unset: the header is never trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "X-Forwarded-For")
# Signing links (R12) stay valid this many days.
SIGNING_LINK_DAYS = 14
# Orders: the fewest days between approval and the requested delivery date (R18).
ORDER_LEAD_DAYS = int(os.environ.get("ORDER_LEAD_DAYS", "10"))
# Fulfillment (R22): hours a fall-out may stay open before it escalates to the group's manager.
FALLOUT_SLA_HOURS = float(os.environ.get("FALLOUT_SLA_HOURS", "4"))
# R21: an order with more sites than this runs as a special project.
SPECIAL_PROJECT_SITES = int(os.environ.get("SPECIAL_PROJECT_SITES", "3"))
# The watchdog fails a ready or started task this many hours after its SLA ended, per kind.
WATCHDOG_GRACE_HOURS = {"api": 0, "manual": 24, "field_service": 24, "project": 72}
# Fulfillment (R20): API tasks run in the workers against simulated domain adapters. Per
# domain (falling back to "default"): the latency of one call, the share of calls that fail,
# and how many of the domain's tasks run at once (0 switches the adapter off: its tasks wait
# for a person). Off under tests unless a test turns it on. The seed makes runs repeatable.
FULFILLMENT_ADAPTERS = {
    "default": {
        "latency_ms": int(os.environ.get("FULFILLMENT_ADAPTER_LATENCY_MS", "300")),
        "failure_rate": float(os.environ.get("FULFILLMENT_ADAPTER_FAILURE_RATE", "0.1")),
        "concurrency": int(
            os.environ.get("FULFILLMENT_ADAPTER_CONCURRENCY", "0" if TESTING else "4")
        ),
    },
}
FULFILLMENT_ADAPTER_SEED = os.environ.get("FULFILLMENT_ADAPTER_SEED", "telcrm")
# An API task falls out (R22) after this many failed adapter calls in a row.
FULFILLMENT_API_MAX_ATTEMPTS = int(os.environ.get("FULFILLMENT_API_MAX_ATTEMPTS", "3"))
# A started API task with no progress (no attempt, no result) for this long is shown as stuck:
# longer than one job may run (Q_TIMEOUT, 120 s) plus a minute waiting for a worker.
FULFILLMENT_API_STUCK_SECONDS = int(os.environ.get("FULFILLMENT_API_STUCK_SECONDS", "180"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Audit: the history admin shows rows but never reverts them (R27).
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = False

# Content Security Policy: every script is a static file of ours.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Background work (DESIGN.md section 2): ORM broker by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
Q_CLUSTER = {
    "name": os.environ.get("Q_NAME", "telcrm"),
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 120,
    "retry": 300,
    "max_attempts": 3,
    "queue_limit": 50,
    "catch_up": False,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    # Redis hands a job over once: the jobs a killed cluster holds are lost (until R32's
    # re-send), so each cluster takes no more than its workers can start next.
    Q_CLUSTER["queue_limit"] = Q_CLUSTER["workers"]
else:
    Q_CLUSTER["orm"] = "default"
# A test that kills a real cluster mid-task (R32) needs its work redelivered in seconds.
Q_CLUSTER["timeout"] = int(os.environ.get("Q_TIMEOUT", Q_CLUSTER["timeout"]))
Q_CLUSTER["retry"] = int(os.environ.get("Q_RETRY", Q_CLUSTER["retry"]))
if TESTING:
    Q_CLUSTER["sync"] = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "telcrm TM Forum Open APIs", "VERSION": "4.0.0"}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json_lines": {"()": "telcrm.logs.JsonLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Standard error, one JSON object per line (R40), for the log collector to parse.
        "security": {"class": "logging.StreamHandler", "formatter": "json_lines"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "telcrm.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # django-axes notes every sign-in at INFO; its warnings (failures, blocks) stay.
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
