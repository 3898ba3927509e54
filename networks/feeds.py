"""The Atom feed of a brand's web feed (django.contrib.syndication)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.text import Truncator

from networks.models import FeedEntry, NetworkAccount
from networks.views import webfeed_account_or_404
from networks.webfeed.adapter import feed_page_url


class BrandAtomFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return webfeed_account_or_404(slug)

    def title(self, account: NetworkAccount) -> str:
        return account.display_name

    def link(self, account: NetworkAccount) -> str:
        return reverse("networks:feed_page", args=[account.brand.slug])

    def feed_url(self, account: NetworkAccount) -> str:
        return reverse("networks:feed_atom", args=[account.brand.slug])

    def subtitle(self, account: NetworkAccount) -> str:
        return account.brand.name

    def author_name(self, account: NetworkAccount) -> str:
        return account.brand.name

    def items(self, account: NetworkAccount):
        return account.feed_entries.all()[:50]

    def item_title(self, entry: FeedEntry) -> str:
        first_line = entry.text.strip().splitlines()[0] if entry.text.strip() else ""
        return Truncator(first_line).chars(80)

    def item_description(self, entry: FeedEntry) -> str:
        images = "".join(
            f'<p><img src="{escape(m["url"])}" alt="{escape(m.get("alt_text", ""))}"></p>'
            for m in entry.media
            if m.get("url")
        )
        return linebreaks(escape(entry.text)) + images

    def item_link(self, entry: FeedEntry) -> str:
        return f"{feed_page_url(entry.account.brand.slug)}#entry-{entry.pk}"

    def item_guid(self, entry: FeedEntry) -> str:
        return f"{feed_page_url(entry.account.brand.slug)}#entry-{entry.pk}"

    def item_pubdate(self, entry: FeedEntry):
        return entry.published_at

    def item_updateddate(self, entry: FeedEntry):
        return entry.published_at
