"""The fake network is a test adapter: offered on the Networks page, its connect page and the API
only where settings.NETWORKS_OFFER_TEST_ADAPTERS is on (the suite, `make run`'s demo), never in a
deployment — DEBUG has nothing to do with it."""

import pytest
from django.urls import reverse

from networks import services
from networks.base import ConnectError
from networks.models import NetworkAccount
from tests.factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db


def _networks_page(client, owner, brand):
    client.force_login(owner)
    return client.get(reverse("networks:list", kwargs={"brand_slug": brand.slug})).content.decode()


def test_a_deployment_offers_no_fake_network_even_with_debug_on(client, owner, brand_a, settings):
    settings.NETWORKS_OFFER_TEST_ADAPTERS, settings.DEBUG = False, True
    html = _networks_page(client, owner, brand_a)
    assert "Mastodon" in html and "Fake network" not in html
    assert client.get(reverse("networks:connect", args=[brand_a.slug, "fake"])).status_code == 404
    response = client.post(reverse("networks:connect", args=[brand_a.slug, "fake"]), {"display_name": "Trap"})
    assert response.status_code == 404 and not NetworkAccount.objects.exists()
    with pytest.raises(ConnectError):
        services.account_connect(brand=brand_a, user=owner, network="fake", data={"display_name": "Trap"})


def test_the_demo_and_the_tests_offer_it_when_the_setting_is_on(client, owner, brand_a, settings):
    settings.NETWORKS_OFFER_TEST_ADAPTERS, settings.DEBUG = True, False
    assert "Connect Fake network" in _networks_page(client, owner, brand_a)
    response = client.post(reverse("networks:connect", args=[brand_a.slug, "fake"]), {"display_name": "Demo"})
    assert response.status_code == 302
    assert NetworkAccount.objects.get().display_name == "Demo"


def test_an_account_already_connected_can_still_be_reconnected(client, owner, brand_a, settings):
    settings.NETWORKS_OFFER_TEST_ADAPTERS = False
    account = NetworkAccountFactory(brand=brand_a, network="fake")
    client.force_login(owner)
    assert client.get(reverse("networks:reconnect", args=[brand_a.slug, account.pk])).status_code == 200
