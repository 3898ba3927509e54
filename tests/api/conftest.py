import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.tokens import token_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache, which outlives a test's database rollback."""
    cache.clear()
    yield
    cache.clear()


def client_with_token(user) -> APIClient:
    _, raw = token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_as():
    """`api_as(user)`: an API client authenticated with a fresh personal token of `user`."""
    return client_with_token
