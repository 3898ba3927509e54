"""The home page's inbox card and the navigation's count: what waits for an answer, per brand."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from desk.cards import cards_for
from desk.scope import desk_scope
from inbox import services
from inbox.models import Conversation
from networks.capabilities.conversations import MessageKind
from tests.inbox.conftest import inbound, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(account, editor):
    """Three new mentions (one due in 5 minutes) and one given to the editor."""
    for name in ("a", "b", "c", "d"):
        store(account, inbound(f"Message {name}", remote_id=name, kind=MessageKind.MENTION, author=f"@{name}"))
    Conversation.objects.filter(root_remote_id="a").update(reply_due_at=timezone.now() + timedelta(minutes=5))
    Conversation.objects.exclude(root_remote_id="a").update(reply_due_at=timezone.now() + timedelta(hours=3))
    services.conversation_assign(
        conversation=Conversation.objects.get(root_remote_id="d"), user=editor, assignee=editor
    )


def test_the_card_counts_new_due_soon_and_mine_for_each_brand(waiting, editor, brand_a):
    (card,) = [c for c in cards_for(desk_scope(user=editor)) if c.key == "inbox"]
    (row,) = card.context["rows"]
    assert (row.brand, row.new, row.due_soon, row.mine) == (brand_a, 3, 1, 1)


def test_the_home_page_links_each_figure_to_the_filtered_inbox(client, waiting, editor, brand_a):
    client.force_login(editor)
    html = client.get(reverse("desk:brand_today", args=[brand_a.slug])).content.decode()
    card = html.split('id="card-inbox"')[1].split("</section>")[0]
    inbox = reverse("inbox:list", args=[brand_a.slug])
    assert f'href="{inbox}?state=new">3 new</a>' in card
    assert "1 due soon" in card and f'href="{inbox}?assignee=me">1 assigned to me</a>' in card
    # The navigation: new ones and those given to this person.
    assert re.search(r'id="inbox-nav">Inbox <span [^>]*data-unread="4"', html)


def test_the_card_says_when_nothing_waits(client, manager, brand_a):
    client.force_login(manager)
    html = client.get(reverse("desk:brand_today", args=[brand_a.slug])).content.decode()
    assert "Nothing waits for an answer." in html.split('id="card-inbox"')[1].split("</section>")[0]
