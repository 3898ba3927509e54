"""A network declaring metrics is proven by the shared MetricsContract: one declaring them
without a test class passing the contract fails here."""

import importlib
import pkgutil

import tests.networks
from networks.capabilities.metrics import reads_metrics
from networks.registry import adapter_classes
from tests.networks.metrics_contract import MetricsContract


def _proven_networks() -> set[str]:
    proven = set()
    for module in pkgutil.iter_modules(tests.networks.__path__):
        if not module.name.startswith("test_"):
            continue
        loaded = importlib.import_module(f"tests.networks.{module.name}")
        for obj in vars(loaded).values():
            if isinstance(obj, type) and issubclass(obj, MetricsContract) and obj is not MetricsContract:
                proven.add(obj.network)  # the slug each contract class names (as test_registry.py reads it)
    return proven


def test_every_network_declaring_metrics_passes_the_metrics_contract():
    declaring = {adapter.slug for adapter in adapter_classes() if reads_metrics(adapter)}
    assert {"fake", "mastodon", "bluesky"} <= declaring
    assert declaring <= _proven_networks(), f"no MetricsContract test for {sorted(declaring - _proven_networks())}"
