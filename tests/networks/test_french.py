"""French is a first-class language: the Networks page and adapter messages speak it."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from networks.base import ErrorKind, PublishError
from tests.networks.test_mastodon import connect_account


def test_the_networks_page_speaks_french(client, brand_a, owner):
    client.force_login(owner)
    page = client.get(reverse("networks:list", args=[brand_a.slug]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Connecter un réseau" in page and "Connecter Fil web" in page


def test_a_mastodon_refusal_reads_in_french(brand_a, mastodon_server):
    account = connect_account(brand_a, mastodon_server)
    mastodon_server.fail_next(422, path="/api/v1/statuses", body={"error": "Validation failed: Text can't be blank"})
    with translation.override("fr"), pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Salut", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.REJECTED
    assert caught.value.message == "Mastodon a refusé la publication\u00a0: Validation failed: Text can't be blank"
