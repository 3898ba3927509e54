"""Client approval in Chromium, in French, the client on a phone (390 px), with the real engine
(worker and beat processes) and a local Mastodon: the editor submits, the manager approves and
sends to the client, the client approves by link without an account, and the post goes out once;
a second post whose time comes while it waits for the client expires and is never published."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clients import services as client_services
from posts import services
from posts.content import PostContent
from posts.models import PostState, TargetState
from tests.networks.servers.mastodon import MastodonServer
from tests.publishing.conftest import engine, mastodon_account_for, wait_for  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _refreshed(obj):
    obj.refresh_from_db()
    return obj


def test_the_client_approves_on_a_phone_and_the_post_goes_out_once(
    sign_in,
    browser,
    live_server,
    engine,  # noqa: F811
    brand_a,
    owner,
    editor,
    manager,
):
    for person in (editor, manager, owner):
        person.language = "fr"
        person.save()
    brand_a.client_approval_required = True
    brand_a.save()
    with MastodonServer() as mastodon:
        account = mastodon_account_for(brand_a, mastodon)
        # Both due now: nothing runs the deadline or the engine until beat starts, below.
        now = timezone.now().replace(second=0, microsecond=0)
        first, second = (
            services.post_create(
                brand=brand_a, author=editor, content=PostContent(text=text, accounts=[account], scheduled_at=now)
            )
            for text in ("Bonjour Lyon, la boutique ouvre !", "Soldes d’hiver : -20 %")
        )
        services.post_submit(post=second, user=editor)
        services.post_approve(post=second, user=manager)  # waits for the client, who will not answer
        page = sign_in(editor)
        detail = live_server.url + reverse("posts:detail", kwargs={"brand_slug": brand_a.slug, "pk": first.pk})

        page.goto(detail)
        page.get_by_role("button", name="Soumettre à relecture", exact=True).click()
        expect(page.get_by_role("alert").filter(has_text="soumise")).to_be_visible()
        page.context.clear_cookies()

        page = sign_in(manager)
        page.goto(detail)
        page.get_by_role("button", name="Approuver et envoyer au client", exact=True).click()
        expect(page.get_by_role("alert").filter(has_text="attend le client")).to_be_visible()
        assert _refreshed(first).state == PostState.AWAITING_CLIENT

        client_services.client_reviewer_invite(brand=brand_a, by=owner, name="Claire Martin", email="claire@client.fr")
        link = re.search(r"https?://\S+/review/\S+/", mail.outbox[-1].body).group(0)
        path = link[link.index("/review/") :]
        # The client's own phone, in French: another browser without any session of the desk.
        phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True)
        page = phone.new_page()
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", name="Publications de Brand A à approuver", exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        card = page.locator(f"#post-{first.pk}")
        expect(card).to_contain_text("Bonjour Lyon, la boutique ouvre !")
        expect(page.locator(f"#post-{second.pk}")).to_be_visible()
        card.get_by_role("button", name="Approuver", exact=True).click()
        expect(page.get_by_role("alert").filter(has_text=f"Publication {first.pk} approuvée.")).to_be_visible()
        assert _refreshed(first).state == PostState.APPROVED

        engine.start_worker()
        engine.start_beat(APPROVAL_DEADLINE_INTERVAL="1")
        target = first.targets.get()
        wait_for(
            lambda: _refreshed(target).state == TargetState.PUBLISHED, timeout=45, message=lambda: engine.log("worker")
        )
        wait_for(lambda: _refreshed(second).state == PostState.EXPIRED, timeout=30, message=lambda: engine.log("beat"))

        page.reload()
        expect(page.locator("#nothing-waiting")).to_be_visible()  # the expired post left the client's page
        texts = [status["text"] for status in mastodon.statuses]
        assert texts.count("Bonjour Lyon, la boutique ouvre !") == 1
        assert "Soldes d’hiver : -20 %" not in texts
        assert second.targets.get().state == TargetState.PENDING
        assert editor.notifications.filter(post=second, kind="expired").count() == 1
        phone.close()
