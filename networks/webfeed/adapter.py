"""Web feed: publishing puts the post on the brand's public page and its Atom feed, in this app.

For brands that want their news on their own site, and for the demo: a post goes out with no
credentials at all. Entries are keyed by the publish key, so a repeat finds its entry.
Unlike other adapters it writes to our own database: the "network" is this app.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.images import Fit
from core.images import Limits as ImageLimits
from networks.base import Adapter, ConnectError, Connection, Limits, MediaFile, PublishResult


class WebFeedForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Feed title"),
        max_length=200,
        help_text=gettext_lazy("Shown on the public page and in feed readers."),
    )


def feed_page_url(brand_slug: str) -> str:
    return settings.SITE_URL + reverse("networks:feed_page", args=[brand_slug])


class WebFeedAdapter(Adapter):
    slug = "webfeed"
    name = gettext_lazy("Web feed")  # type: ignore[assignment]  # a lazy str, translated where shown
    icon = "bi-rss"
    limits = Limits(max_chars=5000, max_media=4, images=ImageLimits(Fit(max_bytes=20 * 1024 * 1024)), alt_text_max=1500)
    recognises_repeats = True
    connect_form = WebFeedForm

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        brand, reconnecting = data["brand"], data.get("account")
        others = brand.network_accounts.filter(network=cls.slug)
        if reconnecting is not None:
            others = others.exclude(pk=reconnecting.pk)
        if others.exists():
            raise ConnectError(_("This brand already has a web feed."), field="title")
        return Connection(display_name=data["title"], handle=reverse("networks:feed_page", args=[brand.slug]))

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        from networks.models import FeedEntry  # noqa: PLC0415 — app registry: adapters load before the models

        entry, _created = FeedEntry.objects.get_or_create(
            key=key,
            defaults={
                "account": self.account,
                "text": text,
                "media": [{"url": m.public_url, "alt_text": m.alt_text, "content_type": m.content_type} for m in media],
            },
        )
        return self._result(entry)

    def find_published(self, *, key: str) -> PublishResult | None:
        from networks.models import FeedEntry  # noqa: PLC0415 — app registry: adapters load before the models

        entry = FeedEntry.objects.filter(key=key, account=self.account).first()
        return None if entry is None else self._result(entry)

    def check_connection(self) -> str:
        return feed_page_url(self.account.brand.slug)

    def _result(self, entry) -> PublishResult:
        return PublishResult(remote_id=str(entry.pk), url=f"{feed_page_url(self.account.brand.slug)}#entry-{entry.pk}")
