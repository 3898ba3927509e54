"""The registry is the one list of networks: every registered network passes the contract of
publishing and of each capability it declares, and the URL names, the OAuth list and the icons
are derived from it (a network added to the registry needs no edit anywhere else)."""

import importlib
import pkgutil

import pytest
from django.urls import reverse

import networks.urls
import tests.networks
from networks import registry
from networks.base import Capability
from networks.fake.adapter import FakeAdapter
from networks.oauth import OAuthAdapter
from tests.networks.contract import AdapterContract
from tests.networks.conversations_contract import ConversationsContract
from tests.networks.metrics_contract import MetricsContract
from tests.networks.search_contract import SearchContract

CONTRACTS = {
    Capability.PUBLISH: AdapterContract,
    Capability.CONVERSATIONS: ConversationsContract,
    Capability.METRICS: MetricsContract,
    Capability.SEARCH: SearchContract,
}


def _test_classes() -> list[type]:
    """Every class of every test module under tests/networks (its subpackages too)."""
    found = []
    for module in pkgutil.walk_packages(tests.networks.__path__, prefix="tests.networks."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            loaded = importlib.import_module(module.name)
            found += [obj for obj in vars(loaded).values() if isinstance(obj, type)]
    return found


def missing_contracts() -> set[tuple[str, str]]:
    """(network, capability) pairs declared by a registered network that no test class proves."""
    classes = _test_classes()
    proven = {
        (getattr(cls, "network", None), capability)
        for capability, mixin in CONTRACTS.items()
        for cls in classes
        if issubclass(cls, mixin) and cls is not mixin
    }
    declared = {
        (adapter.slug, capability) for adapter in registry.adapter_classes() for capability in adapter.capabilities
    }
    return {(slug, str(capability)) for slug, capability in declared - proven}


class GhostAdapter(FakeAdapter):
    """A network registered without any contract test."""

    slug = "ghost"


def test_every_registered_network_passes_the_contract_of_publishing_and_of_each_capability_it_declares():
    assert missing_contracts() == set()


def test_a_registered_network_without_contract_tests_is_found(monkeypatch):
    monkeypatch.setitem(registry.ADAPTERS, "ghost", "tests.networks.test_registry.GhostAdapter")
    assert {("ghost", "publish"), ("ghost", "search")} <= missing_contracts()


def test_every_network_declares_publishing_and_only_known_capabilities():
    for adapter in registry.adapter_classes():
        assert adapter.has(Capability.PUBLISH), adapter.slug
        assert set(adapter.capabilities) <= set(CONTRACTS), adapter.slug


def test_the_oauth_list_is_the_registered_networks_with_an_oauth_flow():
    flows = [adapter.slug for adapter in registry.adapter_classes() if issubclass(adapter, OAuthAdapter)]
    assert list(registry.oauth_networks()) == flows
    assert {"x", "linkedin", "facebook", "instagram", "threads", "mastodon"} <= set(flows)


def test_each_oauth_network_has_a_start_url_named_after_its_slug():
    start_names = {pattern.name for pattern in networks.urls.urlpatterns if str(pattern.name).endswith("_start")}
    assert start_names == {f"{slug}_start" for slug in registry.oauth_networks()}
    for slug in registry.oauth_networks():
        adapter = registry.get_adapter_class(slug)
        assert adapter.oauth_start_url_name == f"networks:{slug}_start"
        assert reverse(adapter.oauth_start_url_name, args=["acme"]) == f"/b/acme/networks/{slug}/authorize/"


def test_networks_without_an_oauth_flow_have_no_start_url():
    for adapter in registry.adapter_classes():
        if not issubclass(adapter, OAuthAdapter):
            assert adapter.oauth_start_url_name is None, adapter.slug


@pytest.mark.parametrize("slug", list(registry.ADAPTERS))
def test_the_icon_of_a_network_is_the_one_its_class_declares(slug):
    adapter = registry.get_adapter_class(slug)
    assert registry.network_icon(slug) == adapter.icon
    assert adapter.icon.startswith("bi-")


def test_an_unknown_network_gets_the_generic_icon():
    assert registry.network_icon("gone") == "bi-megaphone"
