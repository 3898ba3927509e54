"""Malformed bodies and values on the API: a 400 in the caller's language naming what is wrong."""

import json

import pytest

from tests.api import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(api_as, people):
    return api_as(people["owner"])


def _send(client, method, url, body: str, **headers):
    return getattr(client, method)(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("body", ["[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000])
def test_json_nested_ten_thousand_deep_is_a_400(owner_api, brand_a, body):
    response = _send(owner_api, "post", f"/api/brands/{brand_a.slug}/posts/", body, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Le corps JSON est imbriqué sur plus de 16 niveaux.",
        "code": "parse_error",
    }


def test_json_nested_a_little_too_deep_is_refused_before_any_field_reads_it(owner_api, brand_a):
    body = json.dumps({"text": "x", "targets": [{"account": [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}]})
    response = _send(owner_api, "post", f"/api/brands/{brand_a.slug}/posts/", body)
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "12", "null", "true"])
def test_a_patch_whose_body_is_not_an_object_is_a_400(owner_api, brand_a, people, body):
    post = b.post(brand_a, people)
    url = f"/api/brands/{brand_a.slug}/posts/{post.pk}/"
    response = _send(owner_api, "patch", url, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == 'The body must be a JSON object: {"field": value, ...}.'


def test_a_form_encoded_body_is_refused_as_an_unsupported_type(owner_api, brand_a):
    response = owner_api.post(f"/api/brands/{brand_a.slug}/posts/", "text=Bonjour", content_type="text/plain")
    assert response.status_code == 415
    response = owner_api.post(f"/api/brands/{brand_a.slug}/posts/", {"text": "Bonjour"}, format="multipart")
    assert response.status_code == 415


@pytest.mark.parametrize(
    "url", ["https://hooks.example:65536/in", "https://[", "http://[::1", "https://hooks.example:0/"]
)
def test_a_webhook_address_with_an_impossible_port_or_host_names_the_url(owner_api, brand_a, url):
    body = json.dumps({"url": url, "events": ["post.published"]})
    response = _send(owner_api, "post", f"/api/brands/{brand_a.slug}/webhooks/", body, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]


@pytest.mark.parametrize("instance_url", ["https://[", "https://mastodon.example:99999", "mastodon.example:-3"])
def test_connecting_mastodon_with_an_impossible_address_names_the_field(owner_api, brand_a, instance_url):
    body = json.dumps({"network": "mastodon", "data": {"instance_url": instance_url, "access_token": "t"}})
    response = _send(owner_api, "post", f"/api/brands/{brand_a.slug}/accounts/", body, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["errors"]["data"] == {
        "instance_url": ["Cette adresse n’est pas valide\u00a0: vérifiez son hôte et son port (de 1 à 65535)."]
    }


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z", "2101-01-01T00:00:00Z"])
def test_a_time_out_of_range_is_a_400_naming_the_field(owner_api, brand_a, people, moment):
    post = b.post(brand_a, people)
    url = f"/api/brands/{brand_a.slug}/posts/{post.pk}/reschedule/"
    response = _send(owner_api, "post", url, json.dumps({"scheduled_at": moment}), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["errors"] == {"scheduled_at": ["Choisissez une date entre le 2000-01-01 et le 2100-12-31."]}
    events = owner_api.get(f"/api/brands/{brand_a.slug}/events/", {"start": moment, "end": "2026-01-01T00:00:00Z"})
    assert events.status_code == 400 and "start" in events.json()["errors"]
    pause = _send(
        owner_api, "post", f"/api/brands/{brand_a.slug}/pause/", json.dumps({"reason": "x", "resume_at": moment})
    )
    assert pause.status_code == 400 and "resume_at" in pause.json()["errors"]


@pytest.mark.parametrize("value", [2**63, 2**64, "18446744073709551616", "²"])
def test_an_id_beyond_64_bits_in_a_body_does_not_exist(owner_api, brand_a, value):
    body = json.dumps({"text": "Bonjour", "targets": [{"account": value}], "campaign": value})
    response = _send(owner_api, "post", f"/api/brands/{brand_a.slug}/posts/", body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"targets", "campaign"}


@pytest.mark.parametrize("number", ["0", "-1", "x", "²", str(10**30)])
def test_a_page_that_is_no_page_number_names_the_page(owner_api, number):
    response = owner_api.get("/api/brands/", {"page": number})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["page"]


def test_a_page_past_the_last_one_is_a_404(owner_api):
    assert owner_api.get("/api/brands/", {"page": "5"}).status_code == 404
