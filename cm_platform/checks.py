"""System checks that keep a deployment from starting with keys anybody can know.

They are errors, not warnings: `migrate`, `runserver` and `check` stop on them (docker-compose
starts the web and the workers only after `migrate` succeeded). With DEBUG on (`make run`) the
keys are made per install (cm_platform/keys.py), so the checks only look at production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from cm_platform.keys import PUBLIC_DEVELOPMENT_KEYS, fernet_key_from, is_public_key


def _secret_key() -> str:
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return ""


@register(Tags.security)
def check_production_keys(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    key = _secret_key()
    if not key:
        errors.append(
            Error(
                "DJANGO_SECRET_KEY is not set.",
                hint="Set DJANGO_SECRET_KEY to 50 or more random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="cm_platform.E001",
            )
        )
    elif is_public_key(key):
        errors.append(
            Error(
                "DJANGO_SECRET_KEY is a development key that anybody can know: links signed with it "
                "(invitations, password resets) could be forged.",
                hint="Set DJANGO_SECRET_KEY to 50 or more random characters.",
                id="cm_platform.E002",
            )
        )
    public_fernet_keys = {fernet_key_from(public) for public in PUBLIC_DEVELOPMENT_KEYS}
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is not set: network credentials cannot be encrypted.",
                hint="Set FIELD_ENCRYPTION_KEYS to a Fernet key (python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())').",
                id="cm_platform.E003",
            )
        )
    elif public_fernet_keys & set(settings.FIELD_ENCRYPTION_KEYS):
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS holds the key derived from a public development key.",
                hint="Put a new Fernet key first, then run manage.py rotate_credentials (see README).",
                id="cm_platform.E004",
            )
        )
    return errors
