"""The registry: network slug -> adapter class, one line per network.

Everything else that names the networks is derived from here and from what each adapter class
declares: the OAuth start URLs and their names (networks/urls.py), the list of OAuth networks,
the icons of the calendar and the pages, the contract tests a network must pass
(tests/networks/test_registry.py). Add a network by adding its package (networks/<slug>/) and
its line below; CONTRIBUTING.md, "Adding a network", walks through it.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from networks.base import Adapter

ADAPTERS: dict[str, str] = {
    "fake": "networks.fake.adapter.FakeAdapter",
    "webfeed": "networks.webfeed.adapter.WebFeedAdapter",
    "webhook": "networks.webhook.adapter.WebhookAdapter",
    "mastodon": "networks.mastodon.adapter.MastodonAdapter",
    "telegram": "networks.telegram.adapter.TelegramAdapter",
    "bluesky": "networks.bluesky.adapter.BlueskyAdapter",
    "discord": "networks.discord.adapter.DiscordAdapter",
    "x": "networks.x.adapter.XAdapter",
    "linkedin": "networks.linkedin.adapter.LinkedInAdapter",
    "facebook": "networks.facebook.adapter.FacebookAdapter",
    "instagram": "networks.instagram.adapter.InstagramAdapter",
    "threads": "networks.threads.adapter.ThreadsAdapter",
    "pinterest": "networks.pinterest.adapter.PinterestAdapter",
}


def get_adapter_class(slug: str) -> type[Adapter]:
    try:
        return import_string(ADAPTERS[slug])
    except KeyError:
        raise LookupError(f"No adapter for network {slug!r}") from None


def adapter_classes() -> list[type[Adapter]]:
    return [get_adapter_class(slug) for slug in ADAPTERS]


def oauth_networks() -> tuple[str, ...]:
    """The networks connected through an OAuth redirect (networks/oauth.py): one start URL each."""
    return tuple(adapter.slug for adapter in adapter_classes() if adapter.oauth_start_url_name)


def network_icon(slug: str) -> str:
    """The icon class (Bootstrap Icons) a page shows for the network; a generic one if unknown."""
    try:
        return get_adapter_class(slug).icon
    except LookupError:
        return Adapter.icon
