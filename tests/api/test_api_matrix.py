"""Every API route, every role of brand A with a personal token: the allowed roles get the
expected answer, the others 403, and a member of brand B 404 (brand A does not exist for them)."""

import pytest
from django.urls import reverse

from tests.api.matrix import CASES
from tests.matrix import ROLES


def _call(api_as, user, case, brand, people):
    client = api_as(user)
    url = reverse(case.url_name, kwargs=case.kwargs(brand, people))
    data = case.data(brand, people)
    if case.method == "get":
        return client.get(url, data)
    return getattr(client, case.method)(url, data, format=case.format)


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer(api_as, brand_a, people, case, role):
    response = _call(api_as, people[role], case, brand_a, people)
    expected = case.expect if role in case.allowed else 403
    assert response.status_code == expected, (role, str(case), response.content[:500])
    if response.status_code == 403:
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_member_of_another_brand_gets_404(api_as, brand_a, people, case):
    response = _call(api_as, people["outsider"], case, brand_a, people)
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_anonymous_call_gets_401(client, brand_a, people, case):
    url = reverse(case.url_name, kwargs=case.kwargs(brand_a, people))
    assert getattr(client, case.method)(url).status_code == 401
