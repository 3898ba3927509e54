"""Reads of the networks app that need care."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from networks.base import Adapter, Capability
from networks.models import AccountStatus, NetworkAccount, ReadState
from networks.registry import adapter_classes


def offered_adapters() -> list[type[Adapter]]:
    """The networks a brand may connect here: the listed ones, and the test-only ones (the fake
    network) when settings.NETWORKS_OFFER_TEST_ADAPTERS is on (tests, the demo). The Networks
    page, its connect pages and the API all offer exactly these."""
    return [adapter for adapter in adapter_classes() if adapter.listed or settings.NETWORKS_OFFER_TEST_ADAPTERS]


def targets_at_risk(account: NetworkAccount) -> QuerySet:
    """The account's posts still waiting to go out while it cannot publish (needs reconnecting
    or disabled): the posts pages flag them. Empty while the account is connected."""
    from posts.models import PostTarget, TargetState  # noqa: PLC0415 — layer leak (pyproject ignore_imports): posts sits above networks

    if account.status == AccountStatus.CONNECTED:
        return PostTarget.objects.none()
    return PostTarget.objects.filter(account=account, state=TargetState.PENDING).select_related("post")


def _waiting_q(prefix: str = "") -> Q:
    """Posts waiting for an account: pending, or claimed by a worker that has not sent them yet
    (a claim holds the target in `publishing` for a moment before the call)."""
    from posts.models import TargetState  # noqa: PLC0415 — layer leak (pyproject ignore_imports): posts sits above networks

    return Q(**{f"{prefix}state": TargetState.PENDING}) | Q(**{f"{prefix}state": TargetState.PUBLISHING})


def targets_waiting(account: NetworkAccount) -> QuerySet:
    """The account's posts not yet out, whatever the account's status: pending ones and those a
    worker holds at this instant (the owners' email counts both, as the Networks page does)."""
    from posts.models import PostTarget  # noqa: PLC0415 — layer leak (pyproject ignore_imports): posts sits above networks

    return PostTarget.objects.filter(_waiting_q(), account=account)


def accounts_for_page(brand) -> QuerySet:
    """A brand's accounts for its Networks page, each with `pending_count` (posts waiting) and,
    where its network has conversations, how reading them goes (`read_success_at`,
    `read_error`, `read_error_at`)."""
    reading = ReadState.objects.filter(account=OuterRef("pk"), capability=Capability.CONVERSATIONS)
    return (
        NetworkAccount.objects.filter(brand=brand)
        .select_related("metrics_state")
        .annotate(
            pending_count=Count("targets", filter=_waiting_q("targets__")),
            read_success_at=Subquery(reading.values("last_success_at")[:1]),
            read_error=Subquery(reading.values("last_error")[:1]),
            read_error_at=Subquery(reading.values("last_error_at")[:1]),
        )
        .order_by("network", "display_name")
    )
