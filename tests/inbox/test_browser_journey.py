"""The inbox's whole journey in French Chromium, with a real worker and beat: a reply to our post
arrives on a local Mastodon server, the editor takes it and answers with a saved reply, the
manager approves the answer (the brand's replies wait for approval), it appears on the network
once, and the conversation is resolved with its first-response time shown."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inbox import services
from inbox.models import Conversation, ConversationState, Message, Reply, ReplyState, SavedReply
from tests.networks.servers.mastodon import MastodonServer
from tests.publishing.conftest import engine, mastodon_account_for, wait_for  # noqa: F401 - the engine fixture

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"INBOX_DISPATCH_INTERVAL": "0.5", "INBOX_POLL_INTERVAL": "0.5", "INBOX_POLL_LEASE_SECONDS": "3"}
ALWAYS_OPEN = {str(day): ["00:00", "23:59"] for day in range(7)}  # the clock runs whenever the test does


def _as(sign_in, page, user):
    page.context.clear_cookies()
    return sign_in(user)


@pytest.fixture
def french(editor, manager):
    for person in (editor, manager):
        person.language = "fr"
        person.save()


def test_a_reply_is_taken_answered_approved_sent_once_and_resolved(
    engine,  # noqa: F811
    live_server,
    sign_in,
    page,
    brand_a,
    editor,
    manager,
    owner,
    french,
):
    services.inbox_settings_update(
        brand=brand_a,
        user=owner,
        replies_need_approval=True,
        response_target_minutes=60,
        business_hours=ALWAYS_OPEN,
    )
    SavedReply.objects.create(
        brand=brand_a, title="Horaires", language="fr", text="Bonjour {prénom}, nous ouvrons à 10 h. {marque}"
    )
    with MastodonServer() as server:
        mastodon_account_for(brand_a, server)
        ours = server.post_as("desk", "Notre boutique de Lyon ouvre samedi !")
        question = server.post_as("claire@other.example", "À quelle heure ouvrez-vous ?", in_reply_to_id=ours)
        engine.start_worker(**FAST)
        engine.start_beat(**FAST)
        wait_for(lambda: Message.objects.filter(remote_id=question).exists(), timeout=60, message=engine.log)
        conversation = Message.objects.get(remote_id=question).conversation
        inbox = f"{live_server.url}{reverse('inbox:list', kwargs={'brand_slug': brand_a.slug})}"

        # The editor finds it, takes it and answers with the saved reply: it waits for approval.
        _as(sign_in, page, editor)
        page.goto(inbox)
        expect(page.locator("#inbox-nav [data-unread]")).to_have_text(re.compile("^1"))
        page.locator(".inbox-row", has_text="À quelle heure ouvrez-vous").get_by_role("link").click()
        page.get_by_role("button", name="Me l’attribuer", exact=True).click()
        expect(page.locator("#conversation-state")).to_have_text("Attribuée")
        page.get_by_label("Réponse enregistrée").select_option(label="Horaires (Français)")
        page.get_by_role("button", name="Utiliser cette réponse", exact=True).click()
        box = page.get_by_label("Votre réponse", exact=True)
        expect(box).to_have_value(re.compile(r"nous ouvrons à 10 h\. Brand A$"))
        expect(page.locator("#reply-counter")).to_contain_text("/ 500 caractères")
        page.get_by_role("button", name="Soumettre pour approbation", exact=True).click()
        expect(page.get_by_text("Elle attend l’approbation d’un responsable avant d’être envoyée.")).to_be_visible()
        reply = Reply.objects.get()
        assert reply.state == ReplyState.AWAITING_APPROVAL and not server.replies_to(question)

        # The manager approves it; the worker sends it.
        _as(sign_in, page, manager)
        page.goto(f"{live_server.url}{reverse('inbox:conversation', args=[brand_a.slug, conversation.pk])}")
        page.get_by_role("button", name="Approuver et envoyer", exact=True).click()
        expect(page.get_by_text("Réponse approuvée : elle est en route.")).to_be_visible()
        wait_for(lambda: Reply.objects.get(pk=reply.pk).state == ReplyState.SENT, timeout=45, message=engine.log)
        sent = server.replies_to(question)
        assert len(sent) == 1 and "nous ouvrons à 10 h." in sent[0]["text"]

        # Resolved, with the time it took to answer.
        page.reload()
        page.get_by_role("button", name="Résoudre", exact=True).click()
        expect(page.locator("#conversation-state")).to_have_text("Résolue")
        expect(page.locator("#response-time")).to_contain_text("Première réponse après")
        assert Conversation.objects.get(pk=conversation.pk).state == ConversationState.RESOLVED
        assert len(server.replies_to(question)) == 1, "the reply went out once"
