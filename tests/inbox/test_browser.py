"""The inbox in Chromium, in French, on a phone (390 px wide): an editor finds a new message,
takes it, answers it with the network's counter and preview, resolves it; nothing is wider than the screen,
even a 10,000-character message without a space."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inbox.models import Conversation, ConversationState, Reply
from tests.inbox.conftest import inbound, store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def test_an_editor_answers_from_a_phone_in_french(sign_in, live_server, editor, brand_a, account, target):
    editor.language = "fr"
    editor.save()
    store(
        account,
        inbound("Bonjour ! Vous livrez à Lyon ?", remote_id="q", in_reply_to=target.remote_id, author="@claire"),
    )
    store(account, inbound("x" * 10_000, remote_id="long", kind="mention", author="@bavard"))
    page = sign_in(editor)
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(f"{live_server.url}{reverse('inbox:list', kwargs={'brand_slug': brand_a.slug})}")
    expect(page.get_by_role("heading", name="Boîte de réception")).to_be_visible()
    expect(page.locator("#inbox-nav [data-unread]")).to_have_text(re.compile("^2"))
    no_sideways_scroll(page)
    page.locator(".inbox-row", has_text="Vous livrez à Lyon").get_by_role("link").click()

    expect(page.get_by_text("Réponses à notre publication")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Me l’attribuer").click()
    expect(page.locator("#conversation-state")).to_have_text("Attribuée")

    page.keyboard.press("r")  # the mail client's shortcut: to the reply box
    page.get_by_label("Votre réponse").fill("é" * 510)  # previewed as the network shows it: cut at 500
    expect(page.locator("#reply-preview .preview-text")).to_have_text("é" * 500)
    expect(page.locator("#reply-preview .preview-cut")).to_have_text(
        "Le réseau coupe le texte ici : 510 pour une limite de 500."
    )
    page.get_by_label("Votre réponse").fill("Oui, partout en France !")
    expect(page.locator("#reply-counter")).to_have_text("24 / 500 caractères")
    expect(page.locator("#reply-preview .preview-text")).to_have_text("Oui, partout en France !")
    expect(page.locator("#reply-preview .preview-cut")).to_be_hidden()
    expect(page.get_by_text("Aperçu sur Fake network")).to_be_visible()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert").filter(has_text="Votre réponse est en route.")).to_be_visible()
    assert Reply.objects.get().text == "Oui, partout en France !"

    page.get_by_role("button", name="Résoudre").click()
    expect(page.locator("#conversation-state")).to_have_text("Résolue")
    assert Conversation.objects.get(root_remote_id=target.remote_id).state == ConversationState.RESOLVED

    page.goto(f"{live_server.url}{reverse('inbox:list', kwargs={'brand_slug': brand_a.slug})}")
    page.locator(".inbox-row", has_text="xxxx").get_by_role("link").click()
    no_sideways_scroll(page)
