"""For every URL that names a brand or an object, each role gets the expected answer and the
outsider 404. Adding a brand URL without a matrix row fails test_every_brand_url_is_in_the_matrix.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.matrix import ROLES, Case


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.ispkg:
            try:
                cases += importlib.import_module(f"tests.{module.name}.matrix").CASES
            except ModuleNotFoundError:
                continue
    return cases


CASES = _all_cases()


def _brand_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _brand_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and "brand_slug" in str(entry.pattern):
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_brand_url_is_in_the_matrix():
    missing = _brand_url_names() - {case.url_name for case in CASES}
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


def _status(client, user, case, brand, people):
    client.force_login(user)
    url = reverse(case.url_name, kwargs=case.kwargs(brand, people))
    # The API takes JSON bodies (tests/api/matrix.py says which case is multipart).
    as_json = case.method != "get" and getattr(case, "format", "") == "json"
    extra = {"content_type": "application/json"} if as_json else {}
    response = getattr(client, case.method)(url, data=case.data(brand, people), **extra)
    return response.status_code


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_expected_answer(client, brand_a, people, case, role):
    status = _status(client, people[role], case, brand_a, people)
    if role in case.allowed:
        assert status not in (403, 404), f"{role} refused {case}: {status}"
    else:
        assert status == 403, f"{role} should get 403 on {case}, got {status}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_outsider_gets_404(client, brand_a, people, case):
    assert _status(client, people["outsider"], case, brand_a, people) == 404
