"""Venster settings.

Everything is read from the environment. With nothing set, Venster runs on an
SQLite file inside the project and a brokerless Celery (kombu's filesystem
transport), so a newcomer needs nothing but Python. Set DATABASE_URL and
REDIS_URL to run on PostgreSQL and Redis with separate Celery workers.

The same settings serve a source checkout and an installed wheel: the project's
templates, static files and translations live inside this package (config/), and
what Venster writes (var/, staticfiles/) goes into the checkout, or for an
installed package into the working directory unless VENSTER_VAR_DIR and
STATIC_ROOT say where.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent
BASE_DIR = PROJECT_DIR.parent
# An installed package must not write into site-packages.
WRITABLE_DIR = BASE_DIR if (BASE_DIR / "manage.py").is_file() else Path.cwd()
VAR_DIR = Path(os.environ.get("VENSTER_VAR_DIR", WRITABLE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "places",
    "organisations",
    "bookings",
    "hubs",
    "notifications",
    "api",
    "operations",
    "console",
    "access",
    "cds",
    "portal",
    "webhooks",
]

MIDDLEWARE = [
    "operations.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "operations.csp.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.navigation.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "venster.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every atomic block take SQLite's write lock at BEGIN, so two
    # bookers serialise instead of failing with "database is locked" when a read
    # transaction tries to upgrade to a write. WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that concurrent test threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Time and language ----------------------------------------------------------
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", WRITABLE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing folder
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ----------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Venster <noreply@venster.invalid>")

# --- Celery ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when publishing while the broker is down: the caller's data is already
# committed and a sweeper re-queues the work (operations/enqueue.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.2}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "data_folder_processed": str(_queue_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_queue_dir / "control"),
    }
else:
    # Longer than the longest solver run plus its hard time limit, so that a
    # message is redelivered only when its worker is really gone.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900")),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    if os.environ.get("CELERY_UNACKED_RESTORE_SECONDS"):
        # How often a worker looks for messages a dead worker held (kombu: about 100 s).
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "unacked_restore_interval": int(os.environ["CELERY_UNACKED_RESTORE_SECONDS"]),
            "unacked_restore_throttle": 1,
        }

# --- Allocation runs (bookings/allocation.py, bookings/tasks.py) ----------------------
# The solver's time limit per run; the task's soft and hard limits follow from it
# and stay under the visibility timeout above.
ALLOCATION_SOLVER_SECONDS = float(os.environ.get("ALLOCATION_SOLVER_SECONDS", "60"))
# Then at most this long for a proven upper bound (an LP relaxation) of the day.
ALLOCATION_BOUND_SECONDS = float(os.environ.get("ALLOCATION_BOUND_SECONDS", "15"))
# A pause before solving, only for fault drills (kill a worker mid-run).
ALLOCATION_DRILL_PAUSE_SECONDS = float(os.environ.get("ALLOCATION_DRILL_PAUSE_SECONDS", "0"))
CELERY_TASK_ROUTES = {
    **globals().get("CELERY_TASK_ROUTES", {}),
    "bookings.tasks.run_allocation": {"queue": "solver"},
}
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "bookings-start-due-allocation-runs": {
        "task": "bookings.tasks.start_due_allocation_runs",
        "schedule": 300.0,
    },
    "bookings-release-no-shows": {"task": "bookings.tasks.release_no_shows", "schedule": 60.0},
    "bookings-complete-overdue": {
        "task": "bookings.tasks.complete_overdue_bookings", "schedule": 60.0,
    },
    # Once a day (the notices are sent once each, so an extra run sends nothing).
    "access-notify-zero-emission-access-ending": {
        "task": "access.tasks.notify_zero_emission_access_ending", "schedule": 86400.0,
    },
    # Nightly, after midnight has moved every zone's booking horizon by a day.
    "bookings-roll-series-forward": {
        "task": "bookings.tasks.roll_series_forward",
        "schedule": crontab(hour=0, minute=20),
    },
}

# --- Caches ---------------------------------------------------------------------
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "operations.cache.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST framework -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.VensterAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.OrganisationAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasOrganisation"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Venster API",
    "DESCRIPTION": "Book loading bays, hub capacity and waste pickups in city centres.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

REST_FRAMEWORK["EXCEPTION_HANDLER"] = "api.exceptions.problem_exception_handler"
# Docstrings are written for developers; what API readers see is written in extend_schema.
SPECTACULAR_SETTINGS["DISABLE_DOCSTRING_DESCRIPTIONS"] = True
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    name: f"api.schema.{name}" for name in (
        "BookingStatusEnum", "BookingRequestStatusEnum", "WaitlistStatusEnum",
        "WebhookEndpointStatusEnum", "WebhookDeliveryStatusEnum",
    )
}
# Requests per API key (or per organisation for a session); a 429 says when to retry.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/minute")
# Requests per enforcement officer (or municipal API key) to /api/v1/enforcement/.
ENFORCEMENT_THROTTLE_RATE = os.environ.get("ENFORCEMENT_THROTTLE_RATE", "120/minute")
# The public occupancy feed: reads per caller, and streams. A stream holds a sync worker
# for its whole length, so it ends (and the client reconnects) within GUNICORN_TIMEOUT.
OCCUPANCY_THROTTLE_RATE = os.environ.get("OCCUPANCY_THROTTLE_RATE", "120/minute")
OCCUPANCY_STREAM_THROTTLE_RATE = os.environ.get("OCCUPANCY_STREAM_THROTTLE_RATE", "4/minute")
OCCUPANCY_STREAM_SECONDS = float(os.environ.get("OCCUPANCY_STREAM_SECONDS", "20"))
OCCUPANCY_STREAM_INTERVAL_SECONDS = float(os.environ.get("OCCUPANCY_STREAM_INTERVAL_SECONDS", "3"))
# Requests a minute from one address to the public pages (the zone rules page).
PUBLIC_PAGE_RATE = int(os.environ.get("PUBLIC_PAGE_RATE", "60"))

# --- Webhooks -------------------------------------------------------------------
# Only for development and tests: allow webhook URLs on private and loopback addresses.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "10"))
WEBHOOKS_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOKS_RETRY_BASE_SECONDS", "30"))
WEBHOOKS_MAX_ATTEMPTS = int(os.environ.get("WEBHOOKS_MAX_ATTEMPTS", "8"))
# How long a waitlist offer stays open before it passes to the next in line.
WAITLIST_OFFER_MINUTES = int(os.environ.get("WAITLIST_OFFER_MINUTES", "15"))

# --- Venster --------------------------------------------------------------------
VENSTER = {
    # Start times are offered on this grid (minutes, local wall clock).
    "GRID_MINUTES": 5,
}

LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                    "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A refused booking (409, 422) is an answer, not an incident: log server errors only.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Security -------------------------------------------------------------------
# How many reverse proxies of ours stand in front of the web processes, each appending to
# X-Forwarded-For. 0 (the default) trusts no header: the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# Sign-in throttle (operations/login.py): failures per address across all user names lock
# the address; failures per account slow the account down, except from addresses where
# that user signed in before.
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_LOCK_SECONDS = 60  # the first lock; it doubles with each further failure
LOGIN_KNOWN_ADDRESS_DAYS = 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Everything the pages use is served from this site; map tiles are the one exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://tile.openstreetmap.org"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Periodic tasks -------------------------------------------------------------
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "worker-heartbeat": {"task": "operations.tasks.heartbeat", "schedule": 30.0},
    "requeue-unsent-notifications": {
        "task": "operations.tasks.requeue_unsent_notifications", "schedule": 300.0,
    },
}

# --- Hubs and bundled pickups -----------------------------------------------------
# A road distance matrix for routing from this OSRM server; empty: haversine x detour.
VENSTER_OSRM_URL = os.environ.get("OSRM_URL", "")
CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {})
# Starts tomorrow's pickup planning at each hub's cut-off (the task checks the time).
CELERY_BEAT_SCHEDULE["hubs-start-due-planning-runs"] = {
    "task": "hubs.tasks.start_due_planning_runs",
    "schedule": 300.0,
}

# --- Request size ---------------------------------------------------------------
# API and form bodies are small; a larger one is refused (413 in the API) before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024))

# Two "status" choice sets in the hubs API, named so the schema has no collision.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update({
    "HubReservationStatusEnum": "hubs.api.schema.RESERVATION_STATUS",
    "LastMileChainStatusEnum": "hubs.api.schema.CHAIN_STATUS",
    "PickupStatusEnum": "hubs.api.schema.PICKUP_STATUS",
    "PickupMissedReasonEnum": "hubs.api.schema.MISSED_REASON",
})
# JSON bodies must be valid Unicode (no lone surrogates); forms as DRF parses them.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "api.parsers.UnicodeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
