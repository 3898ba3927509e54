"""A network's search as a listening source: any connected account whose adapter declares the
`search` capability (networks/capabilities/search.py) - Mastodon's search and hashtag timelines,
Bluesky's searchPosts, ... - read the way a feed is, and stored by listening/collect.py.

A poll reads from the source's cursor, at most LISTENING_SEARCH_MAX_PAGES pages, through the
account's budget after publishing (networks/budget.py, background priority), and hands back the
items with the cursor that covers them: collect.py stores both in one transaction, so a poll
killed midway leaves the cursor where it was and the next one reads the same posts again (each
stored once: same network, same id). The first read goes back LISTENING_SEARCH_BACKFILL_DAYS.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from listening.feeds import FeedError, FeedPage, Item
from listening.models import Source
from networks import budget
from networks.base import Capability, PublishError
from networks.capabilities.search import InboundMessage
from networks.models import AccountStatus, NetworkAccount


def searchable_accounts(brand_id: int) -> list[NetworkAccount]:
    """The brand's connected accounts whose network can search (what the source form offers)."""
    accounts = NetworkAccount.objects.filter(brand_id=brand_id, status=AccountStatus.CONNECTED)
    return [account for account in accounts if account.adapter_class.has(Capability.SEARCH)]


def read(source: Source) -> FeedPage:
    """Every page waiting after the source's cursor (up to the cap); FeedError in words otherwise."""
    account = source.account
    if account is None or account.status != AccountStatus.CONNECTED:
        raise FeedError(_("The account this search reads through is not connected: reconnect it or pick another."))
    adapter = account.adapter()
    since = timezone.now() - timedelta(days=settings.LISTENING_SEARCH_BACKFILL_DAYS)
    cursor, items = source.cursor, []
    try:
        with budget.spending(account, budget.Priority.BACKGROUND):
            for _page in range(settings.LISTENING_SEARCH_MAX_PAGES):
                page = adapter.search(query=source.query, cursor=cursor, since=since)
                items += [_item(message, account.network) for message in page.messages if not message.ours]
                cursor = page.cursor
                if not page.more:
                    break
    except budget.OverBudget:
        raise FeedError(
            _("%(network)s: the account's call budget is kept for publishing; the search resumes when it refills.")
            % {"network": account.adapter_class.name}
        ) from None
    except PublishError as error:
        raise FeedError(error.message) from None
    return FeedPage(tuple(items), cursor=cursor)


def _item(message: InboundMessage, network: str) -> Item:
    return Item(
        remote_id=message.remote_id,
        url=message.url,
        title="",
        text=message.text,
        author=message.author.handle,
        language="",
        published_at=message.created_at,
        network=network,
    )
