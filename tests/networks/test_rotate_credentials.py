import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from core import crypto
from networks.models import MastodonApp, NetworkAccount
from tests.factories import NetworkAccountFactory


@pytest.fixture
def keys(settings):
    """Switch FIELD_ENCRYPTION_KEYS; the cached MultiFernet is rebuilt each time."""

    def use(*new_keys):
        settings.FIELD_ENCRYPTION_KEYS = list(new_keys)
        crypto._fernet.cache_clear()

    yield use
    crypto._fernet.cache_clear()


def _stored(model, field, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_every_credential_with_the_newest_key(brand_a, keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    account = NetworkAccountFactory(brand=brand_a, credentials={"access_token": "tok-123"})
    app = MastodonApp.objects.create(
        instance_url="https://m.example",
        redirect_uri="https://d.example/cb",
        client_id="c",
        secrets={"client_secret": "s"},
    )
    before = _stored(NetworkAccount, "credentials", account.pk)

    keys(new, old)
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))  # noqa: SIM115

    keys(new)  # the old key is gone: only rotated tokens can still be read
    assert NetworkAccount.objects.get(pk=account.pk).credentials == {"access_token": "tok-123"}
    assert MastodonApp.objects.get(pk=app.pk).secrets == {"client_secret": "s"}
    assert _stored(NetworkAccount, "credentials", account.pk) != before
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(_stored(NetworkAccount, "credentials", account.pk).encode())
