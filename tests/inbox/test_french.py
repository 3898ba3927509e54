"""The inbox speaks French to a French user: pages, refusals, the network's reasons."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from inbox import services
from inbox.states import Move
from posts.workflow import WorkflowError
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, store


@pytest.fixture
def french(editor):
    editor.language = "fr"
    editor.save()
    client = Client()
    client.force_login(editor)
    return client


def test_the_list_and_a_conversation_are_in_french(french, conversation):
    html = french.get(reverse("inbox:list", args=[conversation.brand.slug])).content.decode()
    assert "Boîte de réception" in html and "À traiter (nouvelles ou attribuées)" in html and "Nouvelle" in html
    html = french.get(reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk])).content.decode()
    assert "Réponses à notre publication" in html and "Me l’attribuer" in html and "Notes pour l’équipe" in html


def test_a_refused_move_explains_itself_in_french(french, conversation):
    url = reverse("inbox:move", args=[conversation.brand.slug, conversation.pk, "reopen"])
    html = french.post(url, follow=True).content.decode()
    assert "«\u00a0Rouvrir\u00a0» n’est pas possible sur une conversation à l’état «\u00a0nouvelle\u00a0»." in html


def test_why_mastodon_cannot_hide_is_said_in_french(brand_a, manager):
    mastodon = NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "http://127.0.0.1:9"})
    store(mastodon, inbound("Nul", remote_id="rude", kind="mention"))
    message = mastodon.conversations.get().messages.get()
    with translation.override("fr"), pytest.raises(WorkflowError) as caught:
        services.message_hide(message=message, user=manager, reason="Insulte")
    assert caught.value.message.startswith("Mastodon ne permet pas de masquer une réponse\u00a0:")


def test_the_state_after_a_move_reads_in_french_in_the_history(french, conversation, editor):
    services.conversation_move(conversation=conversation, user=editor, move=Move.RESOLVE)
    html = french.get(reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk])).content.decode()
    assert "État modifié → Résolue" in html
