"""Every registered network declares what it can do, and each declared read-side capability is
proven by its shared contract: a network declaring `conversations` without a test class passing
ConversationsContract fails here (as one skipping its contract tests would otherwise go unseen)."""

import importlib
import pkgutil

import tests.networks
from networks.base import Capability
from networks.registry import adapter_classes
from tests.networks.conversations_contract import ConversationsContract


def _contract_classes(mixin: type) -> list[type]:
    found = []
    # Every test module, those of a network's own folder too (tests/networks/bluesky/).
    for module in pkgutil.walk_packages(tests.networks.__path__, prefix="tests.networks."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            loaded = importlib.import_module(module.name)
            found += [obj for obj in vars(loaded).values() if isinstance(obj, type) and issubclass(obj, mixin)]
    return [cls for cls in found if cls is not mixin]


def test_every_network_publishes_and_declares_only_known_capabilities():
    for adapter in adapter_classes():
        assert Capability.PUBLISH in adapter.capabilities, adapter.slug
        assert all(isinstance(c, Capability) for c in adapter.capabilities), adapter.slug


def test_every_network_declaring_conversations_passes_the_conversations_contract():
    declaring = {a.slug for a in adapter_classes() if a.has(Capability.CONVERSATIONS)}
    proven = {cls.network for cls in _contract_classes(ConversationsContract)}
    assert declaring, "no network declares conversations"
    assert declaring <= proven, f"no ConversationsContract test for {sorted(declaring - proven)}"


def test_a_network_without_conversations_offers_no_message_action():
    for adapter in adapter_classes():
        if not adapter.has(Capability.CONVERSATIONS):
            assert not adapter.message_actions, adapter.slug
