"""Settings for the test suite: the project's settings with test-only folders and fast hashing.

The environment is set before the settings are read, so the broker folder and the private
hosts allowed for local test servers are in place for this process and for the real Celery
workers the engine tests start (they inherit the environment).
"""

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
# One folder (SQLite file, broker folders, media) per test run, so runs side by side never share
# a database; set in the environment so the worker processes a test starts inherit it.
os.environ.setdefault("CM_TEST_RUN_ID", str(os.getpid()))
os.environ.setdefault("CM_VAR_DIR", str(_ROOT / "var" / "test" / os.environ["CM_TEST_RUN_ID"]))
os.environ.setdefault("NETWORKS_ALLOWED_PRIVATE_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("MEDIA_ROOT", str(Path(os.environ["CM_VAR_DIR"]) / "media"))
# Development mode as `make run` (static files unhashed, no HTTPS redirect; pytest-django still
# turns DEBUG off while tests run), with keys of the test run's own, set in the environment so
# the worker processes a test starts decrypt what the test encrypted. Never a deployment's keys.
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "k" * 50)
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdHMtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleSE=")

from cm_platform.settings import *  # noqa: E402,F403
from cm_platform.settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NETWORKS_OFFER_TEST_ADAPTERS = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not pytest-django's in-memory database: real worker processes must reach it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_cm_platform_{os.environ['CM_TEST_RUN_ID']}"}
