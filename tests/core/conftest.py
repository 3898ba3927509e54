import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English unless a test switches language (settings default: French)."""
    with translation.override("en"):
        yield
