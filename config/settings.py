"""Panhuo settings: one module, configured by environment variables.

With nothing set, the platform runs on an embedded default (SQLite, tasks executed in-process,
console e-mail). Set DATABASE_URL and REDIS_URL to run on PostgreSQL with a real Celery worker.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "refdata",
    "accounts",
    "patents",
    "enterprises",
    "matching",
    "evaluation",
    "dashboards",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.RememberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashboards.middleware.RunRequestedRefreshMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite unless DATABASE_URL names a server.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
USES_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Covering indexes (INCLUDE) speed up PostgreSQL; SQLite, the demo's database, builds them without
# the included columns, which is harmless there, so its warning is not shown on every command.
SILENCED_SYSTEM_CHECKS: list[str] = [] if USES_POSTGRES else ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: English and Simplified Chinese are shipped.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Front-end packages come from the npm registry (package.json) at setup time; only their
# distribution folders are exposed, under stable prefixes.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"  # never served directly: downloads go through access-checked views
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Redis: broker for Celery and the shared cache. Without it, tasks run in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "panhuo")
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks are sized to finish well inside this; a task that outlives it would be redelivered.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 900)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1200)
CELERY_TIMEZONE = TIME_ZONE
# Writes to the tables the dashboards count queue a refresh this many seconds after their commit
# (writes meanwhile join it), so figures catch up within seconds of the refresh's own duration.
DASHBOARDS_REFRESH_ON_WRITE = env_bool("DASHBOARDS_REFRESH_ON_WRITE", True)
DASHBOARDS_REFRESH_DELAY = env_int("DASHBOARDS_REFRESH_DELAY", 10)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Dashboard figures are precomputed and refreshed after writes; this catches up at least every
    # 15 minutes whatever happens (a lost task, a write outside Django).
    "dashboards-refresh": {"task": "dashboards.tasks.refresh_statistics", "schedule": 15 * 60},
    # Overdue appraisal filings are flagged once; running more often only finds them sooner.
    "evaluation-overdue-filings": {
        "task": "evaluation.tasks.flag_overdue_filings",
        "schedule": 6 * 60 * 60,
    },
    # Inventory imports whose worker died (stale heartbeat) go back to a worker and resume.
    "patents-requeue-stale-imports": {
        "task": "patents.tasks.requeue_stale_imports",
        "schedule": 2 * 60,
    },
    # Intent deadlines, subscriptions and digests are idempotent (event keys, compare-and-set).
    "enterprises-intent-deadlines": {
        "task": "enterprises.tasks.remind_and_flag_intents",
        "schedule": 60 * 60,
    },
    "enterprises-subscriptions": {"task": "enterprises.tasks.check_subscriptions", "schedule": 900},
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": 24 * 60 * 60,
        "args": ("daily",),
    },
    # Matching: a nightly full re-match; unfinished shards and runs go back to a worker.
    "matching-full-rematch": {"task": "matching.tasks.full_rematch", "schedule": 24 * 60 * 60},
    "matching-requeue-unfinished": {
        "task": "matching.tasks.requeue_unfinished",
        "schedule": 2 * 60,
    },
    # Finished match runs past MATCHING_RUN_RETENTION_DAYS; a backlog goes in slices, hourly.
    "matching-prune-runs": {"task": "matching.tasks.prune_runs", "schedule": 60 * 60},
    "notifications-weekly-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": 7 * 24 * 60 * 60,
        "args": ("weekly",),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Panhuo <noreply@panhuo.localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Panhuo API",
    "DESCRIPTION": "Existing university patents matched to enterprises.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`; name each choice set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "accounts.models.OrgKind",
        "DealKindEnum": "enterprises.models.DealKind",
        "IntentKindEnum": "enterprises.models.IntentKind",
        "InstitutionKindEnum": "evaluation.models.InstitutionKind",
        "DocumentKindEnum": "evaluation.models.DocumentKind",
        "MatchRunKindEnum": "matching.models.RunKind",
    },
}

# Security: strict in production (DEBUG off), relaxed for local development.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# Domain settings.
PANHUO_SHARED_DIR = Path(os.environ.get("PANHUO_SHARED_DIR", BASE_DIR.parent / "shared"))
INTENT_ANSWER_WORKING_DAYS = env_int("INTENT_ANSWER_WORKING_DAYS", 10)
INVENTORY_MAX_UPLOAD_BYTES = env_int("INVENTORY_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
INVENTORY_MAX_ROWS = env_int("INVENTORY_MAX_ROWS", 200_000)
MATCHING_SHARD_SIZE = env_int("MATCHING_SHARD_SIZE", 500)
# Library index snapshots (one per full re-match, shared by its workers; matching.library).
MATCHING_INDEX_DIR = Path(os.environ.get("MATCHING_INDEX_DIR", BASE_DIR / "var" / "matching"))
MATCHING_BUILD_WORKERS = env_int("MATCHING_BUILD_WORKERS", 1)
# Libraries smaller than this are re-indexed on every change instead of following changes.
MATCHING_REBUILD_BELOW = env_int("MATCHING_REBUILD_BELOW", 5000)
# Each worker keeps every profile vectorised for placing new patents; rebuilt this often.
MATCHING_PROFILES_MAX_AGE = env_int("MATCHING_PROFILES_MAX_AGE", 6 * 60 * 60)
# Finished match runs (and their shards) are deleted this many days after they started; the
# latest of each kind and the journal since the latest full re-match are kept (matching.services).
MATCHING_RUN_RETENTION_DAYS = env_int("MATCHING_RUN_RETENTION_DAYS", 90)
# New matches scoring at least this are pushed to the enterprise (inbox, e-mail per preference).
MATCHING_PUSH_THRESHOLD = float(os.environ.get("MATCHING_PUSH_THRESHOLD", "0.3"))
# An enterprise whose changed profile puts it among a patent's ten likeliest takers with at least
# this patent -> enterprise score is pushed to the patent's university.
MATCHING_TAKER_PUSH_THRESHOLD = float(os.environ.get("MATCHING_TAKER_PUSH_THRESHOLD", "0.5"))
