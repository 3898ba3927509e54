"""The registry: network slug -> adapter class. Add a network by adding its module here."""

from django.utils.module_loading import import_string

from networks.adapters.base import Adapter

ADAPTERS: dict[str, str] = {
    "fake": "networks.adapters.fake.FakeAdapter",
    "webfeed": "networks.adapters.webfeed.WebFeedAdapter",
    "webhook": "networks.adapters.webhook.WebhookAdapter",
    "mastodon": "networks.adapters.mastodon.MastodonAdapter",
    "telegram": "networks.adapters.telegram.TelegramAdapter",
    "bluesky": "networks.adapters.bluesky.BlueskyAdapter",
    "discord": "networks.adapters.discord.DiscordAdapter",
    "x": "networks.adapters.x.XAdapter",
    "linkedin": "networks.adapters.linkedin.LinkedInAdapter",
    "facebook": "networks.adapters.facebook.FacebookAdapter",
    "instagram": "networks.adapters.instagram.InstagramAdapter",
    "threads": "networks.adapters.threads.ThreadsAdapter",
}


def get_adapter_class(slug: str) -> type[Adapter]:
    try:
        return import_string(ADAPTERS[slug])
    except KeyError:
        raise LookupError(f"No adapter for network {slug!r}") from None


def adapter_classes() -> list[type[Adapter]]:
    return [get_adapter_class(slug) for slug in ADAPTERS]
