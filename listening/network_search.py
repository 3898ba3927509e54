"""Reading a network's keyword search for one saved search (SourceKind.NETWORK_SEARCH): Bluesky's
searchPosts, or any network whose adapter declares the `search` capability.

The saved search's expression becomes the network's queries (expressions.network_queries: one
per OR alternative, NOT left out); every result still goes through the saved searches' own
matcher when stored (collect.py), so the network's looser matching never lets in a mention the
expression refuses. Each query keeps the adapter's cursor; the cursors are returned with the
page and stored in the transaction that stores the mentions, so a poll killed midway reads the
same results again (stored once) and none is skipped. The reads take from the account's budget
behind publishing (networks/budget.py), as the inbox's do.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from listening.expressions import network_queries
from listening.feeds import FeedError, FeedPage, Item
from listening.models import Source
from networks import budget
from networks.base import Capability, PublishError
from networks.capabilities.search import InboundMessage
from networks.models import AccountStatus
from networks.services import account_keep_rotated_credentials

BACKFILL = timedelta(days=7)  # a new source's first read goes back this far
MAX_PAGES = 10  # per query and poll; the rest waits for the next poll (the cursor says where)


def read(source: Source) -> FeedPage:
    """Every query's new results since its cursor, and the cursors to store with them."""
    account, search = source.account, source.search
    if account is None or search is None:
        raise FeedError(_("This source lost its account or its saved search: delete it and add it again."))
    if account.status != AccountStatus.CONNECTED or not account.adapter_class.has(Capability.SEARCH):
        raise FeedError(_("%(account)s cannot be searched: reconnect it on the Networks page.") % {"account": account})
    cursors = _loads(source.cursor)
    adapter = account.adapter()
    since = timezone.now() - BACKFILL
    items: list[Item] = []
    try:
        with budget.spending(account, budget.Priority.BACKGROUND):
            for query in network_queries(search.matcher()):
                cursor = cursors.get(query, "")
                for _page in range(MAX_PAGES):
                    page = adapter.search(query=query, cursor=cursor, since=since)
                    items += [_item(message, account.network) for message in page.messages]
                    cursor = page.cursor
                    if not page.more:
                        break
                cursors[query] = cursor
    except PublishError as error:
        raise FeedError(error.message) from None
    except budget.OverBudget:
        raise FeedError(
            _("The account's call budget is kept for publishing; the search resumes when it refills.")
        ) from None
    finally:
        account_keep_rotated_credentials(adapter=adapter)
    return FeedPage(tuple(items), cursor=json.dumps(cursors, sort_keys=True))


def _loads(cursor: str) -> dict[str, str]:
    try:
        data = json.loads(cursor) if cursor else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _item(message: InboundMessage, network: str) -> Item:
    return Item(
        remote_id=message.remote_id,
        url=message.url,
        title="",
        text=message.text,
        author=message.author.handle,
        language="",  # guessed from the text when stored
        published_at=message.created_at,
        network=network,
    )
