"""Settings for the publishing desk.

Everything a deployment changes comes from the environment (cookiecutter-django style); the
defaults run on a laptop with nothing installed: SQLite and a broker that needs no server.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from analytics import beat as analytics_beat
from clients import beat as clients_beat
from cm_platform.keys import development_secret_key, fernet_key_from
from cm_platform.logs import ROUTINE_TASK_LOGGERS
from inbox import beat as inbox_beat
from listening import beat as listening_beat
from networks import beat as networks_beat
from notifications import beat as notifications_beat
from posts import beat as posts_beat
from publishing import beat as publishing_beat

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# Off unless asked for: `make run` asks (DJANGO_DEBUG=true); a deployment never does.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Production sets DJANGO_SECRET_KEY (cm_platform/checks.py refuses to start without it); a
# development run uses a key made once per install in var/secret_key, never one in the source.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or (development_secret_key(VAR_DIR) if DEBUG else "")
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
    "notifications",
    "posts",
    "publishing",
    "calendars",
    "inbox",
    "desk",
    "analytics",
    "listening",
    "clients",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "axes",  # sign-in throttling (see "Security" below)
    "csp",  # the Content-Security-Policy header (see "Security" below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response (policy under "Security").
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: every body's size is judged first.
    "cm_platform.uploads.UploadGateMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "cm_platform.middleware.RefuseNulMiddleware",  # after the language is known: its message is translated
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "publishing.context_processors.engine",
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

# --- Caches -----------------------------------------------------------------------------------
CACHES = {
    # Per process: only what may be lost or differ between processes (the API's throttle).
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Counters every process and machine must share (password reset requests): in the database,
    # which every deployment has; its table is made by a migration (accounts 0002).
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cm_throttle_cache",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

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
# django-axes' backend first: it refuses a locked-out account or address before any password is
# checked (accounts/throttling.py; settings under "Security").
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

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
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
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
# Uploads above this many bytes are refused before their body is read (cm_platform/uploads.py).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
# A 10,000-row CSV is about 2 MB: this leaves room and refuses anything absurd.
MAX_CSV_UPLOAD_BYTES = env.int("MAX_CSV_UPLOAD_BYTES", default=min(MAX_UPLOAD_BYTES, 10 * 1024 * 1024))
# The gate's handler comes first: it stops a body at its limit before the others keep a byte.
FILE_UPLOAD_HANDLERS = [
    "cm_platform.uploads.UploadGateHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
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
# database, not the broker, is the source of truth for what is due (see publishing/).
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
# --- Analytics: numbers read back from the networks (analytics/services.py) ------------------
# Beat's metrics dispatcher: schedules new published targets, claims due reads.
METRICS_DISPATCH_INTERVAL = env.float("METRICS_DISPATCH_INTERVAL", default=30.0)
# Reads per minute per account (each reading a batch of posts where the network allows):
# well under Mastodon's 300 calls per 5 minutes, leaving the rest to publishing.
METRICS_CALLS_PER_MINUTE = env.int("METRICS_CALLS_PER_MINUTE", default=20)
METRICS_DISPATCH_BATCH = env.int("METRICS_DISPATCH_BATCH", default=2000)
METRICS_LEASE_SECONDS = env.float("METRICS_LEASE_SECONDS", default=300.0)
# Reads of posts published together are spread over this many seconds.
METRICS_JITTER_SECONDS = env.float("METRICS_JITTER_SECONDS", default=600.0)
# After a failed read without a reset from the network; after refused credentials.
METRICS_RETRY_SECONDS = env.float("METRICS_RETRY_SECONDS", default=300.0)
METRICS_RECONNECT_BACKOFF_SECONDS = env.float("METRICS_RECONNECT_BACKOFF_SECONDS", default=6 * 3600.0)
# A post published at most this many seconds after its time counts as on time.
ANALYTICS_ON_TIME_SECONDS = env.float("ANALYTICS_ON_TIME_SECONDS", default=300.0)
# One queue name per deployment (tests give each run its own, so parallel runs never share work).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Short control tasks (the engine's dispatch, sweep, recover; the inbox's and listening's
# dispatchers) have a queue of their own (each app's beat.py routes them there).
# A worker consumes both queues (`-Q <queue>,<queue>-control` when naming them).
PUBLISH_CONTROL_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-control"
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(PUBLISH_CONTROL_QUEUE))
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
# begins and ends with Django's close_old_connections() (cm_platform/celery.py), which honours
# CONN_MAX_AGE and CONN_HEALTH_CHECKS as a web request does.
CELERY_DB_REUSE_MAX = 1_000_000
# Keep retrying the broker at start-up and after it restarts, instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Notifications ----------------------------------------------------------------------------
# The daily email digest (a choice on each person's profile) leaves once a day, at this hour of
# the person's own time zone (else TIME_ZONE) or at the first check after it. Beat checks every
# DIGEST_CHECK_INTERVAL seconds; a digest already taken for the day is never sent again.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
DIGEST_CHECK_INTERVAL = env.float("DIGEST_CHECK_INTERVAL", default=900.0)

# --- Approval deadlines -----------------------------------------------------------------------
# A post whose time comes before its approvals is expired (never published) and its author
# told: beat sweeps every APPROVAL_DEADLINE_INTERVAL seconds (idempotent: each post once).
APPROVAL_DEADLINE_INTERVAL = env.float("APPROVAL_DEADLINE_INTERVAL", default=30.0)
# Approvals waiting longer than their brand's delay remind their approvers, then the owners:
# beat looks every APPROVAL_REMINDER_INTERVAL seconds (each reminder once per wait).
APPROVAL_REMINDER_INTERVAL = env.float("APPROVAL_REMINDER_INTERVAL", default=300.0)

# --- Publishing engine ------------------------------------------------------------------------
PUBLISH_MAX_ATTEMPTS = env.int("PUBLISH_MAX_ATTEMPTS", default=5)
# Retry delays: base * 2^(attempt-1), jittered, capped (kept well under Mastodon's one-hour
# memory of an Idempotency-Key, so a retry after an unknown outcome is still recognised).
PUBLISH_BACKOFF_BASE = env.float("PUBLISH_BACKOFF_BASE", default=30.0)
PUBLISH_BACKOFF_MAX = env.float("PUBLISH_BACKOFF_MAX", default=600.0)
# A claim's lease while a worker holds it: short, because the worker renews it every quarter of
# it from a heartbeat thread (publishing/leases.py), so a killed worker's claims come back
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
    "filters": {"routine_tasks": {"()": "cm_platform.logs.RoutineTasksAtDebug", "tasks": publishing_beat.ROUTINE}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        **{name: {"filters": ["routine_tasks"]} for name in ROUTINE_TASK_LOGGERS},
        # WeasyPrint narrates each PDF's steps at INFO ("Step 1 - Fetching…"): warnings are enough.
        "weasyprint": {"level": "WARNING"},
    },
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A refused form says so in the person's language, in the app's layout (not Django's English page).
CSRF_FAILURE_VIEW = "cm_platform.errors.csrf_failure"
# Error reports (the DEBUG page too) hide what views mark sensitive (cm_platform/sensitive.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "cm_platform.sensitive.AlwaysSafeExceptionReporterFilter"
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
# Content-Security-Policy (django-csp), on every response: no inline script, no script from
# anywhere but this site, so an injection that slipped past the templates' escaping runs nothing.
# Styles: this site's files; style="" attributes are refused (pages use CSS classes, scripts set
# styles through the CSSOM, which the policy allows). The nonce is for FullCalendar 6, which puts
# its CSS in a <style> element it creates (it reads the nonce from <meta name="csp-nonce">, see
# calendars/templates/calendars/calendar.html); a page that does not ask for the nonce gets none.
# Images: data: for Bootstrap's icons drawn in CSS. Media served from another origin (an
# absolute MEDIA_URL) join images and videos. Fonts: data: for FullCalendar's icon font.
# One view widens it (csp_update): the connect pages, whose sign-in forms lead to other sites
# (networks/views.py). The API docs need nothing more (api/urls.py: no inline script).
_MEDIA_URL = urlsplit(MEDIA_URL)
_MEDIA_ORIGINS = [f"{_MEDIA_URL.scheme}://{_MEDIA_URL.netloc}"] if _MEDIA_URL.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
        "media-src": [SELF, *_MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Proxies in front of the app that append the client's address to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). Sign-in and reset throttling count per address (accounts/throttling.py).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXIES", default=0)
# Sign-ins (django-axes): LOGIN_FAILURE_LIMIT failures for one account, or from one address,
# each within LOGIN_COOLOFF_MINUTES of the previous, lock that account (from everywhere) or that
# address (for every account) until LOGIN_COOLOFF_MINUTES after the last failure. The site's
# sign-in and /admin/login/ count alike. A success does not wipe the count (it would let an
# attacker with an account of their own reset their address's count between guesses). An admin
# unlocks at /admin/axes/ or with `manage.py axes_reset_username <email>`; a new password chosen
# through a reset link unlocks the account.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each alone: per account, and per address
AXES_USERNAME_CALLABLE = "accounts.throttling.login_identifier"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = False
# Password reset requests: at most this many per address and per email address in each window.
PASSWORD_RESET_WINDOW = env.int("PASSWORD_RESET_WINDOW", default=3600)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=5)
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)

# --- Networks ---------------------------------------------------------------------------------
# Fernet keys for credentials at rest, newest first. Production sets its own (see README:
# rotating keys; cm_platform/checks.py refuses to start without them); a development run
# derives one from its per-install SECRET_KEY so `make run` works with nothing to set.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS and DEBUG:
    FIELD_ENCRYPTION_KEYS = [fernet_key_from(SECRET_KEY)]
# Hosts a user types (a Mastodon instance, a webhook) may not be private, loopback or
# link-local addresses, except those listed here (tests list 127.0.0.1).
NETWORKS_ALLOWED_PRIVATE_HOSTS = env.list("NETWORKS_ALLOWED_PRIVATE_HOSTS", default=[])
# Offer the test-only networks (the fake network) on the Networks page and in the API: on for the
# test suite and `make run`'s demo, never in a deployment (a "Fake network" there is a trap).
NETWORKS_OFFER_TEST_ADAPTERS = env.bool("NETWORKS_OFFER_TEST_ADAPTERS", default=False)
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
    # Bodies are JSON objects (api/parsers.py: depth-limited); only the media upload declares
    # multipart. A form body that parses as nothing was read as an empty PATCH.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONObjectParser"],
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
# Bluesky's public AppView: app.bsky.* reads (post counters, profiles), which a PDS alone does not serve.
BLUESKY_APPVIEW_URL = env.str("BLUESKY_APPVIEW_URL", default="https://public.api.bsky.app").rstrip("/")
# Tokens that expire within this many days are refreshed by beat, and their owners warned.
TOKEN_WARNING_DAYS = env.int("TOKEN_WARNING_DAYS", default=7)
# Beat renews OAuth tokens before they expire (networks/tokens.py); X's last two hours.
TOKEN_REFRESH_INTERVAL = env.float("TOKEN_REFRESH_INTERVAL", default=600.0)
# Scheduled report emails: beat looks for periods to send every hour (each sent once).
REPORTS_SEND_INTERVAL = env.float("REPORTS_SEND_INTERVAL", default=3600.0)

# --- Listening (listening/) -------------------------------------------------------------------
# Beat's listening dispatcher claims the sources due and enqueues one poll each (collect.py).
LISTENING_DISPATCH_INTERVAL = env.float("LISTENING_DISPATCH_INTERVAL", default=10.0)
LISTENING_DISPATCH_BATCH = env.int("LISTENING_DISPATCH_BATCH", default=200)
# A poll's claim is taken back after this long (longer than a feed's deadline below).
LISTENING_POLL_LEASE_SECONDS = env.float("LISTENING_POLL_LEASE_SECONDS", default=120.0)
# A feed is read up to this size once decompressed (a gzip bomb stops here) and within this time.
LISTENING_FEED_MAX_BYTES = env.int("LISTENING_FEED_MAX_BYTES", default=5 * 1024 * 1024)
LISTENING_FEED_DEADLINE = env.float("LISTENING_FEED_DEADLINE", default=30.0)
LISTENING_FEED_MAX_ITEMS = env.int("LISTENING_FEED_MAX_ITEMS", default=500)
# A source failing this long tells the brand's owners (once per failing spell).
LISTENING_SOURCE_FAILING_NOTICE = env.float("LISTENING_SOURCE_FAILING_NOTICE", default=3600.0)
# /healthz fails when a source has waited this long past its time (no worker polls).
LISTENING_STALL_SECONDS = env.float("LISTENING_STALL_SECONDS", default=600.0)
# Spike alerts (listening/alerts.py): the last hour against the same hour of the 7 days before.
LISTENING_ALERT_MIN_COUNT = env.int("LISTENING_ALERT_MIN_COUNT", default=10)
LISTENING_ALERT_K = env.float("LISTENING_ALERT_K", default=3.0)
LISTENING_ALERT_NEGATIVE_SHARE = env.float("LISTENING_ALERT_NEGATIVE_SHARE", default=0.5)
LISTENING_ALERT_NEGATIVE_MARGIN = env.float("LISTENING_ALERT_NEGATIVE_MARGIN", default=0.25)
LISTENING_ALERT_COOLDOWN = env.float("LISTENING_ALERT_COOLDOWN", default=3600.0)

# --- Inbox ------------------------------------------------------------------------------------
# Beat's inbox dispatcher (inbox/collect.py) claims the accounts due for reading and hands
# pending replies to senders this often; each account is read every INBOX_POLL_INTERVAL.
INBOX_DISPATCH_INTERVAL = env.float("INBOX_DISPATCH_INTERVAL", default=5.0)
INBOX_POLL_INTERVAL = env.float("INBOX_POLL_INTERVAL", default=60.0)
INBOX_POLL_BACKOFF_MAX = env.float("INBOX_POLL_BACKOFF_MAX", default=3600.0)
# A poller's claim on an account is taken back after this long without a stored page.
INBOX_POLL_LEASE_SECONDS = env.float("INBOX_POLL_LEASE_SECONDS", default=300.0)
INBOX_BACKFILL_DAYS = env.int("INBOX_BACKFILL_DAYS", default=7)
INBOX_POLL_MAX_PAGES = env.int("INBOX_POLL_MAX_PAGES", default=50)
INBOX_THREADS_PER_POLL = env.int("INBOX_THREADS_PER_POLL", default=20)
# Meta's webhooks (inbox/webhooks.py, at /hooks/meta/): the token typed in the app's Webhooks
# settings, which Meta sends back when subscribing (empty: the subscription is refused), and the
# largest delivery taken. Deliveries are signed with FACEBOOK_APP_SECRET / THREADS_APP_SECRET.
META_WEBHOOK_VERIFY_TOKEN = env.str("META_WEBHOOK_VERIFY_TOKEN", default="")
META_WEBHOOK_MAX_BYTES = env.int("META_WEBHOOK_MAX_BYTES", default=1024 * 1024)
# Polls go to the default queue unless a deployment gives them workers of their own.
INBOX_POLL_QUEUE = env.str("INBOX_POLL_QUEUE", default=CELERY_TASK_DEFAULT_QUEUE)
# Conversations about to miss their response target are looked for this often (inbox/ontime.py).
INBOX_WARN_INTERVAL = env.float("INBOX_WARN_INTERVAL", default=60.0)
# A sending reply's claim is taken back after this long (longer than one network call).
INBOX_REPLY_LEASE_SECONDS = env.float("INBOX_REPLY_LEASE_SECONDS", default=150.0)
# A pending reply whose task message was lost is handed over again after this long.
INBOX_REPLY_GRACE_SECONDS = env.float("INBOX_REPLY_GRACE_SECONDS", default=30.0)
INBOX_DISPATCH_BATCH = env.int("INBOX_DISPATCH_BATCH", default=200)

# --- Background jobs --------------------------------------------------------------------------
# Each app declares its beat entries and queue routes in its beat.py (task names written there
# once); here they only meet the intervals and queues read above.
CELERY_BEAT_SCHEDULE = {
    **publishing_beat.schedule(dispatch_every=PUBLISH_DISPATCH_INTERVAL, sweep_every=PUBLISH_SWEEP_INTERVAL),
    **posts_beat.schedule(
        deadline_check_every=APPROVAL_DEADLINE_INTERVAL, reminder_check_every=APPROVAL_REMINDER_INTERVAL
    ),
    **clients_beat.schedule(reminder_check_every=APPROVAL_REMINDER_INTERVAL),
    **notifications_beat.schedule(digest_check_every=DIGEST_CHECK_INTERVAL),
    **networks_beat.schedule(refresh_every=TOKEN_REFRESH_INTERVAL),
    **analytics_beat.schedule(dispatch_every=METRICS_DISPATCH_INTERVAL, reports_every=REPORTS_SEND_INTERVAL),
    **listening_beat.schedule(dispatch_every=LISTENING_DISPATCH_INTERVAL),
    **inbox_beat.schedule(dispatch_every=INBOX_DISPATCH_INTERVAL, warn_every=INBOX_WARN_INTERVAL),
}
CELERY_TASK_ROUTES = {
    **publishing_beat.routes(control_queue=PUBLISH_CONTROL_QUEUE),
    **listening_beat.routes(control_queue=PUBLISH_CONTROL_QUEUE),
    **inbox_beat.routes(control_queue=PUBLISH_CONTROL_QUEUE, poll_queue=INBOX_POLL_QUEUE),
}
