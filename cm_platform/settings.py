"""Settings for the publishing desk.

Everything a deployment changes comes from the environment (cookiecutter-django style); the
defaults run on a laptop with nothing installed: SQLite and a broker that needs no server.
"""

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-change-me-" + "x" * 32 if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The public address of this site: links in emails, feeds and media URLs sent to networks
# (Instagram and Threads download images from it, so it must be public for them).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "cm_platform",
    "accounts",
    "networks",
    "posts",
    "posts.publishing",
    "calendars",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cm_platform.urls"
WSGI_APPLICATION = "cm_platform.wsgi.application"

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
                "accounts.context_processors.brands",
                "posts.publishing.context_processors.engine",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, IMMEDIATE
    # takes the write lock at BEGIN (no deadlock on lock upgrade), and the timeout waits for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Keep connections between requests and tasks (each task ends with close_old_connections()): a
# burst of a thousand publishes would otherwise open a thousand (on PostgreSQL, a server
# process each; on SQLite, a file and its PRAGMAs each).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=7 * 24 * 3600)

# --- Languages and time -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries are pinned npm packages (package.json), served by the app itself.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/fullcalendar", BASE_DIR / "node_modules" / "@fullcalendar"),
    ("vendor/luxon", BASE_DIR / "node_modules" / "luxon" / "build" / "global"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env.str("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads above this many bytes are refused before they are decoded.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="desk@localhost")

# --- Celery -----------------------------------------------------------------------------------
# The default broker is kombu's filesystem transport: it needs no server, so `make run` works
# with nothing installed. It keeps no unacknowledged copy of a message, which is why the
# database, not the broker, is the source of truth for what is due (see posts/publishing/).
BROKER_DIR = VAR_DIR / "broker"
# The SQLite file and the filesystem broker's folders must exist before anything opens them.
for _folder in (BROKER_DIR / "queue", BROKER_DIR / "processed", BROKER_DIR / "control"):
    _folder.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # kombu's default is "control" in the current folder, which would litter the checkout.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
# Our subclass of that transport writes each message atomically (see cm_platform/broker.py).
CELERY_BROKER_TRANSPORT = (
    "cm_platform.broker:FilesystemTransport" if CELERY_BROKER_URL.startswith("filesystem") else None
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "cm_platform.beat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat ticks (seconds): health calls the scheduler dead after three missed ticks.
BEAT_INTERVAL = env.float("BEAT_INTERVAL", default=2.0)
# The dispatcher runs more often than beat's health tick: a post waits at most this long before
# it is claimed, which is what keeps p99 lateness under 1.5 s (bench/bench_publishing.py).
PUBLISH_DISPATCH_INTERVAL = env.float("PUBLISH_DISPATCH_INTERVAL", default=0.5)
# The sweeper takes back the claims of dead workers (see PUBLISH_LEASE_SECONDS).
PUBLISH_SWEEP_INTERVAL = env.float("PUBLISH_SWEEP_INTERVAL", default=2.0)
CELERY_BEAT_SCHEDULE: dict = {
    # A dispatcher message older than a few seconds is dropped: a later one does its work, and a
    # worker coming back after an outage does not run hundreds of stale dispatches.
    "dispatch-due-targets": {
        "task": "posts.dispatch_due",
        "schedule": PUBLISH_DISPATCH_INTERVAL,
        "options": {"expires": max(10 * PUBLISH_DISPATCH_INTERVAL, 5.0)},
    },
    "sweep-expired-claims": {
        "task": "posts.sweep_expired",
        "schedule": PUBLISH_SWEEP_INTERVAL,
        "options": {"expires": 2 * PUBLISH_SWEEP_INTERVAL},
    },
}
# One queue name per deployment (tests give each run its own, so parallel runs never share work).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# The engine's short control tasks (dispatch, sweep, recover) have a queue of their own: behind
# a burst of a thousand publish messages, a dispatcher run would otherwise wait (and expire).
# A worker consumes both queues (`-Q <queue>,<queue>-control` when naming them).
PUBLISH_CONTROL_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-control"
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(PUBLISH_CONTROL_QUEUE))
CONTROL_TASKS = ("posts.dispatch_due", "posts.sweep_expired", "posts.recover_target")
CELERY_TASK_ROUTES = {task: {"queue": PUBLISH_CONTROL_QUEUE} for task in CONTROL_TASKS}
# Acknowledge a message after its task ran, not when it is received: a worker killed mid-task
# leaves it to be delivered again (Redis); the claim check makes the second delivery harmless.
CELERY_TASK_ACKS_LATE = True
# With late acks, a task whose worker process died (OOM, SIGKILL) is requeued, not acknowledged.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Take one message per free slot: a worker must not sit on due posts that an idle one could send.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing is waiting on networks (I/O), not computing: threads give many calls in flight in
# one small process (prefork would need a process per call). The Django ORM is thread-safe with
# one connection per thread. `celery worker --pool/--concurrency` override both.
CELERY_WORKER_POOL = env.str("CELERY_WORKER_POOL", default="threads")
# THE worker size, stated here only: threads per worker process, for I/O-bound work (each
# thread mostly waits on a network), WORKER_THREADS_PER_CPU per CPU this process may use.
# `make run`, docker-compose and the benchmark start workers without --concurrency, so they
# all get this; WORKER_CONCURRENCY sets another number.
WORKER_THREADS_PER_CPU = 8
# (Empty counts as unset: docker-compose passes WORKER_CONCURRENCY through even when .env has none.)
CELERY_WORKER_CONCURRENCY = int(
    env.str("WORKER_CONCURRENCY", default="") or WORKER_THREADS_PER_CPU * len(os.sched_getaffinity(0))
)
# Bounds for a stuck call (enforced by the prefork pool; with threads, networks/http.py's
# timeouts bound each request and the lease below lets the sweeper take the target back).
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 120
# Celery's Django fixup closes every database connection before and after each task unless
# told to reuse them: on PostgreSQL a new server process per publish. Reuse them; each task
# begins and ends with Django's close_old_connections() (posts/tasks.py), which honours
# CONN_MAX_AGE and CONN_HEALTH_CHECKS as a web request does.
CELERY_DB_REUSE_MAX = 1_000_000
# Keep retrying the broker at start-up and after it restarts, instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Publishing engine ------------------------------------------------------------------------
PUBLISH_MAX_ATTEMPTS = env.int("PUBLISH_MAX_ATTEMPTS", default=5)
# Retry delays: base * 2^(attempt-1), jittered, capped (kept well under Mastodon's one-hour
# memory of an Idempotency-Key, so a retry after an unknown outcome is still recognised).
PUBLISH_BACKOFF_BASE = env.float("PUBLISH_BACKOFF_BASE", default=30.0)
PUBLISH_BACKOFF_MAX = env.float("PUBLISH_BACKOFF_MAX", default=600.0)
# A claim's lease while a worker holds it: short, because the worker renews it every quarter of
# it from a heartbeat thread (posts/publishing/leases.py), so a killed worker's claims come back
# within this plus PUBLISH_SWEEP_INTERVAL (12 s), not at the end of the slowest possible call.
PUBLISH_LEASE_SECONDS = env.float("PUBLISH_LEASE_SECONDS", default=10.0)
# A claim's lease while its message waits in the broker for a free worker (nobody renews it).
PUBLISH_QUEUE_LEASE_SECONDS = env.float("PUBLISH_QUEUE_LEASE_SECONDS", default=60.0)
# A worker stops renewing a claim it has held this long (longer than the slowest call: media
# uploads, processing and the post, each bounded by HTTP_TIMEOUT): a stuck thread's target is
# then recovered like a dead worker's.
PUBLISH_MAX_HOLD_SECONDS = env.float("PUBLISH_MAX_HOLD_SECONDS", default=150.0)
# At most this many targets claimed and not finished, per account and per network (adapters
# may set max_in_flight_per_account / max_in_flight_per_network), so a burst stays polite.
PUBLISH_MAX_IN_FLIGHT_PER_ACCOUNT = env.int("PUBLISH_MAX_IN_FLIGHT_PER_ACCOUNT", default=10)
PUBLISH_MAX_IN_FLIGHT_PER_NETWORK = env.int("PUBLISH_MAX_IN_FLIGHT_PER_NETWORK", default=100)
PUBLISH_DISPATCH_BATCH = env.int("PUBLISH_DISPATCH_BATCH", default=500)
# /healthz fails when a target has been due this long while no publish finished.
PUBLISH_STALL_SECONDS = env.float("PUBLISH_STALL_SECONDS", default=60.0)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Networks ---------------------------------------------------------------------------------
# Fernet keys for credentials at rest, newest first. The development default is derived from
# SECRET_KEY so `make run` works; production sets its own (see README: rotating keys).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()]
# Hosts a user types (a Mastodon instance, a webhook) may not be private, loopback or
# link-local addresses, except those listed here (tests list 127.0.0.1).
NETWORKS_ALLOWED_PRIVATE_HOSTS = env.list("NETWORKS_ALLOWED_PRIVATE_HOSTS", default=[])
HTTP_TIMEOUT = (env.float("HTTP_CONNECT_TIMEOUT", default=5.0), env.float("HTTP_READ_TIMEOUT", default=30.0))
HTTP_USER_AGENT = "cm-platform/0.1 (+https://github.com/cm-platform)"
# Accounts' budgets (networks/budget.py): the share of each limit that polling, search and
# metrics leave to publishing; no call starts in the last seconds of a window (so it cannot
# arrive in the next one); how many calls of one post (its images) run at once.
NETWORK_BUDGET_PUBLISH_RESERVE = env.float("NETWORK_BUDGET_PUBLISH_RESERVE", default=0.2)
NETWORK_BUDGET_GUARD_SECONDS = env.float("NETWORK_BUDGET_GUARD_SECONDS", default=0.5)
NETWORK_PARALLEL_CALLS = env.int("NETWORK_PARALLEL_CALLS", default=4)

# --- Public API (api/) ------------------------------------------------------------------------
# Personal access tokens for scripts (Authorization: Bearer ...), the session (with CSRF) for
# the browser's own calls. The first class's header makes an anonymous call a 401, not a 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Per process (the default cache is in memory): a guard against a runaway script, not a quota.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Publishing desk API",
    "DESCRIPTION": "Plan, review and publish posts of the brands you belong to. "
    "Authenticate with a personal access token: `Authorization: Bearer <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags by resource: /api/brands/{brand_slug}/posts/... is "posts".
    "SCHEMA_PATH_PREFIX": r"/api(/brands/\{brand_slug\}(?=/[a-z]))?",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page's assets come from the sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AccountStatusEnum": "networks.models.AccountStatus",
        "DisplayStatusEnum": "posts.models.DisplayStatus",
        "PostStateEnum": "posts.models.PostState",
        "TargetStateEnum": "posts.models.TargetState",
        "RoleEnum": "accounts.roles.Role",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# --- Commercial networks ------------------------------------------------------------------------
# App credentials, from each network's developer console. A network whose credentials are not
# set shows as unavailable on the Networks page, naming the setting. The *_URL settings are the
# networks' API addresses: tests point them at local servers; production keeps the defaults.
FACEBOOK_APP_ID = env.str("FACEBOOK_APP_ID", default="")  # Facebook Pages and Instagram
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")
GRAPH_API_URL = env.str("GRAPH_API_URL", default="https://graph.facebook.com/v21.0").rstrip("/")
FACEBOOK_DIALOG_URL = env.str("FACEBOOK_DIALOG_URL", default="https://www.facebook.com/v21.0/dialog/oauth")
LINKEDIN_CLIENT_ID = env.str("LINKEDIN_CLIENT_ID", default="")
LINKEDIN_CLIENT_SECRET = env.str("LINKEDIN_CLIENT_SECRET", default="")
LINKEDIN_API_URL = env.str("LINKEDIN_API_URL", default="https://api.linkedin.com").rstrip("/")
LINKEDIN_OAUTH_URL = env.str("LINKEDIN_OAUTH_URL", default="https://www.linkedin.com/oauth/v2").rstrip("/")
LINKEDIN_VERSION = env.str("LINKEDIN_VERSION", default="202411")  # the Linkedin-Version header (YYYYMM)
X_CLIENT_ID = env.str("X_CLIENT_ID", default="")
X_CLIENT_SECRET = env.str("X_CLIENT_SECRET", default="")
X_API_URL = env.str("X_API_URL", default="https://api.x.com").rstrip("/")
X_AUTHORIZE_URL = env.str("X_AUTHORIZE_URL", default="https://x.com/i/oauth2/authorize")
THREADS_APP_ID = env.str("THREADS_APP_ID", default="")
THREADS_APP_SECRET = env.str("THREADS_APP_SECRET", default="")
THREADS_API_URL = env.str("THREADS_API_URL", default="https://graph.threads.net/v1.0").rstrip("/")
THREADS_AUTHORIZE_URL = env.str("THREADS_AUTHORIZE_URL", default="https://threads.net/oauth/authorize")
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org").rstrip("/")
DISCORD_API_URL = env.str("DISCORD_API_URL", default="https://discord.com/api").rstrip("/")
# Tokens that expire within this many days are refreshed by beat, and their owners warned.
TOKEN_WARNING_DAYS = env.int("TOKEN_WARNING_DAYS", default=7)
# Beat renews OAuth tokens before they expire (networks/tokens.py); X's last two hours.
TOKEN_REFRESH_INTERVAL = env.float("TOKEN_REFRESH_INTERVAL", default=600.0)
CELERY_BEAT_SCHEDULE["refresh-network-tokens"] = {
    "task": "networks.refresh_tokens",
    "schedule": TOKEN_REFRESH_INTERVAL,
    "options": {"expires": TOKEN_REFRESH_INTERVAL},
}
