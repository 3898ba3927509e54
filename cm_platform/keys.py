"""Where the secret key and the credential keys come from when the environment gives none.

Imported by settings.py, so it may not import Django's settings. Production sets
DJANGO_SECRET_KEY and FIELD_ENCRYPTION_KEYS (cm_platform/checks.py refuses to start without
them); a development run (DJANGO_DEBUG=true, as `make run` sets) uses a key made once per
install and kept in the var folder, never a key written in the source, so a link signed on one
laptop (an invitation, a password reset) is worthless on every other instance.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

# Keys that were published (this project's development default of earlier versions) or that
# announce themselves as throw-away: an instance using one signs links anybody can forge.
PUBLIC_DEVELOPMENT_KEYS = frozenset({"dev-only-insecure-key-change-me-" + "x" * 32})
THROWAWAY_KEY_PREFIXES = ("dev-only-insecure", "django-insecure")


def is_public_key(key: str) -> bool:
    return key in PUBLIC_DEVELOPMENT_KEYS or key.startswith(THROWAWAY_KEY_PREFIXES)


def development_secret_key(var_dir: Path) -> str:
    """The install's own development key: read from var/secret_key, made there (0600) the first time."""
    path = var_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    var_dir.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: link() fails if the
    # file exists, so two processes starting together (web, worker, beat) keep the first key,
    # and no process ever reads a half-written one.
    temporary = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()


def fernet_key_from(secret_key: str) -> str:
    """A Fernet key derived from the secret key: development only (production sets its own keys)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest()).decode()
