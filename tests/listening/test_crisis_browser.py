"""The crisis room in Chromium, in French, with the real engine (worker and beat processes) and a
local Mastodon: a burst of negative mentions on a forum's feed raises an alert, the manager opens
the room, publishing is paused, a holding statement is approved and published once, a reply
leaves from the room, and the incident is closed with its summary."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inbox.models import Reply, ReplyState
from listening import crisis
from listening.models import Alert, Incident, Mention, SavedSearch
from posts.models import SavedText, TargetState
from tests.listening.conftest import make_source, poll
from tests.networks.servers.mastodon import MastodonServer
from tests.publishing.conftest import approved_post, engine, mastodon_account_for, wait_for  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def angry_feed(count: int) -> bytes:
    """An RSS 2.0 feed: `count` furious posts about the lamp, all within the last half hour."""
    now = datetime.now(UTC)
    items = "".join(
        f"<item><guid>lampe-{n}</guid><link>https://forum.example/t/{n}</link><title>Lampe Lumière</title>"
        f"<description>Ma lampe Lumière a grillé, c’est horrible, je suis furieux et très déçu ({n})</description>"
        f"<pubDate>{(now - timedelta(minutes=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Forum déco</title>'
        f"<link>https://forum.example/</link><description>Forum</description>{items}</channel></rss>"
    ).encode()


def test_a_bad_buzz_is_answered_from_the_crisis_room(
    sign_in,
    live_server,
    engine,  # noqa: F811
    feed_server,
    brand_a,
    editor,
    manager,
):
    manager.language = "fr"
    manager.save()
    feed_server.put("/forum.rss", angry_feed(15))
    SavedSearch.objects.create(brand=brand_a, name="Lampe", expression="lampe")
    poll(make_source(brand_a, feed_server.url + "/forum.rss"))
    alert = Alert.objects.get()
    assert Mention.objects.filter(brand=brand_a, sentiment="negative").count() >= 10

    with MastodonServer() as mastodon:
        account = mastodon_account_for(brand_a, mastodon)
        planned = approved_post(brand_a, [account], text="Notre nouvelle collection")  # due now
        said = mastodon.post_as("claire@example.org", "@desk ma lampe a pris feu !")
        Mention.objects.create(
            brand=brand_a, network="mastodon", remote_id=said, author="@claire@example.org",
            text="@desk ma lampe a pris feu !", sentiment="negative", published_at=datetime.now(UTC),
        )  # fmt: skip
        SavedText.objects.create(brand=brand_a, kind="caption", name="Attente", text="Nous analysons la situation.")
        # The live server's process writes to a broker this test's worker does not read (its own
        # folder and queue): the reply reaches the worker the way a lost message does, handed over
        # by the inbox's dispatcher after the grace, here shortened.
        engine.start_worker(INBOX_REPLY_GRACE_SECONDS="1")
        engine.start_beat()
        page = sign_in(manager)

        page.goto(live_server.url + reverse("listening:alert", kwargs={"brand_slug": brand_a.slug, "pk": alert.pk}))
        expect(page.locator("#alert-why")).to_contain_text("mentions dans la dernière heure")
        page.get_by_role("link", name="Ouvrir la cellule de crise").click()
        page.get_by_role("button", name="Ouvrir la cellule de crise").click()

        expect(page.get_by_role("alert").filter(has_text="La cellule de crise est ouverte")).to_be_visible()
        expect(page.locator("#pause-state")).to_contain_text(
            "Suspendues\u00a0: Crise\u00a0: Pic sur «\u00a0Lampe\u00a0»"
        )
        expect(page.locator("#room-mentions [data-mention]")).to_have_count(16)

        # The brand wants four eyes on what it publishes: the editor writes, the manager approves.
        page.get_by_role("link", name="Attente").click()
        expect(page.get_by_label("Déclaration d’attente")).to_have_value("Nous analysons la situation.")
        incident = Incident.objects.get()
        crisis.statement_write(incident=incident, user=editor, text="Nous analysons la situation.")
        page.reload()
        page.get_by_role("button", name="Approuver et publier").click()
        expect(page.get_by_role("alert").filter(has_text="La déclaration est approuvée")).to_be_visible()
        statement_target = incident.statements.get().post.targets.get()
        wait_for(
            lambda: _state(statement_target) == TargetState.PUBLISHED, timeout=30, message=lambda: engine.log("worker")
        )
        page.reload()
        expect(page.locator(".statement-approved")).to_contain_text("Publiée")

        mention = page.locator("#room-mentions li", has_text="a pris feu")
        mention.get_by_label("Votre réponse").fill("Bonjour Claire, écrivez-nous en privé, nous vous rappelons.")
        mention.get_by_role("button", name="Répondre").click()
        expect(page.get_by_role("alert").filter(has_text="Votre réponse est en route.")).to_be_visible()
        wait_for(
            lambda: Reply.objects.filter(state=ReplyState.SENT).exists(),
            timeout=45,
            message=lambda: engine.log("worker"),
        )

        page.get_by_role("button", name="Clore et rédiger le bilan").click()
        expect(page.locator("#incident-summary")).to_contain_text("Bilan pour la direction")
        expect(page.locator("#summary-first-response")).not_to_contain_text("aucune réponse")
        expect(page.locator("#timeline")).to_contain_text("Déclaration d’attente approuvée et publiée")
        expect(page.locator("#timeline")).to_contain_text("Réponse rédigée")
        expect(page.locator("#pause-state")).to_have_text("Les publications suivent leur cours.")

        # Once each on the network; the post planned before the crisis waited for the pause.
        texts = [status["text"] for status in mastodon.statuses]
        assert texts.count("Nous analysons la situation.") == 1
        assert [r["text"] for r in mastodon.replies_to(said)] == [
            "Bonjour Claire, écrivez-nous en privé, nous vous rappelons."
        ]
        assert "Notre nouvelle collection" not in texts and planned.targets.get().state == TargetState.PENDING


def _state(target) -> str:
    target.refresh_from_db()
    return target.state
