"""Fixtures of the inbox tests: brand A's fake account with a published post, and builders for
messages as adapters hand them over and for conversations already stored."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from inbox.collect import CONVERSATIONS, account_poll, inbox_dispatch
from inbox.models import Conversation, Message
from inbox.services import messages_store
from networks import services
from networks.base import Connection
from networks.capabilities.conversations import Author, InboundMessage, MessageKind
from networks.fake.adapter import FakeAdapter
from networks.models import ReadState
from posts.models import PostState, TargetState
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.networks.oauth_helpers import oauth_data
from tests.networks.servers.graph import GraphServer

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages read in English here; tests/inbox/test_french.py checks the French side."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_fake_network():
    for store in (FakeAdapter.outbox, FakeAdapter.replies, FakeAdapter.hidden, FakeAdapter.deleted):
        store.clear()


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="fake", display_name="Maison A", handle="@maisona")


def published_target(account, remote_id: str | None = None):
    post = PostFactory(brand=account.brand, state=PostState.APPROVED, text="Notre collection de printemps")
    return PostTargetFactory(
        post=post,
        account=account,
        state=TargetState.PUBLISHED,
        remote_id=remote_id or f"post-{next(_ids)}",
        remote_url="https://fake.invalid/posts/1",
    )


@pytest.fixture
def target(account):
    return published_target(account)


def inbound(
    text: str = "Bonjour !",
    *,
    remote_id: str | None = None,
    in_reply_to: str = "",
    root_id: str = "",
    author: str = "@claire@fake.invalid",
    at: datetime | None = None,
    ours: bool = False,
    kind: MessageKind = MessageKind.REPLY,
    **extra,
) -> InboundMessage:
    return InboundMessage(
        remote_id=remote_id or f"msg-{next(_ids)}",
        text=text,
        author=Author(handle=author, name=author.lstrip("@").split("@")[0].title()),
        created_at=at or timezone.now() - timedelta(minutes=5),
        in_reply_to=in_reply_to,
        root_id=root_id,
        ours=ours,
        kind=kind,
        **extra,
    )


def store(account, *messages: InboundMessage):
    return messages_store(account=account, messages=list(messages))


@pytest.fixture
def conversation(account, target) -> Conversation:
    """A new conversation under brand A's published post, with one reply from Claire."""
    store(account, inbound("Où est la boutique ?", remote_id="q1", in_reply_to=target.remote_id))
    return Message.objects.get(remote_id="q1").conversation


# --- a Facebook Page on the local Graph API (Meta's webhook and replies) ------------------------------
@pytest.fixture
def graph(settings):
    with GraphServer(app_id="fb-app", app_secret="fb-secret-value") as server:
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = server.app_id, server.app_secret
        settings.GRAPH_API_URL = server.api_url
        yield server


@pytest.fixture
def facebook_page(graph):  # not `page`: that is Playwright's, which the inbox's browser tests use
    return graph.page("Desk Café")


@pytest.fixture
def facebook(graph, facebook_page, brand_a, owner):
    connection = Connection(
        display_name=facebook_page["name"],
        handle=facebook_page["id"],
        credentials={"page_token": facebook_page["access_token"]},
        config={"page_id": facebook_page["id"]},
    )
    return services.account_connect(brand=brand_a, user=owner, network="facebook", data=oauth_data(connection))


def poll_now(account) -> str:
    """What beat and a worker would do: dispatch, then run the poll it enqueued (in this process)."""
    ReadState.objects.filter(account=account).update(next_read_at=None)
    inbox_dispatch()
    state = ReadState.objects.get(account=account, capability=CONVERSATIONS)
    return account_poll(read_state_id=state.pk, claim=state.claim_id)
