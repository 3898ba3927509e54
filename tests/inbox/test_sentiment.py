"""Sentiment in the inbox: each message from them is read when stored (core/sentiment.py), the
conversation shows its latest one, the list filters on it, and an editor corrects it by hand."""

from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inbox import services
from inbox.models import Conversation, EventKind, Message
from networks.capabilities.conversations import MessageKind
from tests.inbox.conftest import inbound, store

UNHAPPY = "Votre service est nul, je suis très déçue"
HAPPY = "Merci, c'est magnifique, j'adore !"


def list_url(brand, **query) -> str:
    return reverse("inbox:list", kwargs={"brand_slug": brand.slug}) + f"?{urlencode(query)}"


def sentiment_url(brand, message) -> str:
    return reverse("inbox:sentiment", kwargs={"brand_slug": brand.slug, "pk": message.pk})


@pytest.fixture
def unhappy(account, target) -> Conversation:
    store(account, inbound(UNHAPPY, remote_id="sad", in_reply_to=target.remote_id, author="@sad"))
    return Conversation.objects.get(messages__remote_id="sad")


def test_each_message_from_them_gets_a_sentiment_when_stored_and_ours_none(account, target):
    store(account, inbound(UNHAPPY, remote_id="m1", in_reply_to=target.remote_id))
    store(account, inbound("Nous regardons", remote_id="m2", in_reply_to="m1", ours=True))
    assert Message.objects.get(remote_id="m1").sentiment == "negative"
    assert Message.objects.get(remote_id="m2").sentiment == ""
    assert Message.objects.get(remote_id="m1").conversation.sentiment == "negative"


def test_the_conversation_follows_their_latest_message(account, unhappy):
    store(account, inbound(HAPPY, remote_id="later", in_reply_to="sad"))
    unhappy.refresh_from_db()
    assert unhappy.sentiment == "positive"


def test_the_list_shows_and_filters_the_sentiment_from_the_url(client, viewer, brand_a, account, unhappy):
    store(account, inbound(HAPPY, remote_id="glad", kind=MessageKind.MENTION, author="@glad"))
    client.force_login(viewer)
    everything = client.get(list_url(brand_a)).content.decode()
    assert "sentiment-negative" in everything and "sentiment-positive" in everything
    negative = client.get(list_url(brand_a, sentiment="negative")).content.decode()
    assert ">@sad<" in negative and ">@glad<" not in negative
    unknown = client.get(list_url(brand_a, sentiment="furious"))
    assert unknown.status_code == 200 and ">@glad<" in unknown.content.decode()


def test_an_editor_corrects_the_sentiment_and_the_history_says_who(client, editor, brand_a, unhappy):
    message = unhappy.messages.get()
    client.force_login(editor)
    response = client.post(sentiment_url(brand_a, message), {"sentiment": "neutral"}, follow=True)
    assert "Sentiment corrected." in response.content.decode()
    message.refresh_from_db()
    unhappy.refresh_from_db()
    assert (message.sentiment, unhappy.sentiment) == ("neutral", "neutral")
    event = unhappy.events.get(kind=EventKind.SENTIMENT)
    assert (event.actor, event.before, event.after_display) == (editor, "negative", "neutral")


def test_a_wrong_sentiment_is_refused_with_a_message_and_nothing_changes(client, editor, brand_a, unhappy):
    message = unhappy.messages.get()
    client.force_login(editor)
    response = client.post(sentiment_url(brand_a, message), {"sentiment": "furious"}, follow=True)
    assert "Choose positive, neutral or negative." in response.content.decode()
    message.refresh_from_db()
    assert message.sentiment == "negative"
    assert not unhappy.events.filter(kind=EventKind.SENTIMENT).exists()


def test_a_viewer_cannot_correct_and_our_own_messages_have_none(viewer, editor, account, unhappy):
    with pytest.raises(PermissionDenied):
        services.message_set_sentiment(message=unhappy.messages.get(), user=viewer, label="positive")
    store(account, inbound("Nous regardons", remote_id="ours", in_reply_to="sad", ours=True))
    with pytest.raises(ValidationError):
        services.message_set_sentiment(message=Message.objects.get(remote_id="ours"), user=editor, label="positive")
