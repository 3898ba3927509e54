"""Credentials encrypted at rest with Fernet.

Keys come from the environment (FIELD_ENCRYPTION_KEYS, comma-separated, newest first):
MultiFernet encrypts with the first and decrypts with any, so a key is rotated by putting a new
one in front and running `manage.py rotate_credentials`.
"""

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(data: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(data).encode()).decode()


def decrypt(token: str) -> dict[str, Any]:
    return json.loads(_fernet().decrypt(token.encode()))


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()


class EncryptedJSONField(models.TextField):
    """A dict stored as a Fernet token; the clear text never reaches the database or repr()."""

    # For django-stubs: the attribute holds a dict, not the str of a TextField.
    _pyi_private_set_type: dict[str, Any]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    def from_db_value(self, value, expression, connection):
        return {} if not value else decrypt(value)

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        return {} if not value else decrypt(value)

    def get_prep_value(self, value):
        return encrypt(value or {})
