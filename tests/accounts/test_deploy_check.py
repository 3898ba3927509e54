import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path) -> dict[str, str]:
    # The test run's own switches (async-unsafe for Playwright, test settings) are not production's.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")}
    production = {"DJANGO_SETTINGS_MODULE": "cm_platform.settings", "DJANGO_DEBUG": "false"}
    return {**env, **production, "CM_VAR_DIR": str(tmp_path)}


def test_check_deploy_passes_with_production_settings_from_the_environment(tmp_path):
    env = {
        **_production_env(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "desk.example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_debug_is_off_unless_asked_for(tmp_path):
    env = {**_production_env(tmp_path), "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    env.pop("DJANGO_DEBUG")
    result = _run(["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"], env)
    assert result.stdout.strip() == "False", result.stderr


def test_production_refuses_to_start_with_the_public_development_key(tmp_path):
    env = {
        **_production_env(tmp_path),
        "DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me-" + "x" * 32,  # the default of earlier versions
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "cm_platform.E002" in result.stderr


def test_production_refuses_to_start_without_credential_keys(tmp_path):
    env = {**_production_env(tmp_path), "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    env.pop("FIELD_ENCRYPTION_KEYS", None)
    result = _run(["manage.py", "migrate", "--plan"], env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


PUBLIC_KEY_FORGERY = """
import django; django.setup()
from django.core import signing
from accounts.services import INVITATION_SALT
forged = signing.TimestampSigner(key={public!r}, salt=INVITATION_SALT).sign("1")
try:
    signing.TimestampSigner(salt=INVITATION_SALT).unsign(forged)
    print("accepted")
except signing.BadSignature:
    print("refused")
"""


def test_a_development_run_makes_its_own_key_once_and_refuses_links_signed_with_the_public_one(tmp_path):
    env = {**_production_env(tmp_path), "DJANGO_DEBUG": "true"}
    env.pop("DJANGO_SECRET_KEY", None)
    env.pop("FIELD_ENCRYPTION_KEYS", None)
    read_key = ["-c", "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"]
    first, second = _run(read_key, env), _run(read_key, env)
    key_file = tmp_path / "secret_key"
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    forgery = _run(["-c", PUBLIC_KEY_FORGERY.format(public="dev-only-insecure-key-change-me-" + "x" * 32)], env)
    assert forgery.stdout.strip() == "refused", forgery.stderr
